import datetime

import pytest

from plans.services import plan_add_goal, plan_add_objective, plan_describe_problem, plan_sign, plan_start
from tests.clock import TODAY
from tests.factories import EnrollmentFactory

AGREED = {"patient_agreed_on": TODAY, "agreement_method": "paper"}


@pytest.fixture
def enrollment(counselor):
    """An IOP patient of the counselor's caseload admitted five days ago, rated 3 on dimension 3 (emotional) and 4
    on dimension 5 (relapse) at intake, 2 on dimension 6."""
    return EnrollmentFactory(
        counselor=counselor,
        patient__primary_counselor=counselor,
        patient__asam_d3_emotional=3,
        patient__asam_d5_relapse=4,
        patient__asam_d6_environment=2,
        program__level_of_care="2.1",
        admitted_on=TODAY - datetime.timedelta(days=5),
    )


def write_plan(counselor, enrollment):
    """A draft whose prefilled problems are written, each with a goal and an objective."""
    plan = plan_start(acting_user=counselor, enrollment=enrollment)
    for problem in plan.problems.all():
        plan_describe_problem(
            acting_user=counselor, problem=problem, description=f"Problem in dimension {problem.dimension}"
        )
        goal = plan_add_goal(acting_user=counselor, problem=problem, text="I want to stay sober for my kids.")
        plan_add_objective(
            acting_user=counselor,
            goal=goal,
            text="Attend 3 groups a week for 4 weeks.",
            target_date=TODAY.replace(day=28),
        )
    return plan


@pytest.fixture
def draft(counselor, enrollment):
    return write_plan(counselor, enrollment)


@pytest.fixture
def signed(counselor, draft):
    return plan_sign(acting_user=counselor, plan=draft, **AGREED)
