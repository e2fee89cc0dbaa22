import datetime

import pytest
from django.utils import timezone

from sessions.models import Reminder, ReminderKind, SessionStatus, TherapySession
from sessions.services.common import SessionError
from sessions.services.counseling import counseling_book, session_cancel
from tests.clock import TODAY
from tests.factories import EnrollmentFactory, GroupSessionFactory, MembershipFactory, PatientFactory, book_counseling

pytestmark = pytest.mark.django_db
NEXT_WEEK = TODAY + datetime.timedelta(days=7)  # the conftest's clock; book_counseling's default day


@pytest.mark.parametrize(
    ("kind", "minutes", "code"),
    [
        ("individual", 30, "90832"),
        ("individual", 45, "90834"),
        ("individual", 60, "90837"),
        ("family", 50, "90847"),
        ("check_in", 15, "H0004"),
    ],
)
def test_booking_records_the_billing_code_for_the_kind_and_length(counselor, kind, minutes, code):
    enrollment = EnrollmentFactory(counselor=counselor)

    [session] = book_counseling(acting_user=counselor, patient=enrollment.patient, kind=kind, duration_minutes=minutes)

    assert (session.billing_code, session.enrollment, session.program) == (code, enrollment, enrollment.program)
    local = timezone.localtime(session.starts_at)
    assert (local.date(), local.hour) == (NEXT_WEEK, 10)


def test_an_aftercare_check_in_every_two_weeks_keeps_its_local_time_across_dst(counselor, settings):
    settings.TIME_ZONE = "America/New_York"
    enrollment = EnrollmentFactory(program__level_of_care="aftercare", counselor=counselor)

    sessions = book_counseling(
        acting_user=counselor,
        patient=enrollment.patient,
        kind="check_in",
        day=datetime.date(2027, 3, 1),
        duration_minutes=30,
        repeat_every_weeks=2,
        occurrences=3,
    )

    local = [timezone.localtime(s.starts_at) for s in sessions]
    assert [t.date() for t in local] == [
        datetime.date(2027, 3, 1),
        datetime.date(2027, 3, 15),
        datetime.date(2027, 3, 29),
    ]
    assert {(t.hour, t.minute) for t in local} == {(10, 0)}
    assert len({s.series for s in sessions}) == 1


def test_a_counselor_cannot_be_double_booked(counselor):
    group_session = GroupSessionFactory(
        facilitator=counselor, group__facilitator=counselor, starts_at=timezone.now() + datetime.timedelta(days=2)
    )
    local = timezone.localtime(group_session.starts_at + datetime.timedelta(minutes=30))

    with pytest.raises(SessionError, match="already has a session at"):
        book_counseling(
            acting_user=counselor,
            patient=EnrollmentFactory(counselor=counselor).patient,
            day=local.date(),
            at=local.time(),
        )

    assert not TherapySession.objects.filter(kind="individual").exists()


def test_a_series_that_clashes_anywhere_books_nothing(counselor):
    enrollment = EnrollmentFactory(counselor=counselor)
    book_counseling(acting_user=counselor, patient=enrollment.patient, day=NEXT_WEEK + datetime.timedelta(weeks=2))

    with pytest.raises(SessionError, match="The patient already has a session"):
        book_counseling(acting_user=counselor, patient=enrollment.patient, repeat_every_weeks=1, occurrences=4)

    assert TherapySession.objects.count() == 1


def test_only_an_enrolled_patient_is_booked(counselor):
    with pytest.raises(SessionError, match="active enrollment"):
        counseling_book(
            acting_user=counselor,
            patient=PatientFactory(primary_counselor=counselor),
            counselor=counselor,
            kind="individual",
            day=NEXT_WEEK,
            at=datetime.time(10),
            duration_minutes=50,
            location="Office",
        )


def test_front_desk_cannot_hold_a_session(counselor, front_desk):
    with pytest.raises(SessionError, match="held by a counselor"):
        book_counseling(
            acting_user=counselor, counselor=front_desk, patient=EnrollmentFactory(counselor=counselor).patient
        )


def test_cancelling_a_session_cancels_its_pending_reminders(counselor):
    [session] = book_counseling(acting_user=counselor, patient=EnrollmentFactory(counselor=counselor).patient)
    reminder = Reminder.objects.create(
        kind=ReminderKind.SESSION_REMINDER,
        session=session,
        patient=session.patient,
        lead_hours=24,
        due_at=session.starts_at,
    )

    with pytest.raises(SessionError, match="Give a reason"):
        session_cancel(acting_user=counselor, session=session, reason="")
    session_cancel(acting_user=counselor, session=session, reason="Counselor ill")

    session.refresh_from_db()
    reminder.refresh_from_db()
    assert (session.status, session.cancel_reason) == (SessionStatus.CANCELLED, "Counselor ill")
    assert reminder.status == "cancelled"
    with pytest.raises(SessionError, match="Only a scheduled session"):
        session_cancel(acting_user=counselor, session=session, reason="again")


def test_a_patient_in_group_at_that_time_cannot_be_booked(counselor):
    member = MembershipFactory(enrollment__counselor=counselor)
    group_session = GroupSessionFactory(group=member.group, starts_at=timezone.now() + datetime.timedelta(days=3))
    local = timezone.localtime(group_session.starts_at + datetime.timedelta(minutes=15))

    with pytest.raises(SessionError, match="The patient already has a session at"):
        book_counseling(acting_user=counselor, patient=member.patient, day=local.date(), at=local.time())
