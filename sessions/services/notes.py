"""Progress notes in DAP format: drafted, signed by their author, then only ever added to."""

from django.db import transaction
from django.utils import timezone

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.policy import Action
from sessions.models import Attendance, GroupNarrative, NoteAddendum, ProgressNote, SessionKind, TherapySession
from sessions.services.common import SessionError


@transaction.atomic
def narrative_save(*, acting_user, session: TherapySession, text: str) -> GroupNarrative:
    """The shared part of every attendee's note for a group session. Notes already signed keep the narrative as
    it was when they were signed."""
    policy.require(acting_user, Action.RUN_SESSION, session, error=SessionError, doing="write group notes")
    if session.kind != SessionKind.GROUP:
        raise SessionError("Only group sessions have a group narrative.", code="not_group")
    if not text.strip():
        raise SessionError("Write what happened in the group.", code="text_required")
    narrative, _ = GroupNarrative.objects.update_or_create(
        session=session, defaults={"text": text.strip(), "author": acting_user}
    )
    audit_record(actor=acting_user, action=AuditAction.NARRATIVE_SAVE, target=narrative)
    return narrative


@transaction.atomic
def note_save_draft(*, acting_user, attendance: Attendance, data: str, assessment: str, plan: str) -> ProgressNote:
    """Create or change the draft note of an attendance. Only its author changes a draft; a signed note never
    changes."""
    policy.require(
        acting_user, Action.RUN_SESSION, attendance.session, error=SessionError, doing="write progress notes"
    )
    note = ProgressNote.objects.select_for_update().filter(attendance=attendance).first()
    if note is None:
        note = ProgressNote(attendance=attendance, author=acting_user)
    elif note.is_signed:
        raise SessionError("This note is signed and cannot change; add an addendum instead.", code="signed")
    elif note.author_id != acting_user.pk:
        raise SessionError("Only the author of a draft note can change it.", code="not_author")
    note.data, note.assessment, note.plan = data.strip(), assessment.strip(), plan.strip()
    note.save()
    audit_record(actor=acting_user, action=AuditAction.NOTE_SAVE, patient_id=attendance.patient_id, target=note)
    return note


@transaction.atomic
def note_sign(*, acting_user, note: ProgressNote) -> ProgressNote:
    """Sign a complete note. For a group session the group narrative is copied into the note, so the patient's
    chart holds the whole note as signed."""
    note = ProgressNote.objects.select_for_update().select_related("attendance__session").get(pk=note.pk)
    if note.is_signed:
        raise SessionError("This note is already signed.", code="signed")
    if note.author_id != acting_user.pk:
        raise SessionError("Only the note's author can sign it.", code="not_author")
    missing = [
        label for label, text in (("data", note.data), ("assessment", note.assessment), ("plan", note.plan)) if not text
    ]
    if missing:
        raise SessionError(f"Complete the note before signing: {', '.join(missing)} is empty.", code="incomplete")
    session = note.attendance.session
    if session.kind == SessionKind.GROUP:
        narrative = GroupNarrative.objects.filter(session=session).first()
        if narrative is None:
            raise SessionError("Write the group narrative before signing the group's notes.", code="no_narrative")
        note.group_narrative = narrative.text
    note.signed_at = timezone.now()
    note.save()
    audit_record(actor=acting_user, action=AuditAction.NOTE_SIGN, patient_id=note.attendance.patient_id, target=note)
    return note


@transaction.atomic
def note_add_addendum(*, acting_user, note: ProgressNote, text: str) -> NoteAddendum:
    """Add to a signed note: the only way to correct or complete it. Who may is the policy's `note.add_addendum`
    (whoever runs the session, or the note's author while the patient is in their scope)."""
    policy.require(acting_user, Action.ADD_TO_NOTE, note, error=SessionError)
    if not note.is_signed:
        raise SessionError("The note is still a draft: change it instead of adding an addendum.", code="draft")
    if not text.strip():
        raise SessionError("Write the addendum.", code="text_required")
    addendum = NoteAddendum.objects.create(note=note, author=acting_user, text=text.strip())
    audit_record(
        actor=acting_user, action=AuditAction.NOTE_ADDENDUM, patient_id=note.attendance.patient_id, target=addendum
    )
    return addendum
