"""Keeping a roster in the browser, as a counselor does it: from the chart, on the group's page, by keyboard."""

import pytest

from sessions.models import GroupMembership
from tests.factories import TherapyGroupFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_counselor_adds_a_patient_from_the_chart_sees_the_roster_and_ends_the_membership(
    page, sign_in, clinic, jordan, screenshot
):
    patient = clinic["patient"]
    program = patient.enrollments.get().program
    evening = TherapyGroupFactory(program=program, facilitator=jordan, title="IOP Evening Group", capacity=8)
    sign_in("jordan")

    # The chart offers the program's groups with a free seat.
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Whitfield").click()
    groups = page.locator("#groups")
    groups.get_by_label("Add to a group of IOP - Day Track").select_option(str(evening.pk))
    groups.get_by_role("button", name="Add to the group").click()
    page.get_by_text("Added to IOP Evening Group.").wait_for()
    assert "IOP Evening Group" in page.locator("#chart-groups").inner_text()
    screenshot("chart-groups")

    # The group's page lists them with the day they joined; ending the membership, by keyboard, keeps it as history.
    page.locator("#chart-groups").get_by_role("link", name="IOP Evening Group").click()
    roster = page.locator("#roster")
    roster.get_by_role("link", name="Whitfield").wait_for()
    assert "1 of 8 taken" in page.locator("#seats").inner_text()
    roster.get_by_role("button", name="End membership of Whitfield").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Membership of IOP Evening Group ended.").wait_for()
    assert "Whitfield" not in page.locator("#roster").inner_text()
    assert "Whitfield" in page.locator("#past").inner_text()

    # Back on the roster through the patient picker: the suggestion comes as one types.
    picker = page.get_by_label("Patient", exact=True)
    picker.press_sequentially("Whitf", delay=50)
    options = page.locator("#id_patient-options option")
    options.first.wait_for(state="attached")
    assert options.count() == 1
    suggestion = options.first.get_attribute("value")
    assert suggestion.startswith("Whitfield,") and patient.mrn in suggestion
    picker.fill(suggestion)
    picker.press("Enter")
    page.get_by_text("joined IOP Evening Group").wait_for()
    assert "Whitfield" in page.locator("#roster").inner_text() and "Whitfield" in page.locator("#past").inner_text()
    screenshot("group-page")
    assert GroupMembership.objects.filter(group=evening, patient=patient).count() == 2
