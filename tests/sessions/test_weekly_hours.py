import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.clock import local_start
from programs.models import Enrollment
from sessions.selectors import weekly_hours
from tests.clock import EDGES, clinic_time, monday
from tests.factories import AttendanceFactory, EnrollmentFactory, GroupSessionFactory, TherapyGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=EDGES)
def _clinic_clock(request, time_machine):
    """ISO weeks in clinic time, measured at each edge instant: around midnight, across both daylight-saving
    nights and through 2026's week 53 into 2027."""
    time_machine.move_to(clinic_time(request.param), tick=False)


def attend(enrollment, group, day, minutes=180):
    session = GroupSessionFactory(group=group, starts_at=local_start(day, datetime.time(9, 30)), duration_minutes=180)
    AttendanceFactory(session=session, enrollment=enrollment, minutes_attended=minutes)


def weeks_of(enrollment, first=3, last=0):
    result = weekly_hours(
        enrollments=Enrollment.objects.filter(pk=enrollment.pk), first_week=monday(first), last_week=monday(last)
    )
    return {w.week_start: w for w in result[enrollment.pk]}


def test_iop_hours_are_measured_per_iso_week_against_nine_hours():
    enrollment = EnrollmentFactory(program__level_of_care="2.1", admitted_on=monday(3))
    group = TherapyGroupFactory(program=enrollment.program)
    for offset in (0, 2, 3):  # Mon, Wed, Thu, three hours each
        attend(enrollment, group, monday(3) + datetime.timedelta(days=offset))
    for offset in (0, 2):
        attend(enrollment, group, monday(2) + datetime.timedelta(days=offset))

    weeks = weeks_of(enrollment)

    assert (weeks[monday(3)].hours, weeks[monday(3)].under_minimum) == (Decimal("9.00"), False)
    assert (weeks[monday(2)].hours, weeks[monday(2)].under_minimum) == (Decimal("6.00"), True)
    assert (weeks[monday(1)].hours, weeks[monday(1)].under_minimum) == (Decimal("0.00"), True)  # nothing attended
    assert weeks[monday(0)].in_progress and not weeks[monday(0)].under_minimum
    assert weeks[monday(3)].minimum == Decimal(9) and weeks[monday(3)].maximum == Decimal(19)


def test_a_sunday_evening_session_counts_in_its_own_local_week():
    enrollment = EnrollmentFactory(program__level_of_care="2.1", admitted_on=monday(3))
    group = TherapyGroupFactory(program=enrollment.program)
    sunday = monday(2) - datetime.timedelta(days=1)
    session = GroupSessionFactory(group=group, starts_at=local_start(sunday, datetime.time(22, 0)))
    AttendanceFactory(session=session, enrollment=enrollment, minutes_attended=60)

    weeks = weeks_of(enrollment)

    assert (weeks[monday(3)].minutes, weeks[monday(2)].minutes) == (60, 0)


def test_outpatient_over_its_maximum_is_flagged():
    enrollment = EnrollmentFactory(program__level_of_care="1.0", admitted_on=monday(3))
    group = TherapyGroupFactory(program=enrollment.program)
    for offset in range(4):
        attend(enrollment, group, monday(2) + datetime.timedelta(days=offset))

    week = weeks_of(enrollment)[monday(2)]

    assert week.hours == Decimal("12.00") and week.over_maximum and not week.under_minimum


def test_a_program_of_its_own_bounds_overrides_the_level():
    enrollment = EnrollmentFactory(
        program__level_of_care="2.1", program__min_weekly_hours=Decimal(12), admitted_on=monday(3)
    )
    group = TherapyGroupFactory(program=enrollment.program)
    for offset in (0, 2, 3):
        attend(enrollment, group, monday(2) + datetime.timedelta(days=offset))

    assert weeks_of(enrollment)[monday(2)].under_minimum  # 9 hours < the program's 12


def test_partial_weeks_at_admission_and_discharge_are_not_flagged():
    enrollment = EnrollmentFactory(
        program__level_of_care="2.1",
        admitted_on=monday(3) + datetime.timedelta(days=2),
        status="completed",
        discharged_on=monday(1) + datetime.timedelta(days=1),
        discharge_reason=1,
    )

    weeks = weeks_of(enrollment)

    assert list(weeks) == [monday(3), monday(2), monday(1)]
    assert weeks[monday(3)].partial and not weeks[monday(3)].under_minimum
    assert weeks[monday(2)].under_minimum
    assert weeks[monday(1)].partial and not weeks[monday(1)].under_minimum


def test_the_query_count_does_not_grow_with_patients_or_weeks():
    def count(n, weeks):
        enrollments = [EnrollmentFactory(program__level_of_care="2.1", admitted_on=monday(8)) for _ in range(n)]
        for enrollment in enrollments:
            attend(enrollment, TherapyGroupFactory(program=enrollment.program), monday(1))
        chosen = Enrollment.objects.filter(pk__in=[e.pk for e in enrollments])
        with CaptureQueriesContext(connection) as queries:
            result = weekly_hours(enrollments=chosen, first_week=monday(weeks), last_week=monday(0))
        assert len(result) == n and all(len(w) == weeks + 1 for w in result.values())
        assert all(sum(w.minutes for w in rows) == 180 for rows in result.values())
        return len(queries)

    assert count(2, 2) == count(40, 8) == 2


def test_the_turn_of_the_year_is_one_iso_week_53(time_machine):
    time_machine.move_to(clinic_time("2027-01-05 10:00"), tick=False)
    enrollment = EnrollmentFactory(program__level_of_care="2.1", admitted_on=datetime.date(2026, 12, 1))
    group = TherapyGroupFactory(program=enrollment.program)
    for day in (datetime.date(2026, 12, 31), datetime.date(2027, 1, 1), datetime.date(2027, 1, 3)):  # Thu, Fri, Sun
        attend(enrollment, group, day)
    attend(enrollment, group, datetime.date(2027, 1, 4))  # Monday of 2027-W01

    weeks = weeks_of(enrollment, first=1, last=0)

    assert list(weeks) == [datetime.date(2026, 12, 28), datetime.date(2027, 1, 4)]
    assert (
        weeks[datetime.date(2026, 12, 28)].hours == Decimal("9.00")
        and not weeks[datetime.date(2026, 12, 28)].in_progress
    )
    assert weeks[datetime.date(2027, 1, 4)].hours == Decimal("3.00") and weeks[datetime.date(2027, 1, 4)].in_progress
