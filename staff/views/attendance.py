"""The attendance sheet: one screen per session to mark every attendee, write the group narrative and each
attendee's note, and sign. One save records it all, or nothing; a row can also be saved alone (htmx)."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clinic.audit import AuditAction, audit_record_many
from clinic.errors import DomainError
from sessions.models import TherapySession
from sessions.policy import may_run_session
from sessions.selectors.attendance_sheet import attendance_sheet_for
from sessions.services.attendance import attendance_record
from staff.forms_attendance import AttendanceRowForm, AttendanceSheetFormSet
from staff.plan_links import plan_choices, sheet_save_with_links


def _session(request, pk: int) -> TherapySession:
    """The facilitator, a supervisor, or the counselor of the booked patient; anyone else gets 404."""
    session = get_object_or_404(
        TherapySession.objects.select_related("group", "patient", "program", "facilitator"), pk=pk
    )
    if not may_run_session(request.user, session):
        raise Http404
    return session


@login_required
def attendance_sheet(request, pk: int):
    session = _session(request, pk)
    sheet = attendance_sheet_for(session)
    # "Mark all present" without script posts alone: the sheet comes back with every row not yet recorded shown as
    # present, nothing saved. (The page's script does the same in place.)
    marking = request.method == "POST" and "mark_all_present" in request.POST
    saving = request.method == "POST" and not marking
    formset = AttendanceSheetFormSet(
        request.POST if saving else None, sheet=sheet, present_by_default=marking, **plan_choices(sheet)
    )
    if saving and formset.is_valid():
        try:
            sheet_save_with_links(acting_user=request.user, session=session, formset=formset)
        except DomainError as error:
            formset.refuse(error)
        else:
            messages.success(request, "Attendance and notes saved.")
            return redirect("attendance-sheet", session.pk)
    elif not saving:
        if marking:
            messages.info(request, "Everyone not yet recorded is marked present: change the exceptions, then save.")
        audit_record_many(
            actor=request.user,
            action=AuditAction.ATTENDANCE_VIEW,
            patient_ids=[r.patient.pk for r in sheet.rows],
            target=session,
        )
    return render(
        request,
        "staff/attendance.html",
        {"session": session, "sheet": formset, "is_group": session.group_id is not None},
    )


@login_required
@require_POST
def attendance_row(request, pk: int, patient_id: int):
    """htmx: save one row's status and minutes, and answer with the row as it now stands (or its error)."""
    session = _session(request, pk)
    row = attendance_sheet_for(session).row(patient_id)
    if row is None:
        raise Http404
    form = AttendanceRowForm(request.POST, row=row, session=session, alone=True)
    saved = False
    if form.is_valid():
        try:
            attendance = attendance_record(
                acting_user=request.user,
                session=session,
                patient=row.patient,
                status=form.cleaned_data["status"],
                minutes=form.cleaned_data["minutes"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            form, saved = AttendanceRowForm(row=replace(row, attendance=attendance), session=session), True
    return render(request, "staff/_attendance_row.html", {"form": form, "session": session, "saved": saved})
