"""The calendar in headless Chromium: a counselor books from an empty slot of their week and finds the session
there; a day by counselor; the grid on a phone."""

import datetime

import pytest
from django.utils import timezone

from sessions.models import TherapySession

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_counselor_books_from_an_empty_slot_and_finds_the_session_on_the_calendar(
    page, live_server, sign_in, clinic, screenshot, accessibility_violations
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    sign_in("jordan")
    page.goto(f"{live_server.url}/schedule/?counselor={clinic['counselor'].pk}&week={tomorrow}")
    calendar = page.locator("#calendar")
    calendar.wait_for()
    assert accessibility_violations() == []
    screenshot("calendar")

    # The 2 PM slot of tomorrow's column: rows of 15 minutes from the grid's first hour.
    first_hour, rows = int(calendar.get_attribute("data-first-hour")), int(calendar.get_attribute("data-rows"))
    column = page.locator(f".cal-col[data-book$='day={tomorrow}'] .cal-body")
    row = (14 - first_hour) * 4
    box = column.bounding_box()
    page.evaluate("y => window.scrollBy(0, y)", box["y"] + (row + 0.5) * box["height"] / rows - 400)  # in sight
    box = column.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + (row + 0.5) * box["height"] / rows)

    page.get_by_role("heading", name="Book a session", exact=True).wait_for()
    assert "2:00 PM" in page.locator("main, body").first.inner_text()
    assert accessibility_violations() == []
    page.get_by_label("Patient").fill("Whitfield")
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_label("Time (clinic time)").input_value().startswith("14:00")
    assert page.get_by_label("Day").input_value() == tomorrow.isoformat()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Booked.").wait_for()

    booked = TherapySession.objects.get(patient=clinic["patient"], kind="individual")
    assert timezone.localtime(booked.starts_at).time() == datetime.time(14)
    page.goto(f"{live_server.url}/schedule/?counselor={clinic['counselor'].pk}&week={tomorrow}")
    entry = page.locator(f"a[href='/sessions/{booked.pk}/']")
    assert "2:00 PM" in entry.inner_text() and "Whitfield" in entry.inner_text()
    entry.click()
    assert page.url.endswith(f"/sessions/{booked.pk}/")


def test_the_day_view_puts_each_counselor_in_a_column(page, live_server, sign_in, clinic, accessibility_violations):
    sign_in("morgan")
    page.goto(f"{live_server.url}/schedule/?view=day")
    column = page.get_by_role("region", name=str(clinic["counselor"]))
    assert "IOP Morning Group" in column.inner_text()
    assert accessibility_violations() == []


def test_on_a_phone_the_week_is_a_list_of_days(page, live_server, sign_in, clinic, accessibility_violations):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("jordan")
    page.goto(f"{live_server.url}/schedule/")
    page.locator("#calendar").wait_for()

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_text("IOP Morning Group").first.is_visible()
    assert accessibility_violations() == []
