"""The attendance sheet's marking: "Mark all present", then the exceptions; minutes only where the status needs
them."""

import re

import pytest

from clinic.models import AuditEvent
from sessions.models import Attendance
from tests.factories import AttendanceFactory, MembershipFactory, attendees_with_notes

pytestmark = pytest.mark.django_db


def url(session):
    return f"/sessions/{session.pk}/attendance/"


def field(page: str, tag: str, name: str) -> str:
    """The HTML of the <tag> named `name`."""
    found = re.search(rf'<{tag}[^>]*name="{name}"[^>]*>', page)
    assert found, name
    return found.group(0)


def selected(page: str, name: str) -> str:
    select = page[page.index(f'name="{name}"') :]
    select = select[: select.index("</select>")]
    found = re.search(r'<option value="([^"]*)" selected>', select)
    return found.group(1) if found else ""


def test_mark_all_present_marks_every_row_not_yet_recorded_and_saves_nothing(client, counselor, session, group):
    waiting, late = MembershipFactory.create_batch(2, group=group)
    AttendanceFactory(session=session, enrollment=late.enrollment, status="late", minutes_attended=120)
    (signed,) = attendees_with_notes(session, 1, author=counselor, signed=True)
    client.force_login(counselor)

    response = client.post(url(session), {"mark_all_present": "1"})

    page = response.content.decode()
    assert response.status_code == 200 and "marked present" in page
    assert selected(page, f"status-{waiting.patient_id}") == "present"
    assert selected(page, f"status-{late.patient_id}") == "late"  # recorded rows keep what was recorded
    assert "disabled" in field(page, "select", f"status-{signed.attendance.patient_id}")
    assert Attendance.objects.filter(patient=waiting.patient).count() == 0
    assert AuditEvent.objects.filter(action="attendance.view", patient_id=waiting.patient_id).exists()


def test_the_sheet_has_a_mark_all_present_button_for_script_and_for_none(client, counselor, session, group):
    MembershipFactory(group=group)
    client.force_login(counselor)

    page = client.get(url(session)).content.decode()

    assert re.search(r'<button[^>]*form="mark-all"[^>]*data-mark-all-present[^>]*>Mark all present</button>', page)
    assert '<form method="post" id="mark-all">' in page and 'name="mark_all_present"' in page


def test_minutes_are_empty_and_off_until_the_status_needs_them(client, counselor, session, group):
    blank, present, absent, late = MembershipFactory.create_batch(4, group=group)
    AttendanceFactory(session=session, enrollment=present.enrollment, status="present", minutes_attended=180)
    AttendanceFactory(session=session, enrollment=absent.enrollment, status="unexcused", minutes_attended=0)
    AttendanceFactory(session=session, enrollment=late.enrollment, status="late", minutes_attended=150)
    client.force_login(counselor)

    page = client.get(url(session)).content.decode()

    assert "placeholder" not in page
    for member in (blank, present, absent):
        minutes = field(page, "input", f"minutes-{member.patient_id}")
        assert "disabled" in minutes and "value=" not in minutes and "required" not in minutes
    minutes = field(page, "input", f"minutes-{late.patient_id}")
    assert 'value="150"' in minutes and "required" in minutes and "disabled" not in minutes


def test_the_server_fills_the_minutes_the_status_implies(client, counselor, session, group):
    present, excused, late = MembershipFactory.create_batch(3, group=group)
    client.force_login(counselor)

    response = client.post(
        url(session),
        {
            f"status-{present.patient_id}": "present",
            f"status-{excused.patient_id}": "excused",
            f"status-{late.patient_id}": "late",
            f"minutes-{late.patient_id}": "100",
        },
    )

    assert response.status_code == 302
    minutes = dict(Attendance.objects.values_list("patient_id", "minutes_attended"))
    assert minutes == {present.patient_id: 180, excused.patient_id: 0, late.patient_id: 100}


def test_a_late_row_without_minutes_comes_back_asking_for_them_and_nothing_is_saved(client, counselor, session, group):
    present, late = MembershipFactory.create_batch(2, group=group)
    client.force_login(counselor)

    response = client.post(
        url(session), {f"status-{present.patient_id}": "present", f"status-{late.patient_id}": "late"}
    )

    page = response.content.decode()
    assert "Give the minutes attended" in page and "Nothing was saved" in page
    minutes = field(page, "input", f"minutes-{late.patient_id}")
    assert "required" in minutes and "disabled" not in minutes  # the row that needs them can now take them
    assert not Attendance.objects.exists()


def test_each_patients_fields_come_together_in_the_page(client, counselor, session, group):
    """Keyboard order is document order: one patient's status, minutes and note before the next patient's."""
    a, b = MembershipFactory.create_batch(2, group=group)
    client.force_login(counselor)

    page = client.get(url(session)).content.decode()

    order = [
        page.index(f'name="{name}-{member.patient_id}"')
        for member in sorted((a, b), key=lambda m: (m.patient.legal_last_name, m.patient.legal_first_name))
        for name in ("status", "minutes", "data", "assessment", "plan", "sign")
    ]
    assert order == sorted(order)
    assert "tabindex" not in page
