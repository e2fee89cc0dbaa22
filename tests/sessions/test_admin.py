import datetime

import pytest
from django.utils import timezone

from sessions.models import GroupMembership, Reminder, TherapyGroup, TherapySession
from tests.factories import (
    EnrollmentFactory,
    GroupSessionFactory,
    MembershipFactory,
    ProgramFactory,
    ProgressNoteFactory,
    TherapyGroupFactory,
    UserFactory,
)
from tests.helpers import GROUP_ADD, MEMBERSHIP_ADD, SESSION_ADD, booking_form, group_form, queries_for_page

pytestmark = pytest.mark.django_db


def test_a_supervisor_creates_a_group_and_its_sessions_appear(supervisor_client, counselor):
    response = supervisor_client.post(GROUP_ADD, group_form(ProgramFactory(), counselor))

    assert response.status_code == 302
    group = TherapyGroup.objects.get()
    assert group.weekdays == [1, 3, 4]
    assert group.sessions.exists()
    assert {s.starts_at.astimezone(timezone.get_default_timezone()).isoweekday() for s in group.sessions.all()} <= {
        1,
        3,
        4,
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"weekdays": []}, "weekdays", "This field is required."),
        ({"location": ""}, "location", "Give a room or a video link"),
        ({"ends_on": "2000-01-01"}, "ends_on", "cannot end before it starts"),
        ({"duration_minutes": "5"}, "duration_minutes", "greater than or equal to 15"),
    ],
)
def test_an_invalid_group_shows_a_field_error_and_saves_nothing(
    supervisor_client, counselor, overrides, field, message
):
    response = supervisor_client.post(GROUP_ADD, group_form(ProgramFactory(), counselor, **overrides))

    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    assert not TherapyGroup.objects.exists()


def test_changing_a_groups_time_in_the_admin_moves_its_future_sessions(supervisor_client, counselor):
    supervisor_client.post(GROUP_ADD, group_form(ProgramFactory(), counselor))
    group = TherapyGroup.objects.get()

    supervisor_client.post(
        f"/admin/clinic_sessions/therapygroup/{group.pk}/change/",
        group_form(group.program, counselor, start_time="13:00"),
    )

    times = {timezone.localtime(s.starts_at).hour for s in group.sessions.filter(status="scheduled")}
    assert times == {13}


def test_adding_a_patient_who_is_not_enrolled_shows_the_rule_and_saves_nothing(supervisor_client):
    group = TherapyGroupFactory(program__name="IOP - Day Track")
    outsider = EnrollmentFactory()

    response = supervisor_client.post(
        MEMBERSHIP_ADD,
        {"group": group.pk, "patient": outsider.patient.pk, "joined_on": timezone.localdate().isoformat()},
    )

    assert response.status_code == 200
    assert "Only patients actively enrolled in IOP - Day Track" in response.content.decode()
    assert not GroupMembership.objects.exists()


def test_a_patient_joins_and_later_leaves_through_the_admin(supervisor_client):
    group = TherapyGroupFactory()
    enrollment = EnrollmentFactory(program=group.program)

    supervisor_client.post(
        MEMBERSHIP_ADD,
        {"group": group.pk, "patient": enrollment.patient.pk, "joined_on": timezone.localdate().isoformat()},
    )
    membership = GroupMembership.objects.get()
    supervisor_client.post(
        f"/admin/clinic_sessions/groupmembership/{membership.pk}/change/", {"left_on": timezone.localdate().isoformat()}
    )

    membership.refresh_from_db()
    assert membership.left_on == timezone.localdate()


def signed_note_for(member, author):
    """A signed note on the member's attendance at a session of their group."""
    return ProgressNoteFactory(
        signed=True, author=author, attendance__session__group=member.group, attendance__enrollment=member.enrollment
    )


def test_front_desk_cannot_open_clinical_notes(client, front_desk, counselor):
    note = signed_note_for(MembershipFactory(), counselor)
    client.force_login(front_desk)

    assert client.get("/admin/clinic_sessions/progressnote/").status_code == 403
    assert client.get(f"/admin/clinic_sessions/progressnote/{note.pk}/change/").status_code == 403
    assert client.get("/admin/clinic_sessions/therapysession/").status_code == 200  # the schedule, yes


def test_a_counselor_sees_notes_of_their_groups_members_only(client, counselor):
    mine = signed_note_for(MembershipFactory(group__facilitator=counselor), counselor)
    other = signed_note_for(MembershipFactory(), UserFactory())
    client.force_login(counselor)

    page = client.get("/admin/clinic_sessions/progressnote/").content.decode()

    assert mine.attendance.patient.mrn in page
    assert other.attendance.patient.mrn not in page
    assert client.get(f"/admin/clinic_sessions/progressnote/{other.pk}/change/").status_code == 404


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/admin/clinic_sessions/therapygroup/", lambda: MembershipFactory()),
        ("/admin/clinic_sessions/groupmembership/", lambda: MembershipFactory()),
        ("/admin/clinic_sessions/therapysession/", lambda: GroupSessionFactory()),
        ("/admin/clinic_sessions/attendance/", lambda: signed_note_for(MembershipFactory(), UserFactory())),
        ("/admin/clinic_sessions/progressnote/", lambda: signed_note_for(MembershipFactory(), UserFactory())),
        (
            "/admin/clinic_sessions/reminder/",
            lambda: Reminder.objects.create(
                kind="session_reminder",
                session=GroupSessionFactory(),
                patient=MembershipFactory().patient,
                due_at=timezone.now() + datetime.timedelta(hours=1),
            ),
        ),
    ],
)
def test_session_lists_run_a_constant_number_of_queries(supervisor_client, url, make):
    for _ in range(2):
        make()
    with_two = queries_for_page(supervisor_client, url)
    for _ in range(38):
        make()

    assert queries_for_page(supervisor_client, url) == with_two


def test_front_desk_books_counseling_in_the_admin(client, front_desk, counselor):
    enrollment = EnrollmentFactory()
    client.force_login(front_desk)

    response = client.post(SESSION_ADD, booking_form(enrollment.patient, counselor))

    assert response.status_code == 302
    session = TherapySession.objects.get()
    assert (session.kind, session.patient, session.facilitator, session.billing_code) == (
        "individual",
        enrollment.patient,
        counselor,
        "90834",
    )


def test_a_double_booking_in_the_admin_shows_the_clash_and_books_nothing(client, front_desk, counselor):
    first, second = EnrollmentFactory(), EnrollmentFactory()
    client.force_login(front_desk)
    client.post(SESSION_ADD, booking_form(first.patient, counselor))

    response = client.post(SESSION_ADD, booking_form(second.patient, counselor))

    assert response.status_code == 200
    assert "already has a session at" in response.content.decode()
    assert TherapySession.objects.count() == 1


def test_a_counselor_can_only_book_their_own_patients(client, counselor):
    mine = EnrollmentFactory(counselor=counselor)
    other = EnrollmentFactory()
    client.force_login(counselor)

    response = client.post(SESSION_ADD, booking_form(other.patient, counselor))

    assert "Select a valid choice" in response.content.decode()
    assert client.post(SESSION_ADD, booking_form(mine.patient, counselor)).status_code == 302
