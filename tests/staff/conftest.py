"""Treatment plans for the staff pages' tests: a patient of the counselor's caseload rated 3 and 4 on two ASAM
dimensions, with a draft plan written (tests/plans/conftest.py's write_plan) or signed."""

import datetime

import pytest

from plans.services import plan_sign
from tests.clock import TODAY
from tests.factories import EnrollmentFactory
from tests.plans.conftest import AGREED, write_plan


@pytest.fixture
def plan_enrollment(counselor):
    return EnrollmentFactory(
        counselor=counselor,
        patient__primary_counselor=counselor,
        patient__asam_d3_emotional=3,
        patient__asam_d5_relapse=4,
        patient__asam_d6_environment=2,
        program__level_of_care="2.1",
        admitted_on=TODAY - datetime.timedelta(days=5),
    )


@pytest.fixture
def draft_plan(counselor, plan_enrollment):
    return write_plan(counselor, plan_enrollment)


@pytest.fixture
def signed_plan(counselor, draft_plan):
    return plan_sign(acting_user=counselor, plan=draft_plan, **AGREED)


def plan_with_objectives(counselor, enrollment, count: int, *, sign: bool = True):
    """A plan of `enrollment` whose first problem's goal has `count` objectives (the other problem one)."""
    from plans.models import Objective
    from plans.services import plan_add_objective

    plan = write_plan(counselor, enrollment)
    goal = plan.problems.order_by("dimension").first().goals.get()
    for n in range(count - Objective.objects.filter(goal__problem__plan=plan).count()):
        plan_add_objective(
            acting_user=counselor, goal=goal, text=f"Objective {n}", target_date=TODAY + datetime.timedelta(days=n)
        )
    return plan_sign(acting_user=counselor, plan=plan, **AGREED) if sign else plan
