"""One progress note as a clinician reads it (to print it, or to add to it), in a fixed number of queries."""

from django.db.models import Prefetch

from clinic import policy
from clinic.policy import Action, patients_visible_to
from sessions.models import NoteAddendum, ProgressNote


def addenda_in_order() -> Prefetch:
    """A note's addenda, oldest first, with their authors: one query for any number of notes."""
    return Prefetch("addenda", queryset=NoteAddendum.objects.select_related("author").order_by("created_at", "pk"))


def note_page(*, user, pk) -> ProgressNote | None:
    """Progress note `pk` with its session, author and addenda, and its patient loaded through `user`'s scope (so
    the policy asks nothing more of it); None when the user does not read notes, the note does not exist or its
    patient is outside the user's scope."""
    if not policy.allows(user, Action.SEE_CLINICAL):
        return None
    note = (
        ProgressNote.objects.select_related("author", "attendance__session__group", "attendance__session__facilitator")
        .prefetch_related(addenda_in_order())
        .filter(pk=pk)
        .first()
    )
    if note is None:
        return None
    attendance = note.attendance
    patient = patients_visible_to(user).filter(pk=attendance.patient_id).first()
    if patient is None:
        return None
    attendance.patient = patient
    if attendance.session.patient_id == patient.pk:
        attendance.session.patient = patient
    return note
