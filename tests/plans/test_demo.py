"""The demo's plans: most patients in care have a signed plan that keeps the signing rule; some reviews are overdue;
the signed plans are whole (parts written before signing, which the PostgreSQL triggers require)."""

import pytest

from demo.seed import seed_clinic
from plans.models import Goal, NoteObjective, Objective, PlanStatus, TreatmentPlan
from plans.selectors import deadlines
from plans.services import unaddressed_dimensions
from programs.models import Enrollment, EnrollmentStatus


def _check_demo_plans():
    active = list(Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE).select_related("program", "patient"))
    signed = TreatmentPlan.objects.filter(status=PlanStatus.SIGNED).select_related("enrollment__patient")
    with_signed = {plan.enrollment_id for plan in signed}
    assert len(with_signed) > 0.6 * len(active)
    assert all(not unaddressed_dimensions(plan) and plan.problems.exists() for plan in signed)
    assert TreatmentPlan.objects.filter(version__gt=1, previous__isnull=False).exists()
    cosigned = TreatmentPlan.objects.filter(cosigned_by__isnull=False)
    assert cosigned.exists()
    assert not cosigned.filter(enrollment__program__plan_needs_cosign=False).exists()
    due = [d for d in deadlines(active).values() if d.kind == "review"]
    assert any(d.overdue for d in due)
    assert any(not d.overdue for d in due)
    # notes linked to objectives of their own patient's plan, signed before the session
    links = NoteObjective.objects.select_related("note__attendance__session", "objective__goal__problem__plan")
    assert links.count() > 100
    for link in links[:300]:
        plan = link.objective.goal.problem.plan
        assert plan.enrollment_id == link.note.attendance.enrollment_id
        assert plan.signed_at <= link.note.attendance.session.starts_at
    # no plan asks the same objective of two goals
    texts = Objective.objects.values_list("goal__problem__plan_id", "text")
    assert len(set(texts)) == len(texts)
    # and every goal of a signed plan has an objective
    assert not Goal.objects.filter(problem__plan__status=PlanStatus.SIGNED, objectives__isnull=True).exists()


@pytest.mark.django_db
def test_the_demo_has_signed_plans_and_overdue_reviews():
    seed_clinic(patients=120, chunk=50)
    _check_demo_plans()


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_demo_plans_load_on_postgresql_past_the_triggers():
    seed_clinic(patients=120, chunk=50)
    _check_demo_plans()
