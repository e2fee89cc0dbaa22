"""Plan deadlines are computed from the program's settings, in clinic-local dates, never stored."""

import datetime

import pytest
import time_machine

from plans.models import PlanStatus, TreatmentPlan
from plans.selectors import deadlines, first_plan_due_on, plans_due, review_due_on
from plans.services import plan_sign
from programs.models import default_plan_days
from tests.clock import TODAY, clinic_time
from tests.factories import EnrollmentFactory
from tests.plans.conftest import write_plan


@pytest.mark.parametrize(
    ("level", "expected"), [("3.5", (3, 14)), ("3.7", (3, 14)), ("2.1", (7, 30)), ("2.5", (7, 30)), ("1.0", (14, 90))]
)
def test_each_level_has_default_plan_days(level, expected):
    assert default_plan_days(level) == expected


def test_the_first_plan_is_due_days_after_admission_from_the_program_or_its_level(enrollment):
    assert first_plan_due_on(enrollment) == enrollment.admitted_on + datetime.timedelta(days=7)  # IOP's default
    enrollment.program.plan_due_days = 10
    assert first_plan_due_on(enrollment) == enrollment.admitted_on + datetime.timedelta(days=10)


def test_due_soon_and_overdue(counselor):
    admitted = {
        days_ago: EnrollmentFactory(program__level_of_care="2.1", admitted_on=TODAY - datetime.timedelta(days=days_ago))
        for days_ago in (2, 4, 7, 8)
    }
    # Due in 5, 3 and 0 days, and a day overdue.
    found = {d.enrollment_id: d for d in deadlines(admitted.values(), TODAY).values()}
    assert [found[admitted[n].pk].due_soon for n in (2, 4, 7, 8)] == [False, True, True, False]
    assert [found[admitted[n].pk].overdue for n in (2, 4, 7, 8)] == [False, False, False, True]
    assert [d.enrollment_id for d in plans_due(admitted.values(), TODAY)] == [
        admitted[8].pk,
        admitted[7].pk,
        admitted[4].pk,
    ]


def test_after_signing_the_review_is_due_from_the_signature(counselor, signed, django_assert_num_queries):
    assert review_due_on(signed) == TODAY + datetime.timedelta(days=30)
    enrollment = type(signed.enrollment).objects.select_related("program").get(pk=signed.enrollment_id)
    with django_assert_num_queries(1):
        deadline = deadlines([enrollment], TODAY)[enrollment.pk]
    assert (deadline.kind, deadline.due_on) == ("review", TODAY + datetime.timedelta(days=30))
    assert deadlines([enrollment], TODAY + datetime.timedelta(days=31))[enrollment.pk].overdue


@pytest.mark.parametrize(
    ("signed_at", "signed_on"),
    [
        # Late in the evening before the spring change (Mar 8, 2026): 04:30 UTC is already the 8th.
        ("2026-03-07 23:30", datetime.date(2026, 3, 7)),
        # Late in the evening before the fall change (Nov 1, 2026), and in the repeated hour itself.
        ("2026-10-31 23:30", datetime.date(2026, 10, 31)),
        ("2026-11-01 01:30 again", datetime.date(2026, 11, 1)),
    ],
)
def test_the_review_date_holds_across_a_daylight_saving_change(counselor, enrollment, signed_at, signed_on):
    enrollment.admitted_on = signed_on - datetime.timedelta(days=1)
    enrollment.save()
    with time_machine.travel(clinic_time(signed_at), tick=False):
        plan = write_plan(counselor, enrollment)
        plan = plan_sign(acting_user=counselor, plan=plan, patient_agreed_on=signed_on, agreement_method="screen")
    plan = TreatmentPlan.objects.select_related("enrollment__program").get(pk=plan.pk)
    assert plan.status == PlanStatus.SIGNED
    # Fourteen days in residential care, thirty in IOP: whole local days, whatever the clock did between.
    assert review_due_on(plan) == signed_on + datetime.timedelta(days=30)
    plan.enrollment.program.plan_review_days = 14
    assert review_due_on(plan) == signed_on + datetime.timedelta(days=14)
