"""The attendance sheet's save (one transaction for the whole sheet) and the selector that feeds the page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic.models import AuditEvent
from sessions.models import Attendance, GroupNarrative, ProgressNote, SessionStatus
from sessions.selectors.attendance_sheet import attendance_sheet_for
from sessions.services.attendance import BulkAttendanceError, Entry
from sessions.services.attendance_sheet import SheetNote, attendance_sheet_save
from sessions.services.common import SessionError
from tests.factories import (
    GroupSessionFactory,
    MembershipFactory,
    TherapyGroupFactory,
    UserFactory,
    attendees_with_notes,
)

pytestmark = pytest.mark.django_db
DAP = {"data": "Named two triggers.", "assessment": "Insight growing.", "plan": "Practice urge surfing."}


@pytest.fixture
def members(group):
    """Two patients on the roster of the counselor's group (tests/conftest.py)."""
    return MembershipFactory.create_batch(2, group=group)


def save(user, session, *, entries=(), narrative="", notes=()):
    attendance_sheet_save(
        acting_user=user, session=session, entries=list(entries), narrative=narrative, notes=list(notes)
    )


def nothing_saved():
    return not (Attendance.objects.exists() or GroupNarrative.objects.exists() or ProgressNote.objects.exists())


def test_it_records_the_rows_the_narrative_and_a_signed_note_in_one_save(counselor, session, members):
    a, b = (m.patient for m in members)

    save(
        counselor,
        session,
        entries=[Entry(a, "present"), Entry(b, "late", 150)],
        narrative="Coping with cravings.",
        notes=[SheetNote(a, **DAP, sign=True), SheetNote(b)],
    )

    assert dict(Attendance.objects.values_list("patient_id", "minutes_attended")) == {a.pk: 180, b.pk: 150}
    note = ProgressNote.objects.get()
    assert note.attendance.patient == a and note.is_signed
    assert note.group_narrative == "Coping with cravings." and note.plan == DAP["plan"]
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    actions = sorted(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["attendance.record", "attendance.record", "narrative.save", "note.save", "note.sign"]


def test_a_bad_row_saves_nothing_and_names_the_row(counselor, session, members):
    a, b = (m.patient for m in members)

    with pytest.raises(BulkAttendanceError) as refused:
        save(
            counselor,
            session,
            entries=[Entry(a, "present"), Entry(b, "late")],
            narrative="Topic",
            notes=[SheetNote(a, **DAP)],
        )

    assert refused.value.errors == {b.pk: "Give the minutes attended for a late arrival or early departure."}
    assert nothing_saved()
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_a_note_that_cannot_be_signed_rolls_back_the_whole_sheet(counselor, session, members):
    a, b = (m.patient for m in members)

    with pytest.raises(BulkAttendanceError) as refused:
        save(
            counselor,
            session,
            entries=[Entry(a, "present"), Entry(b, "present")],
            narrative="Topic",
            notes=[SheetNote(a, **DAP, sign=True), SheetNote(b, data="Only the data.", sign=True)],
        )

    assert list(refused.value.errors) == [b.pk]
    assert "Complete the note before signing" in refused.value.errors[b.pk]
    assert nothing_saved()


def test_a_signed_note_is_left_as_it_was(counselor, session, members):
    a = members[0].patient
    save(counselor, session, entries=[Entry(a, "present")], narrative="Topic", notes=[SheetNote(a, **DAP, sign=True)])

    save(counselor, session, notes=[SheetNote(a, data="Rewritten.", assessment="x", plan="y", sign=True)])

    note = ProgressNote.objects.get()
    assert note.data == DAP["data"] and note.is_signed


def test_a_note_waits_for_its_attendance(counselor, session, members):
    a, b = (m.patient for m in members)

    save(counselor, session, entries=[Entry(a, "present")], notes=[SheetNote(b, **DAP)])

    assert not ProgressNote.objects.exists()


@pytest.mark.parametrize("role", ["counselor", "front_desk"])
def test_someone_who_does_not_run_the_session_saves_nothing(session, members, role):
    outsider = UserFactory(role=role)
    a = members[0].patient

    with pytest.raises(SessionError) as refused:
        save(outsider, session, entries=[Entry(a, "present")], narrative="Topic", notes=[SheetNote(a, **DAP)])

    assert refused.value.code in ("out_of_scope", "not_clinical")
    assert nothing_saved()


def test_a_session_that_has_not_started_saves_nothing(counselor, group, members):
    later = GroupSessionFactory(group=group, starts_at=timezone.now() + datetime.timedelta(hours=2))

    with pytest.raises(SessionError, match="has not started yet"):
        save(counselor, later, entries=[Entry(members[0].patient, "present")], narrative="Topic")

    assert nothing_saved()


# The selector


def test_the_sheet_lists_the_roster_by_last_name_with_what_was_recorded(counselor, session, group):
    late = MembershipFactory(group=group, enrollment__patient__legal_last_name="Zimmer").patient
    early = MembershipFactory(group=group, enrollment__patient__legal_last_name="Abbott").patient
    MembershipFactory(group=TherapyGroupFactory(program=group.program))  # another group
    save(counselor, session, entries=[Entry(early, "present")], narrative="Topic", notes=[SheetNote(early, **DAP)])

    sheet = attendance_sheet_for(session)

    assert [row.patient for row in sheet.rows] == [early, late]
    assert sheet.row(early.pk).note.data == DAP["data"] and sheet.row(late.pk).attendance is None
    assert sheet.row(late.pk).note is None and sheet.narrative.text == "Topic"


def test_the_sheet_runs_the_same_queries_for_2_and_40_rows(counselor, session):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            sheet = attendance_sheet_for(session)
            [(row.note.author, row.patient.mrn) for row in sheet.rows]
        return len(captured)

    attendees_with_notes(session, 2, author=counselor, **DAP)
    with_two = queries()
    attendees_with_notes(session, 38, author=counselor, **DAP)

    assert queries() == with_two
