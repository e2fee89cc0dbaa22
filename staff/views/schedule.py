"""The week's schedule per counselor or program, and a session's page."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.audit import AuditAction, audit_record
from clinic.clock import week_start
from clinic.errors import DomainError
from sessions.models import TherapySession
from sessions.selectors import schedule_week, session_page
from sessions.selectors.calendar import counselor_week, day_columns
from sessions.services.counseling import session_cancel
from staff.forms import CancelForm, ScheduleFilter

ONE_DAY = datetime.timedelta(days=1)


@login_required
def schedule(request):
    """The schedule from the chosen date: one counselor's week as a time grid; a program's or the clinic's week as
    lists per day with counts; or one day as a time grid with a counselor or a room per column."""
    form = ScheduleFilter(request.GET, user=request.user)
    form.is_valid()  # a bad value shows its message; the other filters still apply
    if form.counselor_typed():
        return redirect(f"{request.path}?{form.link_query(week=True)}")
    chosen = form.cleaned_data
    day = chosen.get("week") or timezone.localdate()
    counselor, program = chosen.get("counselor"), chosen.get("program")
    context = {"form": form, "query": form.link_query(), "day": day, "narrowed": bool(counselor or program)}
    if chosen.get("view") == "day":
        grid = day_columns(
            request.user,
            day=day,
            by=chosen.get("by") or "counselor",
            counselor=counselor,
            program=program,
            page=request.GET.get("page"),
        )
        context |= {"grid": grid, "previous": day - ONE_DAY, "next": day + ONE_DAY}
        context["page_query"] = "&".join(filter(None, [context["query"], f"week={day.isoformat()}"]))
        seen, when, template = grid.visible_patient_ids, {"day": day.isoformat()}, "staff/schedule_day.html"
    else:
        monday = week_start(day)
        if counselor is not None:  # one counselor's week: a time grid
            grid = counselor_week(request.user, counselor=counselor, day=day)
            context["grid"], seen = grid, grid.visible_patient_ids
        else:  # a program's or the clinic's: lists and counts per day
            week = schedule_week(request.user, day=day, program=program)
            context |= {"week": week, "days": week.days}
            seen = week.visible_patient_ids
        context |= {"monday": monday, "previous": monday - 7 * ONE_DAY, "next": monday + 7 * ONE_DAY}
        when, template = {"week": monday.isoformat()}, "staff/schedule.html"
    audit_record(actor=request.user, action=AuditAction.SCHEDULE_VIEW, patient_ids=seen, **when)
    return render(request, template, context)


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
