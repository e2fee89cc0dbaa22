"""What the attendance sheet shows: the session's roster with each patient's attendance and note, and the group
narrative, in a fixed number of queries whatever the size of the group."""

from dataclasses import dataclass

from django.db.models import Prefetch

from patients.models import Patient
from sessions.models import Attendance, GroupNarrative, ProgressNote, TherapySession
from sessions.selectors.notes import addenda_in_order
from sessions.services.attendance import roster_enrollments


@dataclass
class SheetRow:
    patient: Patient
    attendance: Attendance | None

    @property
    def note(self) -> ProgressNote | None:
        return getattr(self.attendance, "note", None) if self.attendance else None


@dataclass
class AttendanceSheet:
    session: TherapySession
    rows: list[SheetRow]
    narrative: GroupNarrative | None

    def row(self, patient_id: int) -> SheetRow | None:
        return next((row for row in self.rows if row.patient.pk == patient_id), None)


def attendance_sheet_for(session: TherapySession) -> AttendanceSheet:
    """Everyone who can be recorded in the session (the group's roster on its day, or the booked patient), by last
    name, with what was recorded so far."""
    roster = roster_enrollments(session)
    patients = Patient.objects.filter(pk__in=roster).order_by("legal_last_name", "legal_first_name")
    attendances = (
        Attendance.objects.filter(session=session)
        .select_related("note__author")
        .prefetch_related(Prefetch("note__addenda", queryset=addenda_in_order().queryset))
    )
    recorded = {a.patient_id: a for a in attendances}
    rows = [SheetRow(patient=p, attendance=recorded.get(p.pk)) for p in patients]
    for row in rows:
        if row.attendance is not None:  # the session and patient as loaded: asking the policy loads nothing more
            row.attendance.session, row.attendance.patient = session, row.patient
    return AttendanceSheet(
        session=session,
        rows=rows,
        narrative=GroupNarrative.objects.filter(session=session).first(),
    )
