"""The census: each program's capacity against its active enrollments, and this week's movements."""

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from clinic.clock import week_start
from programs.models import DischargeReason, Enrollment, EnrollmentStatus, Program, Transition


@login_required
def census(request):
    monday = week_start(timezone.localdate())
    week = Q(enrollments__admitted_on__gte=monday)
    ended = Q(enrollments__discharged_on__gte=monday)
    programs = Program.objects.annotate(
        active=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.ACTIVE)),
        admitted=Count("enrollments", filter=week & Q(enrollments__transition_in__isnull=True)),
        moved_in=Count("enrollments", filter=week & Q(enrollments__transition_in__isnull=False)),
        moved_out=Count("enrollments", filter=ended & Q(enrollments__status=EnrollmentStatus.TRANSFERRED)),
        discharged=Count(
            "enrollments",
            filter=ended & Q(enrollments__status__in=[EnrollmentStatus.COMPLETED, EnrollmentStatus.DISCHARGED]),
        ),
    ).order_by("name")
    reasons = (
        Enrollment.objects.filter(
            discharged_on__gte=monday, status__in=[EnrollmentStatus.COMPLETED, EnrollmentStatus.DISCHARGED]
        )
        .values("discharge_reason")
        .annotate(n=Count("pk"))
        .order_by("discharge_reason")
    )
    transitions = Transition.objects.filter(effective_on__gte=monday).values("kind").annotate(n=Count("pk"))
    labels = dict(DischargeReason.choices)
    return render(
        request,
        "staff/census.html",
        {
            "programs": programs,
            "monday": monday,
            "week_end": monday + datetime.timedelta(days=6),
            "reasons": [(labels.get(r["discharge_reason"]), r["n"]) for r in reasons],
            "transitions": {t["kind"]: t["n"] for t in transitions},
        },
    )
