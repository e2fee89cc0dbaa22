"""Measures due: computed per enrollment from its program's schedule, on local days (a daylight-saving change moves
nothing), scoped to the user."""

import datetime

import pytest
from django.utils import timezone

from measures.models import MeasureSchedule
from measures.selectors import measures_due, measures_due_for
from measures.services import measure_record
from tests.clock import clinic_time
from tests.factories import EnrollmentFactory
from tests.measures.conftest import phq9

pytestmark = pytest.mark.django_db

ADMITTED = datetime.date(2026, 2, 22)  # two weeks before the spring-forward night of 2026-03-08


def due(enrollment):
    enrollment.refresh_from_db()
    return [
        (d.instrument, d.due_on, d.reason, d.overdue) for d in measures_due([enrollment], today=timezone.localdate())
    ]


@pytest.fixture
def iop(counselor):
    enrollment = EnrollmentFactory(
        counselor=counselor,
        patient__primary_counselor=counselor,
        admitted_on=ADMITTED,
        program__min_length_of_stay_days=42,
    )
    MeasureSchedule.objects.create(program=enrollment.program, instrument="phq9", at_admission=True, every_days=14)
    return enrollment


@pytest.mark.time_machine(clinic_time("2026-02-22 10:00"), tick=False)
def test_at_admission_the_measure_is_due_until_given(counselor, iop):
    assert due(iop) == [("phq9", ADMITTED, "admission", False)]

    measure_record(acting_user=counselor, patient=iop.patient, instrument="phq9", answers=phq9(8))

    assert due(iop) == []


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param("2026-03-07 23:30", [], id="the evening before"),
        pytest.param("2026-03-08 01:30", [("phq9", datetime.date(2026, 3, 8), "interval", False)], id="before 2 AM"),
        pytest.param("2026-03-08 03:30", [("phq9", datetime.date(2026, 3, 8), "interval", False)], id="after 3 AM"),
        pytest.param("2026-03-08 23:50", [("phq9", datetime.date(2026, 3, 8), "interval", False)], id="late"),
        pytest.param("2026-03-09 00:10", [("phq9", datetime.date(2026, 3, 8), "interval", True)], id="next day"),
    ],
)
def test_every_14_days_across_the_spring_daylight_saving_change(counselor, iop, time_machine, now, expected):
    time_machine.move_to(clinic_time("2026-02-22 10:00"), tick=False)
    measure_record(acting_user=counselor, patient=iop.patient, instrument="phq9", answers=phq9(8))

    time_machine.move_to(clinic_time(now), tick=False)

    assert due(iop) == expected


@pytest.mark.parametrize(
    ("now", "overdue"), [("2026-11-01 00:30", False), ("2026-11-01 01:30 again", False), ("2026-11-02 00:05", True)]
)
def test_across_the_fall_daylight_saving_change(counselor, time_machine, now, overdue):
    time_machine.move_to(clinic_time("2026-10-18 12:00"), tick=False)
    enrollment = EnrollmentFactory(
        counselor=counselor, patient__primary_counselor=counselor, admitted_on=datetime.date(2026, 10, 18)
    )
    MeasureSchedule.objects.create(program=enrollment.program, instrument="gad7", at_admission=False, every_days=14)

    time_machine.move_to(clinic_time(now), tick=False)

    assert due(enrollment) == [("gad7", datetime.date(2026, 11, 1), "interval", overdue)]


@pytest.mark.time_machine(clinic_time("2026-04-06 10:00"), tick=False)
def test_at_discharge_from_the_minimum_length_of_stay_unless_given_since(counselor, iop):
    MeasureSchedule.objects.filter(program=iop.program).update(every_days=None, at_discharge=True)
    measure_record(
        acting_user=counselor, patient=iop.patient, instrument="phq9", answers=phq9(8), administered_on=ADMITTED
    )

    assert due(iop) == [("phq9", datetime.date(2026, 4, 5), "discharge", True)]  # admitted + 42 days

    measure_record(acting_user=counselor, patient=iop.patient, instrument="phq9", answers=phq9(4))

    assert due(iop) == []


@pytest.mark.time_machine(clinic_time("2026-03-10 10:00"), tick=False)
def test_measures_due_for_a_user_are_scoped_and_take_a_constant_number_of_queries(
    counselor, other_counselor, supervisor, front_desk, iop, django_assert_num_queries
):
    theirs = EnrollmentFactory(
        counselor=other_counselor, patient__primary_counselor=other_counselor, program=iop.program
    )

    assert [d.enrollment for d in measures_due_for(counselor)] == [iop]
    assert {d.enrollment for d in measures_due_for(supervisor)} == {iop, theirs}
    assert measures_due_for(front_desk) == []
    for _ in range(3):
        EnrollmentFactory(program=iop.program)
    with django_assert_num_queries(3):  # enrollments, schedules, last given
        assert len(measures_due_for(supervisor)) == 5
