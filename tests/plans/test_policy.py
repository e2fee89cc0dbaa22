"""Who may work on plans: counselors for their caseload, supervisors for all; front desk and administrators never.
A refused call changes nothing, whichever ids it was handed."""

import pytest

from clinic import policy
from clinic.errors import DomainError
from clinic.policy import Action
from plans.models import Goal, Problem, TreatmentPlan
from plans.services import plan_add_goal, plan_add_problem, plan_review, plan_sign, plan_start
from tests.plans.conftest import AGREED


@pytest.mark.parametrize("role", ["front_desk", "administrator"])
def test_front_desk_and_administrators_have_no_part_in_plans(request, role, enrollment, draft):
    user = request.getfixturevalue(role)
    assert not policy.allows(user, Action.SEE_PLAN, enrollment.patient)
    with pytest.raises(DomainError, match="Only counselors and clinical supervisors"):
        plan_add_problem(acting_user=user, plan=draft, dimension=1, severity=1, description="x")
    with pytest.raises(DomainError, match="Only counselors and clinical supervisors"):
        plan_sign(acting_user=user, plan=draft, **AGREED)
    assert TreatmentPlan.objects.get().status == "draft"
    assert Problem.objects.count() == 2


def test_a_counselor_is_refused_another_counselors_patient(other_counselor, enrollment, draft):
    assert not policy.allows(other_counselor, Action.WRITE_PLAN, enrollment.patient)
    with pytest.raises(DomainError, match="not in your caseload"):
        plan_start(acting_user=other_counselor, enrollment=enrollment)
    with pytest.raises(DomainError, match="not in your caseload"):
        plan_sign(acting_user=other_counselor, plan=draft, **AGREED)
    # A tampered id: the other counselor's own form, posting a problem of this patient's plan.
    with pytest.raises(DomainError, match="not in your caseload"):
        plan_add_goal(acting_user=other_counselor, problem=draft.problems.first(), text="x")
    assert Goal.objects.filter(text="x").count() == 0
    assert TreatmentPlan.objects.get().status == "draft"


def test_a_supervisor_works_on_every_patients_plan(supervisor, signed):
    assert policy.allows(supervisor, Action.SEE_PLAN, signed.enrollment.patient)
    review = plan_review(acting_user=supervisor, enrollment=signed.enrollment)
    assert review.created_by == supervisor


def test_a_superuser_is_no_clinician_for_plans(django_user_model, draft):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x", role="administrator")
    with pytest.raises(DomainError):
        plan_add_problem(acting_user=root, plan=draft, dimension=1, severity=1, description="x")
