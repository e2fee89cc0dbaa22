import datetime

import pytest
from django.utils import timezone

from sessions.models import Attendance, ProgressNote, Reminder
from tests.factories import GroupSessionFactory, MembershipFactory, attendees_with_notes
from tests.helpers import queries_for_page

pytestmark = pytest.mark.django_db


def url(session):
    return f"/sessions/{session.pk}/attendance/"


def test_the_sheet_lists_the_roster(client, counselor, session, group):
    members = MembershipFactory.create_batch(3, group=group)
    client.force_login(counselor)

    page = client.get(url(session)).content.decode()

    assert all(m.patient.mrn in page for m in members)
    assert "Group narrative" in page


def test_one_save_records_the_whole_group_with_narrative_and_signed_notes(client, counselor, session, group):
    a, b, c = MembershipFactory.create_batch(3, group=group)
    client.force_login(counselor)

    response = client.post(
        url(session),
        {
            "narrative": "Coping with cravings.",
            f"status-{a.patient_id}": "present",
            f"data-{a.patient_id}": "Shared",
            f"assessment-{a.patient_id}": "Good",
            f"plan-{a.patient_id}": "Continue",
            f"sign-{a.patient_id}": "on",
            f"status-{b.patient_id}": "late",
            f"minutes-{b.patient_id}": "150",
            f"status-{c.patient_id}": "unexcused",
        },
        follow=True,
    )

    assert "Attendance and notes saved." in response.content.decode()
    statuses = dict(Attendance.objects.values_list("patient_id", "status"))
    assert statuses == {a.patient_id: "present", b.patient_id: "late", c.patient_id: "unexcused"}
    note = ProgressNote.objects.get()
    assert note.is_signed and note.group_narrative == "Coping with cravings."
    assert Reminder.objects.filter(kind="absence_alert", patient=c.patient).exists()


def test_an_invalid_row_shows_its_error_in_place_and_nothing_is_saved(client, counselor, session, group):
    a, b = MembershipFactory.create_batch(2, group=group)
    client.force_login(counselor)

    response = client.post(
        url(session),
        {
            "narrative": "Topic",
            f"status-{a.patient_id}": "present",
            f"data-{a.patient_id}": "Shared",
            f"status-{b.patient_id}": "late",
            f"minutes-{b.patient_id}": "",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in page
    assert "Give the minutes attended for a late arrival" in page
    assert not Attendance.objects.exists() and not ProgressNote.objects.exists()
    assert "Topic</textarea>" in page  # what was typed is kept


@pytest.mark.parametrize(("minutes", "message"), [("abc", "whole number"), ("999", "between 1 and the session")])
def test_bad_minutes_get_a_message_not_a_500(client, counselor, session, group, minutes, message):
    a = MembershipFactory(group=group)
    client.force_login(counselor)

    response = client.post(url(session), {f"status-{a.patient_id}": "present", f"minutes-{a.patient_id}": minutes})

    assert response.status_code == 200 and message in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_row_saves_alone_with_htmx(client, counselor, session, group):
    a = MembershipFactory(group=group)
    client.force_login(counselor)

    ok = client.post(f"{url(session)}{a.patient_id}/", {f"status-{a.patient_id}": "present"}, HTTP_HX_REQUEST="true")
    bad = client.post(f"{url(session)}{a.patient_id}/", {f"status-{a.patient_id}": "late"}, HTTP_HX_REQUEST="true")

    assert "Saved" in ok.content.decode() and 'id="row-' in ok.content.decode()
    assert "Give the minutes attended" in bad.content.decode()
    assert Attendance.objects.get().status == "present"


def test_a_session_that_has_not_started_is_refused(client, counselor, group):
    later = GroupSessionFactory(group=group, starts_at=timezone.now() + datetime.timedelta(hours=2))
    a = MembershipFactory(group=group)
    client.force_login(counselor)

    response = client.post(url(later), {f"status-{a.patient_id}": "present"})

    assert "has not started yet" in response.content.decode()
    assert not Attendance.objects.exists()


def test_only_the_facilitator_and_supervisors_open_the_sheet(client, session, other_counselor, supervisor, front_desk):
    for user, status in ((other_counselor, 404), (front_desk, 404), (supervisor, 200)):
        client.force_login(user)
        assert client.get(url(session)).status_code == status


def test_the_sheet_runs_the_same_queries_for_2_and_12_attendees(client, counselor, session, group):
    client.force_login(counselor)

    attendees_with_notes(session, 2, author=counselor, signed=True)
    with_two = queries_for_page(client, url(session))
    attendees_with_notes(session, 10, author=counselor, signed=True)

    assert queries_for_page(client, url(session)) == with_two


def test_opening_the_sheet_audits_a_view_of_each_attendees_record(client, counselor, session, group):
    from clinic.models import AuditEvent

    members = MembershipFactory.create_batch(3, group=group)
    client.force_login(counselor)

    client.get(url(session))

    audited = set(AuditEvent.objects.filter(action="attendance.view").values_list("patient_id", flat=True))
    assert audited == {m.patient_id for m in members}
