"""Drafting and signing: every ASAM dimension rated 3 or 4 is addressed or deferred before the plan is signed."""

import datetime

import pytest

from clinic.models import AuditAction, AuditEvent
from plans.models import PlanError, PlanStatus, Problem, TreatmentPlan
from plans.services import (
    plan_add_intervention,
    plan_add_objective,
    plan_add_problem,
    plan_cosign,
    plan_defer_dimension,
    plan_review,
    plan_set_objective_status,
    plan_sign,
    plan_start,
)
from tests.clock import TODAY
from tests.factories import TherapyGroupFactory, UserFactory
from tests.plans.conftest import AGREED, write_plan


def test_a_plan_starts_with_the_dimensions_rated_3_or_4_to_write(counselor, enrollment):
    plan = plan_start(acting_user=counselor, enrollment=enrollment)

    assert (plan.version, plan.status, plan.created_on) == (1, PlanStatus.DRAFT, TODAY)
    assert [(p.dimension, p.severity, p.description) for p in plan.problems.all()] == [(3, 3, ""), (5, 4, "")]
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_START, patient_id=enrollment.patient_id).count() == 1
    with pytest.raises(PlanError, match="has a plan already"):
        plan_start(acting_user=counselor, enrollment=enrollment)


def test_a_plan_leaving_a_dimension_rated_3_unaddressed_cannot_be_signed(counselor, draft):
    Problem.objects.filter(plan=draft, dimension=3).delete()

    with pytest.raises(PlanError, match="dimension 3 was rated 3 or 4") as refused:
        plan_sign(acting_user=counselor, plan=draft, **AGREED)

    assert refused.value.code == "dimension_unaddressed"
    assert TreatmentPlan.objects.get().status == PlanStatus.DRAFT


def test_deferring_the_dimension_with_a_reason_allows_signing(counselor, draft):
    Problem.objects.filter(plan=draft, dimension=3).delete()
    with pytest.raises(PlanError, match="reason for deferring"):
        plan_defer_dimension(acting_user=counselor, plan=draft, dimension=3, reason="  ")

    plan_defer_dimension(acting_user=counselor, plan=draft, dimension=3, reason="Psychiatric evaluation on the 20th.")
    plan = plan_sign(acting_user=counselor, plan=draft, **AGREED)

    assert plan.status == PlanStatus.SIGNED
    assert (plan.signed_by, plan.agreement_recorded_by, plan.patient_agreed_on, plan.agreement_method) == (
        counselor,
        counselor,
        TODAY,
        "paper",
    )


def test_an_unwritten_problem_cannot_be_signed(counselor, enrollment):
    plan = plan_start(acting_user=counselor, enrollment=enrollment)
    with pytest.raises(PlanError, match="Describe every problem"):
        plan_sign(acting_user=counselor, plan=plan, **AGREED)


@pytest.mark.parametrize(
    ("agreed", "method", "message"),
    [
        (TODAY, "telepathy", "how the patient agreed"),
        (TODAY + datetime.timedelta(days=1), "paper", "in the future"),
        (TODAY - datetime.timedelta(days=1), "paper", "before the plan was started"),
        ("yesterday", "paper", "in the future"),
    ],
)
def test_signing_refuses_a_bad_agreement(counselor, draft, agreed, method, message):
    with pytest.raises(PlanError, match=message):
        plan_sign(acting_user=counselor, plan=draft, patient_agreed_on=agreed, agreement_method=method)
    assert TreatmentPlan.objects.get().status == PlanStatus.DRAFT


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"dimension": 7, "severity": 2, "description": "x"}, "from 1 to 6"),
        ({"dimension": 2, "severity": 5, "description": "x"}, "from 0 to 4"),
        ({"dimension": 2, "severity": 2, "description": " "}, "Write the problem"),
    ],
)
def test_problems_are_validated(counselor, draft, fields, message):
    with pytest.raises(PlanError, match=message):
        plan_add_problem(acting_user=counselor, plan=draft, **fields)


def test_an_objective_targets_no_day_before_the_plan(counselor, draft):
    goal = draft.problems.first().goals.get()
    with pytest.raises(PlanError, match="before the plan was started"):
        plan_add_objective(acting_user=counselor, goal=goal, text="x", target_date=TODAY - datetime.timedelta(days=1))
    with pytest.raises(PlanError, match="target date"):
        plan_add_objective(acting_user=counselor, goal=goal, text="x", target_date="2026-12-01")


def test_an_intervention_names_who_and_only_a_group_the_patient_is_on(counselor, draft):
    with pytest.raises(PlanError, match="who provides it"):
        plan_add_intervention(acting_user=counselor, plan=draft, what="IOP process group", frequency="3x a week")
    with pytest.raises(PlanError, match="not on that group"):
        plan_add_intervention(
            acting_user=counselor,
            plan=draft,
            what="IOP process group",
            frequency="3x a week",
            who_role="counselor",
            group=TherapyGroupFactory(),
        )
    done = plan_add_intervention(
        acting_user=counselor, plan=draft, what="Individual counseling", frequency="weekly", who_user=counselor
    )
    assert done.who_user == counselor


def test_a_review_carries_the_last_signed_version_over(counselor, signed):
    review = plan_review(acting_user=counselor, enrollment=signed.enrollment)

    assert (review.version, review.previous, review.status) == (2, signed, PlanStatus.DRAFT)
    assert [(p.dimension, p.description) for p in review.problems.all()] == [
        (p.dimension, p.description) for p in signed.problems.all()
    ]
    old = signed.problems.first().goals.get().objectives.get()
    new = review.problems.first().goals.get().objectives.get()
    assert (new.text, new.target_date, new.status) == (old.text, old.target_date, old.status)
    assert new.pk != old.pk
    plan_set_objective_status(acting_user=counselor, objective=new, status="met")
    old.refresh_from_db()
    assert old.status == "open"  # the signed version keeps its history
    with pytest.raises(PlanError, match="still a draft"):
        plan_review(acting_user=counselor, enrollment=signed.enrollment)


def test_a_review_needs_a_signed_plan(counselor, draft):
    with pytest.raises(PlanError, match="still a draft"):
        plan_review(acting_user=counselor, enrollment=draft.enrollment)


def test_a_supervisor_cosigns_where_the_program_requires(counselor, supervisor, signed):
    with pytest.raises(PlanError, match="need no co-signature"):
        plan_cosign(acting_user=supervisor, plan=signed)
    program = signed.enrollment.program
    program.plan_needs_cosign = True
    program.save()
    with pytest.raises(PlanError, match="Only a clinical supervisor"):
        plan_cosign(acting_user=counselor, plan=signed)

    plan = plan_cosign(acting_user=supervisor, plan=signed)

    assert (plan.cosigned_by, plan.status) == (supervisor, PlanStatus.SIGNED)
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_COSIGN).count() == 1
    with pytest.raises(PlanError, match="already co-signed"):
        plan_cosign(acting_user=supervisor, plan=signed)


def test_a_supervisor_does_not_cosign_their_own_plan(supervisor, enrollment):
    enrollment.program.plan_needs_cosign = True
    enrollment.program.save()
    plan = plan_sign(acting_user=supervisor, plan=write_plan(supervisor, enrollment), **AGREED)
    with pytest.raises(PlanError, match="you signed this plan"):
        plan_cosign(acting_user=supervisor, plan=plan)
    other = UserFactory(role="supervisor")
    assert plan_cosign(acting_user=other, plan=plan).cosigned_by == other
