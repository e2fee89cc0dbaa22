"""The week's schedule per counselor or program, and a session's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.audit import AuditAction, audit_record
from clinic.errors import DomainError
from sessions.models import TherapySession
from sessions.selectors import schedule_week, session_page
from sessions.services.counseling import session_cancel
from staff.forms import CancelForm, ScheduleFilter


@login_required
def schedule(request):
    """Seven days of sessions from the Monday of the chosen week, for one counselor or program or all."""
    form = ScheduleFilter(request.GET, user=request.user)
    form.is_valid()  # a bad value shows its message; the other filters still apply
    if form.counselor_typed():
        return redirect(f"{request.path}?{form.link_query(week=True)}")
    chosen = form.cleaned_data
    week = schedule_week(
        request.user,
        day=chosen.get("week") or timezone.localdate(),
        counselor=chosen.get("counselor"),
        program=chosen.get("program"),
    )
    audit_record(
        actor=request.user,
        action=AuditAction.SCHEDULE_VIEW,
        patient_ids=week.visible_patient_ids,
        week=week.monday.isoformat(),
    )
    return render(
        request,
        "staff/schedule.html",
        {
            "form": form,
            "days": week.days,
            "week": week,
            "narrowed": bool(chosen.get("counselor") or chosen.get("program")),
            "monday": week.monday,
            "query": form.link_query(),
            "previous": week.previous,
            "next": week.next,
        },
    )


@login_required
def session_detail(request, pk: int):
    page = session_page(request.user, pk=pk)
    if page is None:
        raise Http404
    audit_record(
        actor=request.user,
        action=AuditAction.SESSION_VIEW,
        patient_ids=[p.pk for p in page.patients],
        target=page.session,
    )
    return render(
        request,
        "staff/session.html",
        {
            "session": page.session,
            "patients": page.patients,
            "hidden": page.hidden,
            "attended": page.attended,
        },
    )


@login_required
@require_POST
def session_cancel_view(request, pk: int):
    session = get_object_or_404(TherapySession, pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():  # too long for its column, or a NUL: say so rather than fail in the database
        messages.error(request, f"Not cancelled. {form.errors['reason'][0]}")
        return redirect("session-detail", session.pk)
    try:
        session_cancel(acting_user=request.user, session=session, reason=form.cleaned_data["reason"])
        messages.success(request, "Session cancelled; its reminders will not go out.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("session-detail", session.pk)
