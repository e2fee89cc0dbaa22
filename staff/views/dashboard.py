"""The home page: urgent safety alerts on top; a caseload with hours, absences and the next session; today's
sessions; absences to follow up and reviews due; plans and measures due, unexpected positive screens and score
rises (from plans and measures, composed here: see staff.care_flags)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from clinic.audit import AuditAction, audit_record
from sessions.selectors import caseload_choices, dashboard_for
from staff.care_flags import care_flags_for
from staff.forms import CaseloadForm


@login_required
def dashboard(request):
    form = CaseloadForm(request.GET, choices=caseload_choices(request.user))
    if form.is_valid() and form.counselor_typed():
        return redirect(f"{request.path}?counselor={form.cleaned_data['counselor'].pk}")
    # A counselor who matches no one shows everyone's caseload, and the form says why.
    board = dashboard_for(request.user, counselor=form.cleaned_data.get("counselor"), page=request.GET.get("page"))
    flags = care_flags_for(request.user, caseload_of=board.counselor)
    audit_record(
        actor=request.user,
        action=AuditAction.DASHBOARD_VIEW,
        patient_ids=[*board.patient_ids, *flags.patient_ids],
        counselor_id=board.counselor.pk if board.counselor else None,
    )
    return render(
        request,
        "staff/dashboard.html",
        {
            "page": board.page,
            "query": f"counselor={board.counselor.pk if board.counselor else ''}",  # the page links keep the caseload
            "rows": board.rows,
            "counselor": board.counselor,
            "form": form,
            "today": board.today,
            "today_total": board.today_total,
            "today_more": board.today_more,
            "alerts": board.alerts,
            "reviews": board.reviews,
            "flags": flags,
        },
    )
