"""The week's schedule per counselor or program, and a session's page."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.clock import local_day_bounds, week_start
from clinic.errors import DomainError
from clinic.models import Role, User
from clinic.policy import Action
from programs.models import Program
from sessions.models import GroupMembership, TherapySession
from sessions.models.attendance import ATTENDED
from sessions.services.attendance import roster_enrollments
from sessions.services.counseling import session_cancel


class ScheduleFilter(forms.Form):
    week = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    counselor = forms.ModelChoiceField(
        User.objects.clinicians(),
        required=False,
        empty_label="All counselors",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    program = forms.ModelChoiceField(
        Program.objects.order_by("name"),
        required=False,
        empty_label="All programs",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    # Week arithmetic (the Monday, the previous and next weeks) must stay inside the years a date can hold.
    FIRST_WEEK, LAST_WEEK = datetime.date(1900, 1, 1), datetime.date(9998, 12, 31)

    def clean_week(self):
        week = self.cleaned_data["week"]
        if week is not None and not self.FIRST_WEEK <= week <= self.LAST_WEEK:
            raise forms.ValidationError("Choose a week between the years 1900 and 9998.")
        return week


class CancelForm(forms.Form):
    reason = forms.CharField(
        required=False,  # the service says what a missing reason means
        max_length=TherapySession._meta.get_field("cancel_reason").max_length,
        error_messages={"max_length": "Keep the reason to %(limit_value)d characters (it has %(show_value)d)."},
    )


@login_required
def schedule(request):
    """Seven days of sessions from the Monday of the chosen week, for one counselor or program or all."""
    initial = {"counselor": request.user.pk} if request.user.role == Role.COUNSELOR and not request.GET else {}
    form = ScheduleFilter(request.GET or initial)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    monday = week_start(data.get("week") or timezone.localdate())
    start, end = local_day_bounds(monday, monday + datetime.timedelta(days=6))
    sessions = (
        TherapySession.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("group", "patient", "facilitator", "program")
        .order_by("starts_at")
    )
    # Attendance is clinical: others see only whether a session is scheduled, held or cancelled.
    if policy.allows(request.user, Action.SEE_CLINICAL):
        sessions = sessions.annotate(attended=Count("attendances", filter=Q(attendances__status__in=ATTENDED)))
    if data.get("counselor"):
        sessions = sessions.filter(facilitator=data["counselor"])
    if data.get("program"):
        sessions = sessions.filter(program=data["program"])
    sessions = list(sessions)
    visible = set(
        policy.patients_visible_to(request.user)
        .filter(pk__in={s.patient_id for s in sessions if s.patient_id})
        .values_list("pk", flat=True)
    )
    days = [{"day": monday + datetime.timedelta(days=n), "sessions": []} for n in range(7)]
    for session in sessions:
        session.patient_visible = session.patient_id in visible
        days[session.local_date.weekday()]["sessions"].append(session)
    audit_record(actor=request.user, action=AuditAction.SCHEDULE_VIEW, patient_ids=visible, week=monday.isoformat())
    query = request.GET.copy()
    query.pop("week", None)
    return render(
        request,
        "staff/schedule.html",
        {
            "form": form,
            "days": days,
            "monday": monday,
            "query": query.urlencode(),
            "previous": monday - datetime.timedelta(days=7),
            "next": monday + datetime.timedelta(days=7),
        },
    )


@login_required
def session_detail(request, pk: int):
    session = get_object_or_404(
        TherapySession.objects.select_related("group", "patient", "facilitator", "program"), pk=pk
    )
    roster = roster_enrollments(session)
    patients = list(policy.patients_visible_to(request.user).filter(pk__in=roster).order_by("legal_last_name"))
    hidden = len(roster) - len(patients)
    members = None
    if session.group_id:
        members = GroupMembership.objects.filter(group_id=session.group_id, left_on__isnull=True).count()
    audit_record(
        actor=request.user, action=AuditAction.SESSION_VIEW, patient_ids=[p.pk for p in patients], target=session
    )
    clinician = policy.allows(request.user, Action.SEE_CLINICAL)
    return render(
        request,
        "staff/session.html",
        {
            "session": session,
            "patients": patients,
            "hidden": hidden,
            "members": members,
            "attended": session.attendances.filter(status__in=ATTENDED).count() if clinician else None,
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
