"""Notes address the plan, composed where both apps are known: sessions saves the attendance sheet and knows
nothing of plans; plans links a note to objectives. The staff layer loads the choices for the sheet and runs both
services in one transaction."""

from django.db import transaction

from clinic.errors import DomainError
from plans.plan_page import linked_objectives, open_objectives_for
from plans.services import note_link_objectives
from sessions.models import ProgressNote
from sessions.services.attendance_sheet import attendance_sheet_save


def plan_choices(sheet) -> dict:
    """Each attendee's open plan objectives and the ones their note already worked on: two queries for the sheet."""
    return {
        "objectives": open_objectives_for(row.patient.pk for row in sheet.rows),
        "linked": linked_objectives(row.note.pk for row in sheet.rows if row.note is not None),
    }


@transaction.atomic
def sheet_save_with_links(*, acting_user, session, formset) -> None:
    """Save the sheet, then link each note to the objectives chosen for it: both, or nothing."""
    attendance_sheet_save(acting_user=acting_user, session=session, **formset.service_arguments())
    links = formset.objective_links()
    if not links:
        return
    notes = ProgressNote.objects.filter(attendance__session=session, attendance__patient__in=links)
    notes = list(notes.select_related("attendance"))
    if len(notes) < len(links):  # a note is written only once the attendance is recorded
        raise DomainError("Record the attendance and write the note of everyone whose objectives you chose.")
    for note in notes:
        note_link_objectives(acting_user=acting_user, note=note, objective_ids=links[note.attendance.patient_id])
