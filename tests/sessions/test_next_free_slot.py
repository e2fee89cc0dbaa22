"""The booking form's default start: the counselor's next free slot on the clinic's grid (every 30 minutes from
08:00 to 18:00, Monday to Friday, clinic time), clear of the counselor's sessions, groups included, and the
patient's. Wall-clock times, so a daylight-saving change moves nothing."""

import datetime

import pytest

from sessions.models import SessionStatus
from sessions.selectors.booking import next_free_slot
from tests.clock import at, clinic_time
from tests.factories import EnrollmentFactory, GroupSessionFactory, MembershipFactory, UserFactory, book_counseling

pytestmark = pytest.mark.django_db
WEDNESDAY = datetime.date(2026, 11, 18)  # the suite's day (tests/clock.py)


@pytest.fixture
def patient(counselor):
    return EnrollmentFactory(counselor=counselor, patient__primary_counselor=counselor).patient


def slot(counselor, patient, when, minutes=50):
    return next_free_slot(counselor=counselor, patient=patient, minutes=minutes, now=clinic_time(when))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-11-18 10:00", at(WEDNESDAY, 10, 30)),  # the slot starting now is already under way
        ("2026-11-18 10:10", at(WEDNESDAY, 10, 30)),
        ("2026-11-18 07:00", at(WEDNESDAY, 8)),  # before opening: the first of the day
        ("2026-11-18 17:05", at(WEDNESDAY + datetime.timedelta(days=1), 8)),  # 17:30 + 50 min is past closing
        ("2026-11-18 22:45", at(WEDNESDAY + datetime.timedelta(days=1), 8)),  # late evening: tomorrow's first
        ("2026-11-20 18:30", at(datetime.date(2026, 11, 23), 8)),  # Friday evening: Monday's first
        ("2026-11-22 23:50", at(datetime.date(2026, 11, 23), 8)),  # Sunday night
        ("2026-12-31 23:30", at(datetime.date(2027, 1, 1), 8)),  # into the new year
    ],
)
def test_with_nothing_booked_it_is_the_next_slot_of_the_grid(counselor, patient, now, expected):
    assert slot(counselor, patient, now) == expected


@pytest.mark.parametrize(
    ("now", "expected_utc"),
    [
        ("2026-03-07 20:00", "2026-03-09 12:00"),  # the weekend of the spring change: 08:00 EDT is 12:00 UTC
        ("2026-03-08 01:30", "2026-03-09 12:00"),
        ("2026-03-06 17:45", "2026-03-09 12:00"),  # Friday before it (08:00 EST would be 13:00 UTC)
        ("2026-11-01 01:30", "2026-11-02 13:00"),  # the fall-back night: 08:00 EST is 13:00 UTC
        ("2026-11-01 01:30 again", "2026-11-02 13:00"),
        ("2026-10-30 18:00", "2026-11-02 13:00"),
    ],
)
def test_the_grid_is_wall_clock_time_across_daylight_saving_changes(counselor, patient, now, expected_utc):
    found = slot(counselor, patient, now)

    assert found == datetime.datetime.fromisoformat(expected_utc).replace(tzinfo=datetime.UTC)


def test_the_counselors_own_group_is_skipped(counselor, patient, group):
    GroupSessionFactory(group=group, starts_at=at(WEDNESDAY, 9, 30))  # their group, 09:30 to 12:30

    assert slot(counselor, patient, "2026-11-18 09:00") == at(WEDNESDAY, 12, 30)


def test_a_session_that_leaves_too_short_a_gap_is_skipped(counselor, patient):
    other = EnrollmentFactory(counselor=counselor).patient
    book_counseling(acting_user=counselor, patient=other, day=WEDNESDAY, at=datetime.time(11, 15))  # to 12:05

    # 10:30 + 50 min runs into it, and so do 11:00 to 12:00
    assert slot(counselor, patient, "2026-11-18 10:10") == at(WEDNESDAY, 12, 30)


def test_the_patients_own_sessions_and_groups_are_skipped(counselor, patient, front_desk):
    colleague = UserFactory(role="counselor")
    book_counseling(  # with a colleague, 10:30 to 11:20
        acting_user=front_desk, counselor=colleague, patient=patient, day=WEDNESDAY, at=datetime.time(10, 30)
    )
    enrollment = patient.enrollments.get()
    group = MembershipFactory(enrollment=enrollment, group__program=enrollment.program, group__facilitator=colleague)
    GroupSessionFactory(group=group.group, starts_at=at(WEDNESDAY, 11, 30), duration_minutes=60)  # to 12:30

    assert slot(counselor, patient, "2026-11-18 10:10") == at(WEDNESDAY, 12, 30)


def test_a_cancelled_session_and_a_colleagues_session_are_no_obstacle(counselor, patient):
    colleague = UserFactory(role="counselor")
    GroupSessionFactory(group__facilitator=colleague, starts_at=at(WEDNESDAY, 10, 30))
    GroupSessionFactory(group__facilitator=counselor, starts_at=at(WEDNESDAY, 10, 30), status=SessionStatus.CANCELLED)

    assert slot(counselor, patient, "2026-11-18 10:10") == at(WEDNESDAY, 10, 30)


def test_without_a_counselor_only_the_patients_sessions_count(patient, counselor):
    GroupSessionFactory(group__facilitator=counselor, starts_at=at(WEDNESDAY, 10, 30))

    assert slot(None, patient, "2026-11-18 10:10") == at(WEDNESDAY, 10, 30)


def test_the_clinics_hours_and_days_are_settings(counselor, patient, settings):
    settings.CLINIC_OPENS, settings.CLINIC_CLOSES, settings.CLINIC_WORKDAYS = "12:00", "20:00", [6]
    settings.BOOKING_SLOT_MINUTES = 60

    assert slot(counselor, patient, "2026-11-18 10:10") == at(datetime.date(2026, 11, 21), 12)  # Saturday noon


def test_there_is_no_slot_when_nothing_fits(counselor, patient, settings):
    settings.CLINIC_OPENS, settings.CLINIC_CLOSES = "08:00", "08:30"

    assert slot(counselor, patient, "2026-11-18 10:10") is None


@pytest.mark.parametrize("count", [2, 40])
def test_it_runs_one_query_however_busy_the_counselor(counselor, patient, count, django_assert_num_queries):
    for n in range(count):
        day = WEDNESDAY + datetime.timedelta(days=1 + n // 10)
        GroupSessionFactory(group__facilitator=counselor, starts_at=at(day, 8) + datetime.timedelta(minutes=30 * n))

    with django_assert_num_queries(1):
        found = slot(counselor, patient, "2026-11-18 22:00")

    assert found is not None
