"""A signed plan never changes: the model refuses, and on PostgreSQL a trigger refuses even raw SQL, for the plan
and each of its parts. Its one later change is the supervisor's co-signature."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from plans.models import Goal, Intervention, Objective, Problem, SignedPlanError, TreatmentPlan
from plans.services import plan_add_problem, plan_defer_dimension


def test_the_model_layer_refuses_to_change_a_signed_plan(signed):
    signed.agreement_method = "verbal"
    with pytest.raises(SignedPlanError):
        signed.save()
    with pytest.raises(SignedPlanError):
        TreatmentPlan.objects.filter(pk=signed.pk).update(agreement_method="verbal")
    with pytest.raises(SignedPlanError):
        signed.delete()
    with pytest.raises(SignedPlanError):
        TreatmentPlan.objects.all().delete()
    assert TreatmentPlan.objects.get().agreement_method == "paper"


def test_the_model_layer_takes_one_cosignature_and_nothing_else(supervisor, signed):
    signed.cosigned_by, signed.cosigned_at = supervisor, timezone.now()
    signed.save(update_fields=["cosigned_by", "cosigned_at"])
    with pytest.raises(SignedPlanError):
        signed.save(update_fields=["cosigned_by", "cosigned_at"])
    signed.agreement_method = "verbal"
    with pytest.raises(SignedPlanError):
        signed.save(update_fields=["agreement_method", "cosigned_by", "cosigned_at"])
    assert TreatmentPlan.objects.get().agreement_method == "paper"


def test_the_model_layer_refuses_to_change_a_signed_plans_parts(signed):
    problem = signed.problems.first()
    problem.description = "changed"
    with pytest.raises(SignedPlanError):
        problem.save()
    with pytest.raises(SignedPlanError):
        Problem(plan=signed, dimension=1, severity=1, description="new").save()
    objective = Objective.objects.filter(goal__problem__plan=signed).first()
    objective.status = "met"
    with pytest.raises(SignedPlanError):
        objective.save()
    with pytest.raises(SignedPlanError):
        Objective.objects.filter(pk=objective.pk).update(status="met")
    with pytest.raises(SignedPlanError):
        Goal.objects.filter(problem__plan=signed).delete()
    with pytest.raises(SignedPlanError):
        Intervention(plan=signed, what="x", frequency="weekly", who_role="counselor").save()
    assert Objective.objects.get(pk=objective.pk).status == "open"


def test_the_services_refuse_a_signed_plan(counselor, signed):
    with pytest.raises(SignedPlanError):
        plan_add_problem(acting_user=counselor, plan=signed, dimension=1, severity=1, description="x")
    with pytest.raises(SignedPlanError):
        plan_defer_dimension(acting_user=counselor, plan=signed, dimension=1, reason="x")


def _refused(sql, params=()):
    with pytest.raises(DatabaseError, match="signed treatment plan"), transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)


@pytest.mark.postgres
def test_postgresql_refuses_to_change_a_signed_plan_even_in_raw_sql(signed):
    _refused("UPDATE plans_treatmentplan SET agreement_method = 'verbal'")
    _refused("DELETE FROM plans_treatmentplan")
    _refused("UPDATE plans_problem SET description = 'x'")
    _refused("DELETE FROM plans_problem")
    _refused("UPDATE plans_goal SET text = 'x'")
    _refused("UPDATE plans_objective SET status = 'met'")
    _refused("DELETE FROM plans_objective")
    _refused(
        "INSERT INTO plans_intervention (plan_id, what, frequency, who_role) VALUES (%s, 'x', 'weekly', 'counselor')",
        [signed.pk],
    )
    _refused("INSERT INTO plans_deferreddimension (plan_id, dimension, reason) VALUES (%s, 1, 'x')", [signed.pk])
    # A co-signature is taken once; nothing else changes with it.
    _refused(
        "UPDATE plans_treatmentplan SET cosigned_by_id = signed_by_id, cosigned_at = now(), agreement_method = 'verbal'"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE plans_treatmentplan SET cosigned_by_id = signed_by_id, cosigned_at = %s", [timezone.now()]
        )
    _refused("UPDATE plans_treatmentplan SET cosigned_at = now()")
    plan = TreatmentPlan.objects.get()
    assert (plan.agreement_method, plan.cosigned_by_id) == ("paper", plan.signed_by_id)
    assert Objective.objects.filter(status="met").count() == 0


@pytest.mark.postgres
def test_postgresql_lets_a_draft_change(counselor, draft):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE plans_problem SET description = 'rewritten'")
        cursor.execute("DELETE FROM plans_objective")
    assert set(Problem.objects.values_list("description", flat=True)) == {"rewritten"}
