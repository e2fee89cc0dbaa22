"""What the plan pages share: the patient (404 outside the user's scope or without the plan's permission), the
draft's page with a small form per part, and where a post goes back to."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.policy import Action
from plans.plan_page import patient_groups, plan_enrollment, plan_page
from staff.forms_plans import (
    DeferForm,
    DescribeProblemForm,
    GoalForm,
    InterventionForm,
    ObjectiveForm,
    ObjectiveStatusForm,
    ProblemForm,
    SignForm,
)


def plan_opened(request, pk: int, needs: Action = Action.SEE_PLAN):
    """The patient and their latest enrollment, if the user may `needs` for them (404 otherwise); a GET audited."""
    patient = get_object_or_404(policy.patients_visible_to(request.user), pk=pk)
    if not policy.allows(request.user, needs, patient):
        raise Http404
    if request.method == "GET":
        audit_record(
            actor=request.user,
            action=AuditAction.PATIENT_VIEW,
            patient_id=patient.pk,
            target=patient,
            section="plan",
            page=request.resolver_match.url_name,
        )
    return patient, plan_enrollment(patient)


def edit_url(pk: int, anchor: str = "") -> str:
    return reverse("plan-edit", args=[pk]) + (f"#form-{anchor}" if anchor else "")


def chart_plan_url(pk: int) -> str:
    return reverse("patient-chart", args=[pk]) + "?section=plan"


def _draft_forms(plan, groups, bound: tuple[str, object] | None) -> dict:
    """A form for each part of the draft, prefixed by its key; the bound (invalid) form posted in its place."""
    key_of, form_of = bound or (None, None)

    def make(key, form_class, **kwargs):
        return form_of if key == key_of else form_class(prefix=key, **kwargs)

    for problem in plan.problem_list:
        problem.describe_form = make(
            f"describe-{problem.pk}", DescribeProblemForm, initial={"description": problem.description}
        )
        problem.goal_form = make(f"goal-{problem.pk}", GoalForm)
        for goal in problem.goal_list:
            goal.objective_form = make(f"objective-{goal.pk}", ObjectiveForm, plan=plan)
            for objective in goal.objective_list:
                objective.status_form = make(
                    f"status-{objective.pk}", ObjectiveStatusForm, initial={"status": objective.status}
                )
    return {
        "problem_form": make("problem", ProblemForm),
        "intervention_form": make("intervention", InterventionForm, groups=groups),
        "defer_form": make("defer", DeferForm),
        "sign_form": make("sign", SignForm),
    }


def edit_page(request, patient, enrollment, bound=None):
    """The draft on one page (or the button that starts one); `bound`: (key, form) of a post shown with its errors."""
    page = plan_page(enrollment=enrollment, today=timezone.localdate(), draft=True)
    context = {"patient": patient, "page": page, "enrollment": enrollment}
    if page is not None and page.shown is not None:
        context |= _draft_forms(page.shown, patient_groups(patient), bound)
    return render(request, "staff/plan_edit.html", context)
