"""The attendance sheet: one screen per session to mark every attendee, write the group narrative and each
attendee's note, and sign. One save records it all in one transaction, or nothing; a row can also be saved alone
(htmx)."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clinic.audit import audit_record_many
from clinic.errors import DomainError
from patients.models import Patient
from sessions.models import Attendance, AttendanceStatus, GroupNarrative, TherapySession
from sessions.policy import may_run_session
from sessions.services.attendance import (
    BulkAttendanceError,
    Entry,
    attendance_record,
    attendance_record_bulk,
    roster_enrollments,
)
from sessions.services.notes import narrative_save, note_save_draft, note_sign


@dataclass
class Row:
    patient: Patient
    attendance: Attendance | None
    values: dict = field(default_factory=dict)
    error: str = ""
    saved: bool = False

    @property
    def note(self):
        return getattr(self.attendance, "note", None) if self.attendance else None


class _Invalid(Exception):
    def __init__(self, errors: dict[int, str]):
        super().__init__(errors)
        self.errors = errors


def _session(request, pk: int) -> TherapySession:
    """The facilitator, a supervisor, or the counselor of the booked patient; anyone else gets 404."""
    session = get_object_or_404(
        TherapySession.objects.select_related("group", "patient", "program", "facilitator"), pk=pk
    )
    if not may_run_session(request.user, session):
        raise Http404
    return session


def _rows(session: TherapySession) -> list[Row]:
    roster = roster_enrollments(session)
    patients = Patient.objects.filter(pk__in=roster).order_by("legal_last_name", "legal_first_name")
    recorded = {a.patient_id: a for a in Attendance.objects.filter(session=session).select_related("note__author")}
    return [Row(patient=p, attendance=recorded.get(p.pk)) for p in patients]


def _minutes(raw: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):  # str.isdigit() also takes "²" and "①", which int() refuses
        raise DomainError("Minutes must be a whole number, written with the digits 0 to 9.")
    if len(raw) > 4:  # no session lasts 10,000 minutes, and int() refuses thousands of digits
        raise DomainError("Minutes attended cannot be more than the session's length.")
    return int(raw)


ROW_FIELDS = ("status", "minutes", "data", "assessment", "plan", "sign")


def _check_posted_rows(post, roster_ids: set[int], *, where: str = "on this session's roster") -> None:
    """Refuse a post whose row fields name a patient who is not on this session's roster, or give one field
    twice: saving the rest would silently drop what the user meant."""
    for key in post:
        prefix, dash, pid = key.partition("-")
        if prefix not in ROW_FIELDS or not dash:
            continue
        if not (pid.isascii() and pid.isdigit() and len(pid) < 19 and int(pid) in roster_ids):
            raise DomainError(
                f"The form names a patient who is not {where}. Nothing was saved: reload the sheet and try again."
            )
        if len(post.getlist(key)) > 1:
            raise DomainError(
                "The form gives one patient's row twice. Nothing was saved: reload the sheet and try again."
            )
    if len(post.getlist("narrative")) > 1:
        raise DomainError(
            "The form gives the group narrative twice. Nothing was saved: reload the sheet and try again."
        )


def _text(raw: str, what: str) -> str:
    if "\x00" in raw:  # PostgreSQL text cannot hold it (the request guard usually answers first)
        raise DomainError(f"{what} contains a null character (usually from pasted text); retype it.")
    return raw


def _save_sheet(request, session, rows):
    post = request.POST
    _check_posted_rows(post, {row.patient.pk for row in rows})
    _text(post.get("narrative", ""), "The group narrative")
    errors: dict[int, str] = {}
    entries = []
    for row in rows:
        pid = row.patient.pk
        row.values = {k: post.get(f"{k}-{pid}", "") for k in ("status", "minutes", "data", "assessment", "plan")}
        row.values["sign"] = post.get(f"sign-{pid}") == "on"
        try:
            for k in ("data", "assessment", "plan"):
                _text(row.values[k], "The note")
            if row.values["status"]:
                entries.append(Entry(row.patient, row.values["status"], _minutes(row.values["minutes"])))
        except DomainError as error:
            errors[pid] = error.message
    if errors:
        raise _Invalid(errors)
    with transaction.atomic():
        saved = {
            a.patient_id: a for a in attendance_record_bulk(acting_user=request.user, session=session, entries=entries)
        }
        if narrative := post.get("narrative", "").strip():
            narrative_save(acting_user=request.user, session=session, text=narrative)
        for row in rows:
            pid, values = row.patient.pk, row.values
            attendance = saved.get(pid) or row.attendance
            note = getattr(attendance, "note", None) if attendance else None
            if attendance is None or (note is not None and note.is_signed):
                continue
            try:
                if any(values[k].strip() for k in ("data", "assessment", "plan")):
                    note = note_save_draft(
                        acting_user=request.user,
                        attendance=attendance,
                        data=values["data"],
                        assessment=values["assessment"],
                        plan=values["plan"],
                    )
                if values["sign"] and note is not None:
                    note_sign(acting_user=request.user, note=note)
            except DomainError as error:
                errors[pid] = error.message
        if errors:
            raise _Invalid(errors)  # leaving the block rolls every row back


@login_required
def attendance_sheet(request, pk: int):
    session = _session(request, pk)
    rows = _rows(session)
    narrative = GroupNarrative.objects.filter(session=session).first()
    sheet_error = ""
    if request.method == "POST":
        try:
            _save_sheet(request, session, rows)
        except (BulkAttendanceError, _Invalid) as error:
            for row in rows:
                row.error = error.errors.get(row.patient.pk, "")
            sheet_error = "Nothing was saved: correct the rows marked below."
        except DomainError as error:
            sheet_error = error.message
        else:
            messages.success(request, "Attendance and notes saved.")
            return redirect("attendance-sheet", session.pk)
    else:
        audit_record_many(
            actor=request.user, action="attendance.view", patient_ids=[r.patient.pk for r in rows], target=session
        )
    for row in rows:
        if not row.values:
            note = row.note
            row.values = {
                "status": row.attendance.status if row.attendance else "",
                "minutes": row.attendance.minutes_attended if row.attendance and row.attendance.attended else "",
                "data": note.data if note else "",
                "assessment": note.assessment if note else "",
                "plan": note.plan if note else "",
                "sign": False,
            }
    return render(
        request,
        "staff/attendance.html",
        {
            "session": session,
            "rows": rows,
            "statuses": AttendanceStatus.choices,
            "sheet_error": sheet_error,
            "narrative": request.POST.get("narrative", "")
            if request.method == "POST"
            else getattr(narrative, "text", ""),
            "is_group": session.group_id is not None,
        },
    )


@login_required
@require_POST
def attendance_row(request, pk: int, patient_id: int):
    """htmx: save one row's status and minutes, and answer with the row as it now stands (or its error)."""
    session = _session(request, pk)
    row = next((r for r in _rows(session) if r.patient.pk == patient_id), None)
    if row is None:
        raise Http404
    row.values = {
        "status": request.POST.get(f"status-{patient_id}", ""),
        "minutes": request.POST.get(f"minutes-{patient_id}", ""),
    }
    try:
        _check_posted_rows(request.POST, {patient_id}, where="in this row")
        row.attendance = attendance_record(
            acting_user=request.user,
            session=session,
            patient=row.patient,
            status=row.values["status"],
            minutes=_minutes(row.values["minutes"]),
        )
        row.values["minutes"] = row.attendance.minutes_attended if row.attendance.attended else ""
        row.saved = True
    except DomainError as error:
        row.error = error.message
    return render(
        request, "staff/_attendance_row.html", {"row": row, "session": session, "statuses": AttendanceStatus.choices}
    )
