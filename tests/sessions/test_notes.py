import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from clinic.models import AuditEvent
from sessions.models import NoteAddendum, ProgressNote, TherapyGroup, TherapySession
from sessions.models.attendance import SignedNoteError
from sessions.services.attendance import attendance_record
from sessions.services.common import SessionError
from sessions.services.notes import narrative_save, note_add_addendum, note_save_draft, note_sign

pytestmark = pytest.mark.django_db
DAP = {"data": "Shared a trigger at work.", "assessment": "Good insight.", "plan": "Practice urge surfing."}


@pytest.fixture
def attendance(counselor, session, member):
    """The member, present at the counselor's group session."""
    return attendance_record(acting_user=counselor, session=session, patient=member.patient, status="present")


@pytest.fixture
def signed_note(counselor, attendance):
    narrative_save(acting_user=counselor, session=attendance.session, text="Topic: coping with cravings.")
    return note_sign(acting_user=counselor, note=note_save_draft(acting_user=counselor, attendance=attendance, **DAP))


def test_a_group_note_carries_the_narrative_and_the_individual_part(counselor, signed_note):
    assert signed_note.is_signed
    assert signed_note.group_narrative == "Topic: coping with cravings."
    assert (signed_note.data, signed_note.plan) == (DAP["data"], DAP["plan"])
    assert AuditEvent.objects.filter(action="note.sign", patient_id=signed_note.attendance.patient_id).exists()


def test_changing_the_narrative_later_leaves_signed_notes_as_signed(counselor, signed_note):
    narrative_save(acting_user=counselor, session=signed_note.attendance.session, text="Rewritten.")

    signed_note.refresh_from_db()
    assert signed_note.group_narrative == "Topic: coping with cravings."


def test_the_model_layer_refuses_to_change_a_signed_note(signed_note):
    signed_note.plan = "Something else"
    with pytest.raises(SignedNoteError):
        signed_note.save()
    with pytest.raises(SignedNoteError):
        ProgressNote.objects.filter(pk=signed_note.pk).update(plan="x")
    with pytest.raises(SignedNoteError):
        signed_note.delete()
    with pytest.raises(SignedNoteError):
        ProgressNote.objects.all().delete()
    assert ProgressNote.objects.get().plan == DAP["plan"]


@pytest.mark.postgres
def test_postgresql_refuses_to_change_a_signed_note_even_in_raw_sql(signed_note):
    with (
        pytest.raises(DatabaseError, match="signed progress note"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE clinic_sessions_progressnote SET plan = 'x'")
    assert ProgressNote.objects.get().plan == DAP["plan"]


def test_the_service_refuses_to_redraft_a_signed_note(counselor, signed_note):
    with pytest.raises(SessionError, match="signed and cannot change"):
        note_save_draft(acting_user=counselor, attendance=signed_note.attendance, **DAP)


def test_an_addendum_follows_a_signed_note(counselor, signed_note):
    note_add_addendum(acting_user=counselor, note=signed_note, text="Patient called later: doing well.")

    assert [a.text for a in signed_note.addenda.all()] == ["Patient called later: doing well."]
    addendum = NoteAddendum.objects.get()
    addendum.text = "changed"
    with pytest.raises(SignedNoteError):
        addendum.save()


def test_a_draft_takes_no_addendum(counselor, attendance):
    draft = note_save_draft(acting_user=counselor, attendance=attendance, **DAP)

    with pytest.raises(SessionError, match="still a draft"):
        note_add_addendum(acting_user=counselor, note=draft, text="x")


def test_only_the_author_signs_and_only_a_complete_note(counselor, supervisor, attendance):
    narrative_save(acting_user=counselor, session=attendance.session, text="Topic.")
    draft = note_save_draft(acting_user=counselor, attendance=attendance, **(DAP | {"plan": ""}))

    with pytest.raises(SessionError, match="plan is empty"):
        note_sign(acting_user=counselor, note=draft)
    with pytest.raises(SessionError, match="Only the note's author"):
        note_sign(acting_user=supervisor, note=draft)
    with pytest.raises(SessionError, match="Only the author of a draft"):
        note_save_draft(acting_user=supervisor, attendance=attendance, **DAP)


def test_a_group_note_needs_the_narrative_before_signing(counselor, attendance):
    draft = note_save_draft(acting_user=counselor, attendance=attendance, **DAP)

    with pytest.raises(SessionError, match="group narrative before signing"):
        note_sign(acting_user=counselor, note=draft)
    draft.refresh_from_db()
    assert draft.signed_at is None


def test_front_desk_writes_no_clinical_notes(front_desk, attendance):
    with pytest.raises(SessionError, match="Only counselors and clinical supervisors"):
        note_save_draft(acting_user=front_desk, attendance=attendance, **DAP)
    with pytest.raises(SessionError, match="Only counselors and clinical supervisors"):
        narrative_save(acting_user=front_desk, session=attendance.session, text="x")


def test_signing_time_is_recorded(counselor, signed_note):
    assert abs((timezone.now() - signed_note.signed_at).total_seconds()) < 60


def test_who_adds_to_a_signed_note(counselor, other_counselor, supervisor, front_desk, signed_note):
    """Whoever runs the session, and the author while the patient stays in their scope; nobody else."""
    # The session is handed to another facilitator after the note was signed.
    TherapySession.objects.filter(pk=signed_note.attendance.session_id).update(facilitator=other_counselor)
    note = ProgressNote.objects.select_related("attendance__session", "attendance__patient").get()

    for user in (counselor, other_counselor, supervisor):  # the author (the patient's counselor), the facilitator
        note_add_addendum(acting_user=user, note=note, text=f"From {user.role}.")
    with pytest.raises(SessionError, match="Only counselors and clinical supervisors can add to progress notes"):
        note_add_addendum(acting_user=front_desk, note=note, text="x")

    patient = note.attendance.patient
    patient.primary_counselor = supervisor  # and the patient is no longer the author's, nor in their group
    patient.save()
    TherapyGroup.objects.filter(pk=note.attendance.session.group_id).update(facilitator=other_counselor)
    note = ProgressNote.objects.select_related("attendance__session", "attendance__patient").get()
    with pytest.raises(SessionError, match="only for sessions you run or notes you wrote"):
        note_add_addendum(acting_user=counselor, note=note, text="x")
    assert NoteAddendum.objects.count() == 3
    assert AuditEvent.objects.filter(action="note.addendum").count() == 3
