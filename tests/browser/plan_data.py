"""A treatment plan for the browser tests' clinic: version 1 signed, version 2 a review being drafted."""

from django.utils import timezone

from clinic import policy
from clinic.policy import Action
from plans import services
from plans.models import Objective


def plan_pages(clinic, user) -> list[str]:
    """Write Whitfield's plan (once) and return the plan pages `user` may open."""
    counselor, patient = clinic["counselor"], clinic["patient"]
    enrollment = patient.enrollments.get()
    if not enrollment.plans.exists():
        plan = services.plan_start(acting_user=counselor, enrollment=enrollment)
        problem = services.plan_add_problem(
            acting_user=counselor, plan=plan, dimension=5, severity=3, description="Returns to use under stress."
        )
        goal = services.plan_add_goal(acting_user=counselor, problem=problem, text="I want to handle stress sober.")
        services.plan_add_objective(
            acting_user=counselor,
            goal=goal,
            text="Name 3 triggers and a coping skill for each.",
            target_date=timezone.localdate(),
        )
        group = patient.group_memberships.get().group
        services.plan_add_intervention(
            acting_user=counselor,
            plan=plan,
            what="Process group",
            frequency="3 times a week",
            who_role="counselor",
            group=group,
        )
        services.plan_sign(
            acting_user=counselor, plan=plan, patient_agreed_on=timezone.localdate(), agreement_method="paper"
        )
        draft = services.plan_review(acting_user=counselor, enrollment=enrollment)
        services.plan_set_objective_status(
            acting_user=counselor, objective=Objective.objects.get(goal__problem__plan=draft), status="met"
        )
    if not policy.allows(user, Action.SEE_PLAN, patient):
        return []
    base = f"/patients/{patient.pk}"
    return [f"{base}/?section=plan", f"{base}/plan/edit/", f"{base}/plan/versions/2/", f"{base}/plan/print/"]
