import datetime

import pytest
from django.utils import timezone

from programs.selectors import census_for_week
from programs.services import enrollment_discharge, enrollment_transition
from tests.clock import monday
from tests.factories import EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_it_counts_each_programs_patients_in_care_against_its_capacity(supervisor):
    residential = ProgramFactory(name="Maple House", level_of_care="3.5", capacity=4)
    iop = ProgramFactory(name="IOP - Day Track", level_of_care="2.1", capacity=10)
    EnrollmentFactory.create_batch(3, program=residential)
    discharged = EnrollmentFactory(program=iop)
    enrollment_discharge(acting_user=supervisor, enrollment=discharged, reason=1)

    census = census_for_week(monday=monday())

    shown = [(p.name, p.active, p.capacity) for p in census.programs]
    assert shown == [("IOP - Day Track", 0, 10), ("Maple House", 3, 4)]


def test_it_counts_this_weeks_admissions_transfers_and_discharges_but_not_last_weeks(supervisor):
    residential = ProgramFactory(level_of_care="3.5")
    iop = ProgramFactory(level_of_care="2.1")
    long_ago = timezone.localdate() - datetime.timedelta(days=30)
    stays = EnrollmentFactory.create_batch(3, program=residential, admitted_on=long_ago)
    EnrollmentFactory(program=residential, admitted_on=monday())
    EnrollmentFactory(program=residential, admitted_on=monday() - datetime.timedelta(days=1))  # last Sunday
    enrollment_transition(acting_user=supervisor, enrollment=stays[0], to_program=iop, reason="Step down")
    enrollment_discharge(acting_user=supervisor, enrollment=stays[1], reason=2)

    census = census_for_week(monday=monday())

    rows = {p.pk: (p.admitted, p.moved_in, p.moved_out, p.discharged) for p in census.programs}
    assert rows == {residential.pk: (1, 0, 1, 1), iop.pk: (0, 1, 0, 0)}
    assert census.transitions == {"step_down": 1}
    assert census.reasons == [("2 Dropped out of treatment", 1)]
    assert census.week_end == monday() + datetime.timedelta(days=6)


def test_it_runs_the_same_three_queries_for_2_and_40_programs(supervisor, django_assert_num_queries):
    def movements(n):
        for _ in range(n):
            stay = EnrollmentFactory(admitted_on=timezone.localdate() - datetime.timedelta(days=30))
            enrollment_discharge(acting_user=supervisor, enrollment=stay, reason=1)

    movements(2)
    with django_assert_num_queries(3):
        assert len(census_for_week(monday=monday()).programs) == 2
    movements(38)
    with django_assert_num_queries(3):
        assert len(census_for_week(monday=monday()).programs) == 40
