"""The attendance sheet's save: a whole session's attendance, its group narrative and each attendee's note, in
one transaction."""

from dataclasses import dataclass

from django.db import transaction

from clinic import policy
from clinic.errors import DomainError
from clinic.policy import Action
from patients.models import Patient
from sessions.models import Attendance, TherapySession
from sessions.services.attendance import BulkAttendanceError, Entry, attendance_record_bulk
from sessions.services.common import SessionError
from sessions.services.notes import narrative_save, note_save_draft, note_sign


@dataclass
class SheetNote:
    patient: Patient
    data: str = ""
    assessment: str = ""
    plan: str = ""
    sign: bool = False


@transaction.atomic
def attendance_sheet_save(
    *, acting_user, session: TherapySession, entries: list[Entry], narrative: str, notes: list[SheetNote]
) -> None:
    """Record every row's attendance, save the group narrative (when written), then draft each attendee's note
    and sign it when asked: all of it, or nothing. A note is written only for a patient whose attendance is
    recorded, and a signed note is left as it is (it can only be added to).

    A broken rule in a row raises BulkAttendanceError, whose `errors` map patient id to the row's message; any
    other broken rule raises its DomainError. Either way the transaction rolls back every row already saved."""
    policy.require(acting_user, Action.RUN_SESSION, session, error=SessionError, doing="record attendance")
    attendance_record_bulk(acting_user=acting_user, session=session, entries=entries)
    if narrative.strip():
        narrative_save(acting_user=acting_user, session=session, text=narrative)
    recorded = {a.patient_id: a for a in Attendance.objects.filter(session=session).select_related("note", "session")}
    errors: dict[int, str] = {}
    for entry in notes:
        attendance = recorded.get(entry.patient.pk)
        note = getattr(attendance, "note", None)
        if attendance is None or (note is not None and note.is_signed):
            continue
        try:
            if any(text.strip() for text in (entry.data, entry.assessment, entry.plan)):
                note = note_save_draft(
                    acting_user=acting_user,
                    attendance=attendance,
                    data=entry.data,
                    assessment=entry.assessment,
                    plan=entry.plan,
                )
            if entry.sign and note is not None:
                note_sign(acting_user=acting_user, note=note)
        except DomainError as error:
            errors[entry.patient.pk] = error.message
    if errors:
        raise BulkAttendanceError(errors)  # leaving the atomic block rolls back every row saved above
