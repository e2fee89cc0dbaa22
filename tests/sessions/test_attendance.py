import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.errors import DomainError
from clinic.models import AuditEvent
from sessions.models import AbsenceReview, Attendance, GroupNarrative, Reminder, SessionStatus
from sessions.services.attendance import (
    BulkAttendanceError,
    Entry,
    attendance_record,
    attendance_record_bulk,
)
from sessions.services.common import SessionError
from sessions.services.counseling import session_cancel
from sessions.services.notes import narrative_save
from tests.factories import GroupSessionFactory, MembershipFactory, ProgressNoteFactory, UserFactory

pytestmark = pytest.mark.django_db


def record(user, session, member, status, minutes=None):
    return attendance_record(acting_user=user, session=session, patient=member.patient, status=status, minutes=minutes)


def test_present_counts_the_whole_session_and_marks_it_held(counselor, session, member):
    attendance = record(counselor, session, member, "present")

    session.refresh_from_db()
    assert (attendance.minutes_attended, attendance.enrollment) == (180, member.enrollment)
    assert session.status == SessionStatus.HELD
    assert AuditEvent.objects.get(action="attendance.record").patient_id == member.patient_id


@pytest.mark.parametrize(
    ("status", "minutes", "message"),
    [
        ("late", None, "Give the minutes attended"),
        ("left_early", 180, "fewer than the full 180 minutes"),
        ("present", 181, "between 1 and the session's 180"),
        ("present", 0, "between 1 and the session's 180"),
        ("unexcused", 30, "An absence has no minutes"),
        ("asleep", None, "Choose an attendance status"),
    ],
)
def test_minutes_must_fit_the_status_and_the_session(counselor, session, member, status, minutes, message):
    with pytest.raises(SessionError, match=message):
        record(counselor, session, member, status, minutes)

    assert not Attendance.objects.exists()


def test_late_arrivals_count_their_minutes(counselor, session, member):
    assert record(counselor, session, member, "late", 150).minutes_attended == 150


def test_only_roster_members_are_recorded(counselor, session):
    outsider = MembershipFactory()  # on another group's roster

    with pytest.raises(SessionError, match="not on this session's roster"):
        record(counselor, session, outsider, "present")


def test_the_roster_is_the_one_on_the_sessions_day(counselor, group):
    session = GroupSessionFactory(group=group, starts_at=timezone.now() - datetime.timedelta(days=5))
    joined_later = MembershipFactory(group=group, joined_on=timezone.localdate() - datetime.timedelta(days=2))
    left_before = MembershipFactory(
        group=group,
        joined_on=timezone.localdate() - datetime.timedelta(days=30),
        left_on=timezone.localdate() - datetime.timedelta(days=8),
    )

    for member in (joined_later, left_before):
        with pytest.raises(SessionError, match="not on this session's roster"):
            record(counselor, session, member, "present")


def test_a_session_that_has_not_started_cannot_be_recorded(counselor, group, member):
    later = GroupSessionFactory(group=group, starts_at=timezone.now() + datetime.timedelta(minutes=10))

    with pytest.raises(SessionError, match="has not started yet"):
        record(counselor, later, member, "present")


def test_a_cancelled_session_cannot_be_recorded(counselor, group, member):
    cancelled = GroupSessionFactory(group=group, status=SessionStatus.CANCELLED)

    with pytest.raises(SessionError, match="was cancelled"):
        record(counselor, cancelled, member, "present")


def test_recording_again_corrects_the_one_row(counselor, session, member):
    record(counselor, session, member, "present")
    record(counselor, session, member, "left_early", 120)

    assert Attendance.objects.get().minutes_attended == 120


def test_the_database_keeps_one_attendance_per_patient_and_session(counselor, session, member):
    attendance = record(counselor, session, member, "present")

    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(
            session=session,
            patient=member.patient,
            enrollment=attendance.enrollment,
            status="present",
            minutes_attended=10,
        )


def test_a_signed_note_freezes_its_attendance(counselor, session, member):
    attendance = record(counselor, session, member, "present")
    ProgressNoteFactory(signed=True, attendance=attendance, author=counselor)

    with pytest.raises(SessionError, match="signed"):
        record(counselor, session, member, "unexcused")


def test_a_whole_group_is_recorded_in_one_go(counselor, session, group):
    members = MembershipFactory.create_batch(3, group=group)

    attendance_record_bulk(
        acting_user=counselor,
        session=session,
        entries=[
            Entry(members[0].patient, "present"),
            Entry(members[1].patient, "late", 170),
            Entry(members[2].patient, "excused"),
        ],
    )

    assert sorted(Attendance.objects.values_list("minutes_attended", flat=True)) == [0, 170, 180]


def test_one_invalid_row_saves_none_of_the_group(counselor, session, group):
    members = MembershipFactory.create_batch(3, group=group)

    with pytest.raises(BulkAttendanceError) as error:
        attendance_record_bulk(
            acting_user=counselor,
            session=session,
            entries=[
                Entry(members[0].patient, "present"),
                Entry(members[1].patient, "late"),
                Entry(members[2].patient, "unexcused"),
            ],
        )

    assert error.value.errors == {
        members[1].patient_id: "Give the minutes attended for a late arrival or early departure."
    }
    assert not Attendance.objects.exists()
    assert not Reminder.objects.exists()  # the absence's follow-up went with it
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_an_unexcused_absence_alerts_the_counselor_and_follows_up_with_the_patient(counselor, session, member):
    record(counselor, session, member, "unexcused")

    alert = Reminder.objects.get(kind="absence_alert")
    follow_up = Reminder.objects.get(kind="missed_follow_up")
    assert (alert.staff, alert.patient, alert.status) == (counselor, member.patient, "pending")
    assert (follow_up.patient, follow_up.staff, follow_up.status) == (member.patient, None, "pending")


def test_two_absent_patients_give_the_counselor_two_alerts(counselor, session, group, member):
    other = MembershipFactory(group=group, enrollment__patient__primary_counselor=counselor)

    record(counselor, session, member, "unexcused")
    record(counselor, session, other, "unexcused")

    assert Reminder.objects.filter(kind="absence_alert", staff=counselor).count() == 2


def test_without_consent_the_follow_up_is_kept_cancelled_with_the_reason(counselor, session, member):
    member.patient.reminder_consent_given_at = None
    member.patient.save()

    record(counselor, session, member, "unexcused")

    follow_up = Reminder.objects.get(kind="missed_follow_up")
    assert (follow_up.status, follow_up.cancelled_reason) == (
        "cancelled",
        "The patient has not consented to reminder emails.",
    )


def test_correcting_an_absence_cancels_its_follow_up_and_a_new_absence_queues_it_again(counselor, session, member):
    record(counselor, session, member, "unexcused")
    record(counselor, session, member, "excused")
    assert set(Reminder.objects.values_list("status", flat=True)) == {"cancelled"}

    record(counselor, session, member, "unexcused")
    assert set(Reminder.objects.values_list("status", flat=True)) == {"pending"}
    assert Reminder.objects.count() == 2


def test_reaching_the_programs_limit_flags_the_enrollment_for_review(counselor, group, member):
    group.program.max_unexcused_absences = 2
    group.program.save()
    first, second, third = (
        GroupSessionFactory(group=group, starts_at=timezone.now() - datetime.timedelta(days=d)) for d in (3, 2, 1)
    )

    record(counselor, first, member, "unexcused")
    assert not AbsenceReview.objects.exists()
    record(counselor, second, member, "unexcused")
    record(counselor, third, member, "unexcused")

    review = AbsenceReview.objects.get()
    assert (review.enrollment, review.unexcused_absences) == (member.enrollment, 2)


def test_only_who_runs_a_session_records_its_attendance_and_notes_whatever_page_the_id_came_from(counselor):
    """The attendance sheet answers 404 to anyone else; the services refuse them too, so no other path gets round it."""
    member = MembershipFactory()  # a colleague's group
    session = GroupSessionFactory(group=member.group, starts_at=timezone.now() - datetime.timedelta(hours=2))
    attempts = {
        "attendance": lambda user: attendance_record(
            acting_user=user, session=session, patient=member.patient, status="present"
        ),
        "narrative": lambda user: narrative_save(acting_user=user, session=session, text="We talked."),
        "cancel": lambda user: session_cancel(acting_user=user, session=session, reason="Snow"),
    }
    for what, attempt in attempts.items():
        for user in (counselor, UserFactory(role="front_desk"), UserFactory(role="administrator")):
            if what == "cancel" and user.role != "counselor":
                continue  # front desk and administrators may cancel any session
            with pytest.raises(DomainError):
                attempt(user)

    assert not Attendance.objects.exists() and not GroupNarrative.objects.exists()
    session.refresh_from_db()
    assert session.status == "scheduled"
    attendance_record(acting_user=member.group.facilitator, session=session, patient=member.patient, status="present")
