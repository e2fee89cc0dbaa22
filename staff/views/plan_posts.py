"""The posts that write a draft plan, one small form each: the ids they name (problem, goal, objective) are looked up
within this patient's plan (404 otherwise); an invalid form comes back on the draft's page with its errors; a broken
rule (a signed plan, a dimension left unaddressed...) is the service's message, shown after the redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from clinic.errors import DomainError
from clinic.policy import Action
from plans import services
from plans.plan_page import latest_version, patient_groups, plan_part
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
from staff.views.plan_common import chart_plan_url, edit_page, edit_url, plan_opened


def _posted(request, pk: int, key: str, form_class, call, *, done: str, part: str = "", part_id=None):
    """Validate the posted form, call the service with the plan's latest version (or the part `part_id` of it),
    redirect to the draft; or show the draft with the form's errors."""
    patient, enrollment = plan_opened(request, pk, Action.WRITE_PLAN)
    if enrollment is None:
        raise Http404
    kwargs, target = {}, None
    if part:
        target = plan_part(enrollment, part, part_id)
        if target is None:
            raise Http404
        if part == "goal":
            kwargs["plan"] = target.the_plan()
    else:
        target = latest_version(enrollment)
    if form_class is InterventionForm:
        kwargs["groups"] = patient_groups(patient)
    form = form_class(request.POST, prefix=key, **kwargs)
    if not form.is_valid():
        return edit_page(request, patient, enrollment, bound=(key, form))
    try:
        if target is None:
            raise services.PlanError("Start the plan first.", code="no_plan")
        call(target, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
        if key == "sign":
            return redirect(chart_plan_url(pk))
    return redirect(edit_url(pk, key))


@login_required
@require_POST
def plan_add_problem(request, pk: int):
    def call(plan, **data):
        services.plan_add_problem(acting_user=request.user, plan=plan, **data)

    return _posted(request, pk, "problem", ProblemForm, call, done="Problem added.")


@login_required
@require_POST
def plan_describe_problem(request, pk: int, part_id: int):
    def call(problem, description):
        services.plan_describe_problem(acting_user=request.user, problem=problem, description=description)

    key = f"describe-{part_id}"
    return _posted(request, pk, key, DescribeProblemForm, call, done="Problem saved.", part="problem", part_id=part_id)


@login_required
@require_POST
def plan_add_goal(request, pk: int, part_id: int):
    def call(problem, text):
        services.plan_add_goal(acting_user=request.user, problem=problem, text=text)

    key = f"goal-{part_id}"
    return _posted(request, pk, key, GoalForm, call, done="Goal added.", part="problem", part_id=part_id)


@login_required
@require_POST
def plan_add_objective(request, pk: int, part_id: int):
    def call(goal, text, target_date):
        services.plan_add_objective(acting_user=request.user, goal=goal, text=text, target_date=target_date)

    key = f"objective-{part_id}"
    return _posted(request, pk, key, ObjectiveForm, call, done="Objective added.", part="goal", part_id=part_id)


@login_required
@require_POST
def plan_objective_status(request, pk: int, part_id: int):
    def call(objective, status):
        services.plan_set_objective_status(acting_user=request.user, objective=objective, status=status)

    key, done = f"status-{part_id}", "Objective status saved."
    return _posted(request, pk, key, ObjectiveStatusForm, call, done=done, part="objective", part_id=part_id)


@login_required
@require_POST
def plan_add_intervention(request, pk: int):
    def call(plan, **data):
        services.plan_add_intervention(acting_user=request.user, plan=plan, **data)

    return _posted(request, pk, "intervention", InterventionForm, call, done="Intervention added.")


@login_required
@require_POST
def plan_defer(request, pk: int):
    def call(plan, **data):
        services.plan_defer_dimension(acting_user=request.user, plan=plan, **data)

    return _posted(request, pk, "defer", DeferForm, call, done="Dimension deferred.")


@login_required
@require_POST
def plan_sign(request, pk: int):
    def call(plan, **data):
        services.plan_sign(acting_user=request.user, plan=plan, **data)

    return _posted(request, pk, "sign", SignForm, call, done="Plan signed.")
