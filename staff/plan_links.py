"""Notes address the plan, composed where both apps are known: sessions saves the attendance sheet and knows
nothing of plans; plans links a note to objectives. The staff layer loads the choices for the sheet and runs both
services in one transaction."""

from dataclasses import replace

from django.db import transaction

from clinic.errors import DomainError
from plans.plan_page import linked_objectives, open_objectives_for
from plans.services import note_link_objectives
from sessions.models import ProgressNote
from sessions.services.attendance import BulkAttendanceError
from sessions.services.attendance_sheet import attendance_sheet_save
from sessions.services.notes import note_sign


def plan_choices(sheet) -> dict:
    """Each attendee's open plan objectives and the ones their note already worked on: two queries for the sheet."""
    return {
        "objectives": open_objectives_for(row.patient.pk for row in sheet.rows),
        "linked": linked_objectives(row.note.pk for row in sheet.rows if row.note is not None),
    }


@transaction.atomic
def sheet_save_with_links(*, acting_user, session, formset) -> None:
    """Save the sheet, then set each note's links to the objectives ticked for it: all of it, or nothing.

    A signed note's links are fixed, so a note the same save signs is linked first and signed after: the sheet is
    saved with those notes left as drafts, their links set, then they are signed. A refusal for a row (a link, a
    signature) is shown next to that row, and rolls everything back."""
    changes = formset.objective_changes()
    arguments = formset.service_arguments()
    sign_after = {note.patient.pk for note in arguments["notes"] if note.sign and note.patient.pk in changes}
    arguments["notes"] = [replace(n, sign=False) if n.patient.pk in sign_after else n for n in arguments["notes"]]
    attendance_sheet_save(acting_user=acting_user, session=session, **arguments)
    if not changes:
        return
    notes = ProgressNote.objects.filter(attendance__session=session, attendance__patient__in=changes)
    notes = list(notes.select_related("attendance").order_by("pk"))
    if len(notes) < len(changes):  # a note is written only once the attendance is recorded
        raise DomainError("Record the attendance and write the note of everyone whose objectives you chose.")
    errors: dict[int, str] = {}
    for note in notes:
        patient_id = note.attendance.patient_id
        try:
            note_link_objectives(acting_user=acting_user, note=note, objective_ids=changes[patient_id])
            if patient_id in sign_after:
                note_sign(acting_user=acting_user, note=note)
        except DomainError as error:
            errors[patient_id] = error.message
    if errors:
        raise BulkAttendanceError(errors)  # leaving the atomic block rolls back the whole sheet
