"""A progress note links the objectives it worked on: only objectives of its own patient's current plan."""

import pytest

from clinic.errors import DomainError
from plans.models import NoteObjective, Objective, PlanError
from plans.services import note_link_objectives, plan_sign
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


@pytest.mark.parametrize("ids", [[], ["x"], [None], [10**9]])
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
