"""The staff pages in headless Chromium, as a counselor and as front desk would use them."""

import datetime

import pytest
from django.utils import timezone

from clinic.clock import local_start
from sessions.models import Attendance, ProgressNote
from tests.factories import (
    EnrollmentFactory,
    GroupSessionFactory,
    MembershipFactory,
    TherapyGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_counselor_signs_in_sees_the_caseload_and_opens_the_chart(page, sign_in, clinic, screenshot):
    sign_in("jordan")

    caseload = page.locator("#caseload")
    caseload.get_by_text("Whitfield").wait_for()
    assert "IOP - Day Track" in caseload.inner_text()
    screenshot("dashboard")

    caseload.get_by_role("link", name="Whitfield").click()
    sections = page.get_by_role("navigation", name="Chart sections")
    page.get_by_role("heading", name="In care").wait_for()
    assert "IOP - Day Track" in page.locator("#care").inner_text()
    screenshot("chart")
    sections.get_by_role("link", name="Journey").click()
    assert "IOP - Day Track" in page.locator("#journey").inner_text()
    sections.get_by_role("link", name="Notes").click()
    assert "Practise urge surfing." in page.locator("#notes").inner_text()
    assert sections.get_by_role("link", name="Notes").get_attribute("aria-current") == "page"


def test_front_desk_cannot_open_a_note(page, live_server, sign_in, clinic):
    sign_in("casey")
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Whitfield").click()
    page.get_by_role("heading", name="In care").wait_for()

    assert page.get_by_role("navigation", name="Chart sections").get_by_role("link", name="Notes").count() == 0
    page.goto(f"{page.url}?section=notes")  # asked for by hand: the summary, no notes
    assert page.locator("#notes").count() == 0
    assert "urge surfing" not in page.content()
    response = page.goto(f"{live_server.url}/admin/clinic_sessions/progressnote/{clinic['note'].pk}/change/")
    assert response.status == 403


def test_a_counselors_day_attendance_a_signed_note_and_a_step_down(page, live_server, sign_in, jordan, screenshot):
    residential = EnrollmentFactory(
        counselor=jordan,
        patient__primary_counselor=jordan,
        patient__legal_last_name="Whitfield",
        program__name="Maple House",
        program__level_of_care="3.5",
    )
    EnrollmentFactory(program__name="IOP - Day Track", program__level_of_care="2.1")  # the program to step down to
    group = TherapyGroupFactory(program=residential.program, facilitator=jordan, title="Process Group")
    members = [MembershipFactory(group=group, enrollment=residential)] + [
        MembershipFactory(group=group, enrollment__counselor=jordan, enrollment__program=residential.program)
        for _ in range(2)
    ]
    # Started half an hour ago, or at midnight when that was yesterday: the browser's clock is the real one, and the
    # dashboard lists today's sessions.
    today = local_start(timezone.localdate(), datetime.time(0))
    GroupSessionFactory(group=group, starts_at=max(timezone.now() - datetime.timedelta(minutes=30), today))
    sign_in("jordan")

    # Today's group, from the dashboard: the whole roster in one save, with a signed note for one.
    page.get_by_role("link", name="Process Group").click()
    page.get_by_label("Group narrative").fill("Reviewed coping plans for the weekend.")
    for member in members:
        page.locator(f"#status-{member.patient_id}").select_option("present")
    page.locator(f"#status-{members[2].patient_id}").select_option("late")
    page.locator(f"#minutes-{members[2].patient_id}").fill("60")
    first = members[0].patient_id
    page.locator(f"#row-{first} + tr summary").click()  # open this patient's note
    page.locator(f"#data-{first}").fill("Named two triggers.")
    page.locator(f"#assessment-{first}").fill("Insight growing.")
    page.locator(f"#plan-{first}").fill("Step down to IOP next week.")
    page.locator(f"#sign-{first}").check()
    screenshot("attendance-sheet")
    page.get_by_role("button", name="Save attendance and notes").click()
    page.get_by_text("Attendance and notes saved.").wait_for()
    assert Attendance.objects.filter(session__group=group).count() == 3
    assert ProgressNote.objects.get(attendance__patient_id=first).is_signed

    # The step down, from the chart.
    page.goto(f"{live_server.url}/patients/{first}/")
    page.get_by_role("link", name="Step down / up").click()
    page.get_by_label("Move to").select_option(label="IOP - Day Track")
    page.get_by_label("Clinical reason").fill("Met residential goals.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Transition recorded.").wait_for()

    sections = page.get_by_role("navigation", name="Chart sections")
    sections.get_by_role("link", name="Journey").click()
    journey = page.locator("#journey").inner_text()
    assert "Step down on" in journey and "IOP - Day Track" in journey and "Maple House" in journey
    screenshot("chart-after-step-down")
    sections.get_by_role("link", name="Notes").click()
    assert "Reviewed coping plans for the weekend." in page.locator("#notes").inner_text()
    sections.get_by_role("link", name="Attendance").click()
    assert "Present" in page.locator("#attendance").inner_text()


def test_a_supervisor_types_part_of_a_name_and_picks_the_suggested_caseload(
    page, sign_in, clinic, jordan, accessibility_violations, screenshot
):
    UserFactory.create_batch(30, role="counselor", first_name="Sam", last_name="Baker")  # the page lists none
    UserFactory(username="jlesser", role="counselor", first_name="Jordana", last_name="Lesser")
    sign_in("morgan")
    box = page.get_by_role("combobox", name="Counselor")
    assert page.locator("#id_counselor-options option").count() == 0

    box.press_sequentially("jord", delay=30)
    suggestions = page.locator("#id_counselor-options option")
    suggestions.nth(1).wait_for(state="attached")
    shown = [option.get_attribute("value") for option in suggestions.all()]
    # Jordan and Jordana (and any factory-made colleague whose random name matches), never the 30 Sam Bakers.
    assert {"Lee, Jordan (jordan)", "Lesser, Jordana (jlesser)"} <= set(shown)
    assert not [label for label in shown if "Baker" in label]
    assert accessibility_violations() == []
    screenshot("counselor-picker")

    box.fill("Lee, Jordan (jordan)")  # what choosing the suggestion does: its label in the box, and the page applies it
    page.get_by_role("heading", name="Caseload of Jordan Lee").wait_for()
    assert page.url.endswith(f"/?counselor={jordan.pk}")
    assert "Whitfield" in page.locator("#caseload").inner_text()
    assert box.input_value() == "Lee, Jordan (jordan)"
    assert accessibility_violations() == []


def test_without_suggestions_a_typed_name_and_show_apply_the_caseload(page, sign_in, clinic, jordan):
    sign_in("morgan")
    page.get_by_role("combobox", name="Counselor").fill("Jordan")
    page.get_by_role("button", name="Show").click()

    page.get_by_role("heading", name="Caseload of Jordan Lee").wait_for()
    assert page.url.endswith(f"/?counselor={jordan.pk}")
