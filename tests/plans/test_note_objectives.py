"""A progress note links the objectives it worked on: only objectives of its own patient's current plan. While the
note is a draft its links are what the author ticks (unticking unlinks); once it is signed they are fixed with it."""

import pytest
from django.db import DatabaseError, connection, transaction

from clinic.audit import AuditAction
from clinic.errors import DomainError
from clinic.models import AuditEvent
from plans.models import NoteObjective, Objective, PlanError
from plans.services import note_link_objectives, plan_review, plan_sign
from sessions.models import ProgressNote
from tests.factories import EnrollmentFactory, ProgressNoteFactory
from tests.plans.conftest import AGREED, write_plan


@pytest.fixture
def note(counselor, signed):
    enrollment = signed.enrollment
    return ProgressNoteFactory(
        attendance__enrollment=enrollment, attendance__session__program=enrollment.program, author=counselor
    )


def _objectives(plan):
    return list(Objective.objects.filter(goal__problem__plan=plan).values_list("pk", flat=True))


def test_a_note_links_objectives_of_its_patients_plan(counselor, signed, note):
    ids = _objectives(signed)
    note_link_objectives(acting_user=counselor, note=note, objective_ids=[str(ids[0])])
    note_link_objectives(acting_user=counselor, note=note, objective_ids=ids)  # again, and one more: no duplicate

    assert sorted(NoteObjective.objects.values_list("objective_id", flat=True)) == sorted(ids)
    assert {link.note for link in Objective.objects.get(pk=ids[0]).note_links.all()} == {note}


def test_an_objective_of_another_patients_plan_is_refused(counselor, signed, note):
    other = EnrollmentFactory(counselor=counselor, patient__primary_counselor=counselor, patient__asam_d2_biomedical=3)
    other_plan = plan_sign(acting_user=counselor, plan=write_plan(counselor, other), **AGREED)

    with pytest.raises(PlanError, match="current plan"):
        note_link_objectives(
            acting_user=counselor, note=note, objective_ids=[*_objectives(signed), *_objectives(other_plan)]
        )
    assert not NoteObjective.objects.exists()


@pytest.mark.parametrize("ids", [["x"], [None], [10**9]])
def test_bad_objective_ids_are_refused(counselor, signed, note, ids):
    with pytest.raises(PlanError):
        note_link_objectives(acting_user=counselor, note=note, objective_ids=ids)
    assert not NoteObjective.objects.exists()


def test_a_counselor_outside_the_caseload_links_nothing(other_counselor, signed, note):
    with pytest.raises(DomainError):
        note_link_objectives(acting_user=other_counselor, note=note, objective_ids=_objectives(signed))
    assert not NoteObjective.objects.exists()


def test_a_draft_plans_objectives_are_not_yet_the_plan_in_force(counselor, draft):
    note = ProgressNoteFactory(attendance__enrollment=draft.enrollment, author=counselor)
    with pytest.raises(PlanError, match="current plan"):
        note_link_objectives(acting_user=counselor, note=note, objective_ids=_objectives(draft))


def _linked(note):
    return sorted(NoteObjective.objects.filter(note=note).values_list("objective_id", flat=True))


def _sign(note):
    ProgressNote.objects.filter(pk=note.pk).update(signed_at=note.attendance.session.starts_at)
    note.refresh_from_db()


def test_the_ids_given_become_the_notes_links_unticked_ones_are_removed_and_audited(counselor, signed, note):
    first, second = _objectives(signed)[:2]
    note_link_objectives(acting_user=counselor, note=note, objective_ids=[first, second])

    note_link_objectives(acting_user=counselor, note=note, objective_ids=[second])

    assert _linked(note) == [second]
    event = AuditEvent.objects.filter(action=AuditAction.NOTE_LINK_OBJECTIVES).latest("pk")
    assert (event.detail["objective_ids"], event.detail["added"], event.detail["removed"]) == ([second], [], [first])


def test_an_empty_selection_removes_every_link_and_links_nothing_on_a_note_without_links(counselor, signed, note):
    assert note_link_objectives(acting_user=counselor, note=note, objective_ids=[]) == []  # nothing to do
    note_link_objectives(acting_user=counselor, note=note, objective_ids=_objectives(signed))

    note_link_objectives(acting_user=counselor, note=note, objective_ids=[])

    assert _linked(note) == []
    assert AuditEvent.objects.filter(action=AuditAction.NOTE_LINK_OBJECTIVES).count() == 2  # a change each


def test_a_link_to_an_earlier_plan_version_may_be_kept_but_not_added(counselor, signed, note):
    [old] = _objectives(signed)[:1]
    note_link_objectives(acting_user=counselor, note=note, objective_ids=[old])
    review = plan_sign(
        acting_user=counselor, plan=plan_review(acting_user=counselor, enrollment=signed.enrollment), **AGREED
    )
    [new] = _objectives(review)[:1]

    note_link_objectives(acting_user=counselor, note=note, objective_ids=[old, new])  # kept, and one added
    assert _linked(note) == sorted([old, new])
    note_link_objectives(acting_user=counselor, note=note, objective_ids=[new])
    with pytest.raises(PlanError, match="current plan"):
        note_link_objectives(acting_user=counselor, note=note, objective_ids=[old, new])  # gone: not to be re-added
    assert _linked(note) == [new]


@pytest.mark.parametrize("change", ["add", "remove", "remove all"])
def test_a_signed_notes_links_are_fixed_with_it(counselor, signed, note, change):
    first, second = _objectives(signed)[:2]
    note_link_objectives(acting_user=counselor, note=note, objective_ids=[first])
    _sign(note)
    ids = {"add": [first, second], "remove": [second], "remove all": []}[change]

    with pytest.raises(PlanError, match="fixed with it"):
        note_link_objectives(acting_user=counselor, note=note, objective_ids=ids)
    assert note_link_objectives(acting_user=counselor, note=note, objective_ids=[first]) == []  # no change: fine
    assert _linked(note) == [first]


def test_the_model_refuses_to_change_or_delete_a_signed_notes_link(counselor, signed, note):
    first, second = _objectives(signed)[:2]
    note_link_objectives(acting_user=counselor, note=note, objective_ids=[first])
    _sign(note)
    link = NoteObjective.objects.get()

    with pytest.raises(PlanError, match="fixed with it"):
        link.delete()
    with pytest.raises(PlanError, match="fixed with it"):
        NoteObjective.objects.filter(note=note).delete()
    link.objective_id = second
    with pytest.raises(PlanError, match="fixed with it"):
        link.save()
    assert _linked(note) == [first]


def _refused(sql, params=()):
    with pytest.raises(DatabaseError, match="signed progress note"), transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)


@pytest.mark.postgres
def test_postgresql_keeps_a_signed_notes_links_even_in_raw_sql(counselor, signed, note):
    first, second = _objectives(signed)[:2]
    note_link_objectives(acting_user=counselor, note=note, objective_ids=[first])
    _sign(note)

    _refused("DELETE FROM plans_noteobjective")
    _refused("UPDATE plans_noteobjective SET objective_id = %s", [second])
    assert _linked(note) == [first]


@pytest.mark.postgres
def test_postgresql_lets_a_draft_notes_links_change(counselor, signed, note):
    note_link_objectives(acting_user=counselor, note=note, objective_ids=_objectives(signed))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM plans_noteobjective")
    assert _linked(note) == []
