"""The dashboard on a phone (390x844): today's sessions first, the caseload as cards, nothing to scroll sideways."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_on_a_phone_the_dashboard_puts_today_first_and_draws_the_caseload_as_cards(
    page, sign_in, clinic, screenshot, accessibility_violations
):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("jordan")
    page.locator("#caseload").get_by_text("Whitfield").wait_for()

    today = page.get_by_role("heading", name="Today's sessions").bounding_box()
    caseload = page.get_by_role("heading", name="Patients in care").bounding_box()
    assert today["y"] < caseload["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # A row is a card: its header row is hidden from sight (not from screen readers) and each cell says what it is.
    assert page.locator("#caseload thead").bounding_box()["height"] <= 1
    program = page.locator("#caseload td[data-label='Program']").first
    assert page.evaluate("cell => getComputedStyle(cell, '::before').content", program.element_handle()) == '"Program"'
    assert page.get_by_role("columnheader", name="Program").count() == 1  # still a table to a screen reader
    assert accessibility_violations() == []
    screenshot("dashboard-phone")


def test_on_a_wide_screen_the_caseload_is_a_table_beside_todays_sessions(page, sign_in, clinic):
    sign_in("jordan")
    page.locator("#caseload").get_by_text("Whitfield").wait_for()

    today = page.get_by_role("heading", name="Today's sessions").bounding_box()
    caseload = page.get_by_role("heading", name="Patients in care").bounding_box()
    assert today["x"] > caseload["x"] and abs(today["y"] - caseload["y"]) < 5
    assert page.locator("#caseload thead").bounding_box()["height"] > 10
