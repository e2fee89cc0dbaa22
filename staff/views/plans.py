"""A patient's treatment plan: the draft's page, starting a plan or a review, the co-signature, a version with what
changed since the one before, the print view for the patient's signature, and a note that worked on an objective.

Clinicians only, for the patients in their scope (404 for anyone else, on every URL); the posts that write the
draft's parts are in plan_posts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.errors import DomainError
from clinic.policy import Action
from plans import services
from plans.plan_page import latest_version, plan_page, version_changes
from sessions.selectors import notes_page_of
from sessions.selectors.notes import note_page
from staff.views.plan_common import chart_plan_url, edit_page, edit_url, plan_opened


@login_required
def plan_edit(request, pk: int):
    """The draft plan on one page, a small form per part; or, without a draft, the button that starts one."""
    patient, enrollment = plan_opened(request, pk, Action.WRITE_PLAN)
    return edit_page(request, patient, enrollment)


@login_required
@require_POST
def plan_start(request, pk: int):
    """Start the enrollment's first plan, or the review of its signed plan (the next version, carried over)."""
    _, enrollment = plan_opened(request, pk, Action.WRITE_PLAN)
    if enrollment is None:
        raise Http404
    try:
        if latest_version(enrollment) is not None:
            services.plan_review(acting_user=request.user, enrollment=enrollment)
            messages.success(request, "Review started: the next version, carried over from the signed plan.")
        else:
            services.plan_start(acting_user=request.user, enrollment=enrollment)
            messages.success(request, "Plan started.")
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(chart_plan_url(pk))
    return redirect(edit_url(pk))


@login_required
@require_POST
def plan_cosign(request, pk: int):
    """A supervisor co-signs the plan in force."""
    _, enrollment = plan_opened(request, pk)
    page = plan_page(enrollment=enrollment, today=timezone.localdate())
    if page is None or page.current is None:
        raise Http404
    try:
        services.plan_cosign(acting_user=request.user, plan=page.current)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Plan co-signed.")
    return redirect(chart_plan_url(pk))


@login_required
def plan_version(request, pk: int, version: int):
    """One version of the plan as it stands, and what changed since the version before it."""
    patient, enrollment = plan_opened(request, pk)
    page = plan_page(enrollment=enrollment, today=timezone.localdate(), version=version)
    if page is None or page.shown is None:
        raise Http404
    context = {"patient": patient, "page": page, "plan": page.shown, "diff": version_changes(page)}
    return render(request, "staff/plan_version.html", context)


@login_required
def plan_print(request, pk: int):
    """The plan in force (or, with `?draft=1` or before any is signed, the draft, marked so) to print for the
    patient's signature."""
    patient, enrollment = plan_opened(request, pk)
    page = plan_page(enrollment=enrollment, today=timezone.localdate(), draft=request.GET.get("draft") == "1")
    if page is not None and page.shown is None:  # no draft open: the plan in force
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
