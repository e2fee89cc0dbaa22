import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.clock import local_day_bounds
from clinic.models import Role, User
from clinic.policy import Action
from programs.models import Enrollment
from sessions.models import AbsenceReview, Reminder, ReminderKind, SessionStatus, TherapySession
from sessions.models.attendance import ATTENDED
from sessions.selectors import caseload_enrollments, caseload_for

PAGE_SIZE = 50


def _chosen_counselor(request):
    """Counselors see their own caseload; supervisors and administrators pick a counselor, or everyone."""
    user = request.user
    if user.role == Role.COUNSELOR:
        return user, None
    if not policy.allows(user, Action.CHOOSE_CASELOAD):
        return None, None
    choices = User.objects.clinicians()
    chosen = request.GET.get("counselor", "")
    # isdigit() alone takes "²", which the query refuses, and a bigint has at most 19 digits.
    well_formed = chosen.isascii() and chosen.isdigit() and len(chosen) < 19
    counselor = choices.filter(pk=chosen).first() if well_formed else None
    if chosen and counselor is None:
        messages.error(request, "There is no such counselor: showing all caseloads.")
    return counselor, choices


@login_required
def dashboard(request):
    """The home page: a counselor's caseload with hours, absences and the next session; today's sessions;
    absences to follow up and reviews due."""
    counselor, choices = _chosen_counselor(request)
    clinician = policy.allows(request.user, Action.SEE_CLINICAL)
    show_caseload = policy.allows(request.user, Action.SEE_CASELOADS)
    enrollments = caseload_enrollments(counselor) if show_caseload else Enrollment.objects.none()
    page = Paginator(enrollments, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = caseload_for(enrollments=list(page.object_list)) if show_caseload else []

    start, end = local_day_bounds(timezone.localdate(), timezone.localdate())
    today = (
        TherapySession.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("group", "patient", "facilitator")
        .order_by("starts_at")
    )
    if clinician:  # attendance is clinical: others see only whether a session was held
        today = today.annotate(
            recorded=Count("attendances"), attended=Count("attendances", filter=Q(attendances__status__in=ATTENDED))
        )
    alerts = (
        Reminder.objects.filter(
            kind=ReminderKind.ABSENCE_ALERT, created_at__gte=timezone.now() - datetime.timedelta(days=7)
        )
        .select_related("patient", "session__group")
        .order_by("-created_at")
    )
    reviews = AbsenceReview.objects.filter(resolved_at__isnull=True).select_related(
        "enrollment__patient", "enrollment__program"
    )
    if counselor is not None:
        today = today.filter(facilitator=counselor)
        alerts = alerts.filter(staff=counselor)
        reviews = reviews.filter(
            Q(enrollment__counselor=counselor) | Q(enrollment__patient__primary_counselor=counselor)
        )
    today = list(today)
    alerts, reviews = (list(alerts[:20]), list(reviews[:20])) if clinician else ([], [])
    audit_record(
        actor=request.user,
        action=AuditAction.DASHBOARD_VIEW,
        patient_ids=[
            *(row.patient.pk for row in rows),
            *(s.patient_id for s in today),
            *(a.patient_id for a in alerts),
            *(r.enrollment.patient_id for r in reviews),
        ],
        counselor_id=counselor.pk if counselor else None,
    )
    return render(
        request,
        "staff/dashboard.html",
        {
            "page": page,
            "query": f"counselor={counselor.pk if counselor else ''}",  # the page links keep the caseload
            "rows": rows,
            "counselor": counselor,
            "choices": choices,
            "today": today,
            "alerts": alerts,
            "reviews": reviews,
        },
    )
