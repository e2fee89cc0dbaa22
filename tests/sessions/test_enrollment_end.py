import datetime

import pytest
from django.utils import timezone

from clinic.models import AuditEvent
from programs.services import enrollment_discharge, enrollment_transition
from sessions.models import Reminder, SessionStatus
from sessions.services.attendance import attendance_record, roster_enrollments
from sessions.services.groups import live_memberships
from tests.factories import GroupSessionFactory, MembershipFactory, ProgramFactory, book_counseling

pytestmark = pytest.mark.django_db


def upcoming_booking(counselor, member):
    [session] = book_counseling(
        acting_user=counselor,
        patient=member.patient,
        day=timezone.localdate() + datetime.timedelta(days=3),
        at=datetime.time(11),
        location="Office",
    )
    reminder = Reminder.objects.create(
        kind="session_reminder", session=session, patient=member.patient, lead_hours=24, due_at=session.starts_at
    )
    return session, reminder


@pytest.mark.parametrize("how", ["transition", "discharge"])
def test_leaving_a_program_takes_the_patient_off_its_rosters_sessions_and_reminders(counselor, member, how):
    session, reminder = upcoming_booking(counselor, member)
    later_group_session = GroupSessionFactory(group=member.group, starts_at=timezone.now() + datetime.timedelta(1))
    group_reminder = Reminder.objects.create(
        kind="session_reminder",
        session=later_group_session,
        patient=member.patient,
        lead_hours=2,
        due_at=timezone.now(),
    )

    if how == "transition":
        enrollment_transition(
            acting_user=counselor, enrollment=member.enrollment, to_program=ProgramFactory(), reason="Step down"
        )
    else:
        enrollment_discharge(acting_user=counselor, enrollment=member.enrollment, reason=2)

    member.refresh_from_db()
    session.refresh_from_db()
    assert member.left_on == timezone.localdate()  # the row stays, as history
    assert not live_memberships(member.group).exists()
    assert session.status == SessionStatus.CANCELLED
    assert set(Reminder.objects.filter(pk__in=[reminder.pk, group_reminder.pk]).values_list("status", flat=True)) == {
        "cancelled"
    }
    assert member.patient_id not in roster_enrollments(later_group_session)


def test_attendance_before_the_discharge_can_still_be_recorded(counselor, member):
    past = GroupSessionFactory(group=member.group, starts_at=timezone.now() - datetime.timedelta(days=3))
    enrollment_discharge(acting_user=counselor, enrollment=member.enrollment, reason=1)

    attendance = attendance_record(
        acting_user=member.group.facilitator, session=past, patient=member.patient, status="present"
    )

    assert attendance.enrollment == member.enrollment


def test_leaving_a_program_audits_each_roster_left_and_the_bookings_cancelled(counselor, member):
    session, _reminder = upcoming_booking(counselor, member)
    second = MembershipFactory(group__program=member.group.program, enrollment=member.enrollment)

    enrollment_discharge(acting_user=counselor, enrollment=member.enrollment, reason=2)

    ended = AuditEvent.objects.filter(action="membership.end")
    assert sorted(ended.values_list("object_id", flat=True)) == sorted([str(member.pk), str(second.pk)])
    assert {(e.actor, e.patient_id, e.detail["because"]) for e in ended} == {
        (counselor, member.patient_id, "enrollment_ended")
    }
    cancel = AuditEvent.objects.get(action="session.cancel")
    assert (cancel.actor, cancel.patient_id) == (counselor, member.patient_id)
    assert cancel.detail["session_ids"] == [session.pk]
