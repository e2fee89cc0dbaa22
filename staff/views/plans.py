"""A patient's treatment plan: the draft's page with a small form per part, the posts that write each part, sign and
co-sign, a version with what changed since the one before, and the print view for the patient's signature.

Clinicians only, for the patients in their scope (404 for anyone else, on every URL). The ids a post names (problem,
goal, objective) are looked up within this patient's plan (404 otherwise); a broken rule (a signed plan, a dimension
left unaddressed...) is the service's message, shown after the redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.errors import DomainError
from clinic.policy import Action
from plans import services
from plans.plan_page import patient_groups, plan_enrollment, plan_page, plan_part, version_changes
from sessions.selectors import notes_page_of
from sessions.selectors.notes import note_page
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


def _opened(request, pk: int, needs: Action = Action.SEE_PLAN):
    """The patient and their latest enrollment, if the user may `needs` for them (404 otherwise); a GET audited."""
    patient = policy.patients_visible_to(request.user).filter(pk=pk).first()
    if patient is None or not policy.allows(request.user, needs, patient):
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


def _edit_url(pk: int, anchor: str = "") -> str:
    return reverse("plan-edit", args=[pk]) + (f"#form-{anchor}" if anchor else "")


def _draft_forms(plan, groups, bound: tuple[str, object] | None):
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


def _edit_page(request, patient, enrollment, bound=None):
    page = plan_page(enrollment=enrollment, today=timezone.localdate(), draft=True)
    context = {"patient": patient, "page": page, "enrollment": enrollment}
    if page is not None and page.shown is not None:
        context |= _draft_forms(page.shown, patient_groups(patient), bound)
    return render(request, "staff/plan_edit.html", context)


@login_required
def plan_edit(request, pk: int):
    """The draft plan on one page, a small form per part; or, without a draft, the button that starts one."""
    patient, enrollment = _opened(request, pk, Action.WRITE_PLAN)
    return _edit_page(request, patient, enrollment)


def _posted(request, pk: int, key: str, form_class, call, *, done: str, part: str = "", **form_kwargs):
    """Validate the posted form (shown again with its errors when invalid), call the service, redirect to the
    draft with the service's message on a broken rule. `part` names an id of the URL to look up in the plan."""
    patient, enrollment = _opened(request, pk, Action.WRITE_PLAN)
    if enrollment is None:
        raise Http404
    target = None
    if part:
        target = plan_part(enrollment, part, request.resolver_match.kwargs["part_id"])
        if target is None:
            raise Http404
        if part == "goal":
            form_kwargs["plan"] = target.the_plan()
    if form_class is InterventionForm:
        form_kwargs["groups"] = patient_groups(patient)
    form = form_class(request.POST, prefix=key, **form_kwargs)
    if not form.is_valid():
        return _edit_page(request, patient, enrollment, bound=(key, form))
    try:
        call(enrollment=enrollment, target=target, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(_edit_url(pk, key))


def _draft(enrollment):
    """The enrollment's latest version, which a part added to the plan goes to (the service refuses a signed one)."""
    latest = enrollment.plans.order_by("-version").first()
    if latest is None:
        raise services.PlanError("Start the plan first.", code="no_plan")
    return latest


@login_required
@require_POST
def plan_add_problem(request, pk: int):
    def call(*, enrollment, target, **data):
        services.plan_add_problem(acting_user=request.user, plan=_draft(enrollment), **data)

    return _posted(request, pk, "problem", ProblemForm, call, done="Problem added.")


@login_required
@require_POST
def plan_describe_problem(request, pk: int, part_id: int):
    def call(*, enrollment, target, description):
        services.plan_describe_problem(acting_user=request.user, problem=target, description=description)

    key = f"describe-{part_id}"
    return _posted(request, pk, key, DescribeProblemForm, call, done="Problem saved.", part="problem")


@login_required
@require_POST
def plan_add_goal(request, pk: int, part_id: int):
    def call(*, enrollment, target, text):
        services.plan_add_goal(acting_user=request.user, problem=target, text=text)

    return _posted(request, pk, f"goal-{part_id}", GoalForm, call, done="Goal added.", part="problem")


@login_required
@require_POST
def plan_add_objective(request, pk: int, part_id: int):
    def call(*, enrollment, target, text, target_date):
        services.plan_add_objective(acting_user=request.user, goal=target, text=text, target_date=target_date)

    return _posted(request, pk, f"objective-{part_id}", ObjectiveForm, call, done="Objective added.", part="goal")


@login_required
@require_POST
def plan_objective_status(request, pk: int, part_id: int):
    def call(*, enrollment, target, status):
        services.plan_set_objective_status(acting_user=request.user, objective=target, status=status)

    key = f"status-{part_id}"
    return _posted(request, pk, key, ObjectiveStatusForm, call, done="Objective status saved.", part="objective")


@login_required
@require_POST
def plan_add_intervention(request, pk: int):
    def call(*, enrollment, target, **data):
        services.plan_add_intervention(acting_user=request.user, plan=_draft(enrollment), **data)

    return _posted(request, pk, "intervention", InterventionForm, call, done="Intervention added.")


@login_required
@require_POST
def plan_defer(request, pk: int):
    def call(*, enrollment, target, **data):
        services.plan_defer_dimension(acting_user=request.user, plan=_draft(enrollment), **data)

    return _posted(request, pk, "defer", DeferForm, call, done="Dimension deferred.")


@login_required
@require_POST
def plan_sign(request, pk: int):
    signed = []

    def call(*, enrollment, target, **data):
        signed.append(services.plan_sign(acting_user=request.user, plan=_draft(enrollment), **data))

    response = _posted(request, pk, "sign", SignForm, call, done="Plan signed.")
    return redirect(_chart_plan(pk)) if signed else response


def _chart_plan(pk: int) -> str:
    return reverse("patient-chart", args=[pk]) + "?section=plan"


@login_required
@require_POST
def plan_start(request, pk: int):
    """Start the enrollment's first plan, or the review of its signed plan (the next version, carried over)."""
    _, enrollment = _opened(request, pk, Action.WRITE_PLAN)
    if enrollment is None:
        raise Http404
    try:
        if enrollment.plans.exists():
            services.plan_review(acting_user=request.user, enrollment=enrollment)
            messages.success(request, "Review started: the next version, carried over from the signed plan.")
        else:
            services.plan_start(acting_user=request.user, enrollment=enrollment)
            messages.success(request, "Plan started.")
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_chart_plan(pk))
    return redirect(_edit_url(pk))


@login_required
@require_POST
def plan_cosign(request, pk: int):
    """A supervisor co-signs the plan in force."""
    _, enrollment = _opened(request, pk)
    page = plan_page(enrollment=enrollment, today=timezone.localdate())
    if page is None or page.current is None:
        raise Http404
    try:
        services.plan_cosign(acting_user=request.user, plan=page.current)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Plan co-signed.")
    return redirect(_chart_plan(pk))


@login_required
def plan_version(request, pk: int, version: int):
    """One version of the plan as it stands, and what changed since the version before it."""
    patient, enrollment = _opened(request, pk)
    page = plan_page(enrollment=enrollment, today=timezone.localdate(), version=version)
    if page is None or page.shown is None:
        raise Http404
    context = {"patient": patient, "page": page, "plan": page.shown, "diff": version_changes(page)}
    return render(request, "staff/plan_version.html", context)


@login_required
def plan_print(request, pk: int):
    """The plan in force (or the draft, marked so) to print for the patient's signature."""
    patient, enrollment = _opened(request, pk)
    page = plan_page(enrollment=enrollment, today=timezone.localdate())
    if page is None or page.shown is None:
        raise Http404
    return render(request, "staff/plan_print.html", {"patient": patient, "page": page, "plan": page.shown})


@login_required
def plan_note(request, pk: int, note_id: int):
    """A note that worked on an objective, in the chart's notes section (on the page that shows it)."""
    note = note_page(user=request.user, pk=note_id)
    if note is None or note.attendance.patient_id != pk:
        raise Http404
    chart = reverse("patient-chart", args=[pk])
    return redirect(f"{chart}?section=notes&page={notes_page_of(note)}#note-{note.pk}")
