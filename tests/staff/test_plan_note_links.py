"""Notes address the plan: on the attendance sheet (a group's, or a booked patient's own session) each attendee's note
links the open objectives of that attendee's plan in force; the plan then shows the note under each objective."""

import pytest

from plans.models import NoteObjective, Objective
from plans.services import plan_set_objective_status, plan_sign
from sessions.models import Attendance, ProgressNote
from tests.factories import MembershipFactory, ProgressNoteFactory
from tests.helpers import queries_for_page
from tests.plans.conftest import AGREED, write_plan

pytestmark = pytest.mark.django_db


def url(session):
    return f"/sessions/{session.pk}/attendance/"


def attendee_with_plan(group, counselor, *, met: int = 0):
    """A patient of the counselor's caseload on the group's roster, with a signed plan of two objectives, open but
    for the first `met`."""
    member = MembershipFactory(
        group=group,
        enrollment__counselor=counselor,
        enrollment__patient__primary_counselor=counselor,
        enrollment__patient__asam_d3_emotional=3,
        enrollment__patient__asam_d5_relapse=4,
    )
    plan = write_plan(counselor, member.enrollment)
    for objective in Objective.objects.filter(goal__problem__plan=plan).order_by("pk")[:met]:
        plan_set_objective_status(acting_user=counselor, objective=objective, status="met")
    plan = plan_sign(acting_user=counselor, plan=plan, **AGREED)
    return member.patient, list(Objective.objects.filter(goal__problem__plan=plan).order_by("pk"))


def _row(patient, **fields):
    return {
        f"status-{patient.pk}": "present",
        f"data-{patient.pk}": "Talked about cravings.",
        f"assessment-{patient.pk}": "Engaged.",
        f"plan-{patient.pk}": "Keep going.",
        **fields,
    }


def test_the_sheet_offers_each_attendees_open_objectives_and_none_to_who_has_no_plan(client, counselor, session, group):
    patient, objectives = attendee_with_plan(group, counselor, met=1)  # the met one is not offered
    without = MembershipFactory(group=group).patient
    client.force_login(counselor)

    html = client.get(url(session)).content.decode()
    assert f"Treatment plan objectives {patient.display_first_name}'s note worked on" in html
    boxes = f'name="objectives-{patient.pk}" value="{{}}"'
    assert boxes.format(objectives[1].pk) in html and boxes.format(objectives[0].pk) not in html
    assert f'id="objectives-{without.pk}"' not in html


def test_saving_the_sheet_links_the_chosen_objectives_and_the_plan_shows_the_note(client, counselor, session, group):
    patient, objectives = attendee_with_plan(group, counselor)
    client.force_login(counselor)

    response = client.post(url(session), _row(patient, **{f"objectives-{patient.pk}": [o.pk for o in objectives]}))

    assert response.status_code == 302
    note = ProgressNote.objects.get()
    assert sorted(NoteObjective.objects.filter(note=note).values_list("objective_id", flat=True)) == [
        o.pk for o in objectives
    ]
    html = client.get(f"/patients/{patient.pk}/?section=plan").content.decode()
    assert html.count(f"/patients/{patient.pk}/plan/notes/{note.pk}/") == 2
    sheet = client.get(url(session)).content.decode()
    assert sheet.count("checked") >= 2  # the links stay shown


def test_another_patients_objective_is_a_row_error_and_nothing_is_saved(client, counselor, session, group):
    patient, _ = attendee_with_plan(group, counselor)
    _, theirs = attendee_with_plan(group, counselor)
    client.force_login(counselor)

    response = client.post(url(session), _row(patient, **{f"objectives-{patient.pk}": [theirs[0].pk]}))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose objectives from this patient&#x27;s current treatment plan." in html
    assert not Attendance.objects.exists() and not ProgressNote.objects.exists() and not NoteObjective.objects.exists()


@pytest.mark.parametrize("bad", ["x", "999999999", "-1"])
def test_a_nonsense_objective_id_is_a_row_error(client, counselor, session, group, bad):
    patient, _ = attendee_with_plan(group, counselor)
    client.force_login(counselor)
    response = client.post(url(session), _row(patient, **{f"objectives-{patient.pk}": bad}))
    assert response.status_code == 200 and not NoteObjective.objects.exists() and not Attendance.objects.exists()


def test_linking_objectives_without_a_note_asks_for_the_note(client, counselor, session, group):
    patient, objectives = attendee_with_plan(group, counselor)
    client.force_login(counselor)
    response = client.post(
        url(session), {f"status-{patient.pk}": "present", f"objectives-{patient.pk}": objectives[0].pk}
    )
    assert "Write the note before linking it to the plan&#x27;s objectives." in response.content.decode()
    assert not NoteObjective.objects.exists() and not Attendance.objects.exists()


def _note(session, patient, counselor, *objectives, **fields):
    """The patient's note on the session (a draft unless signed=True), linked to `objectives`."""
    note = ProgressNoteFactory(
        attendance__session=session,
        attendance__enrollment=patient.group_memberships.get().enrollment,
        author=counselor,
        **fields,
    )
    NoteObjective.objects.bulk_create(NoteObjective(note=note, objective=o, linked_by=counselor) for o in objectives)
    return note


def _linked(note):
    return sorted(NoteObjective.objects.filter(note=note).values_list("objective_id", flat=True))


def _ticked(patient, objectives):
    return {f"objectives-{patient.pk}": [o.pk for o in objectives]}


def test_unticking_an_objective_unlinks_it_and_ticking_another_links_it(client, counselor, session, group):
    patient, (first, second) = attendee_with_plan(group, counselor)
    note = _note(session, patient, counselor, first)
    client.force_login(counselor)
    assert "checked" in client.get(url(session)).content.decode()

    assert client.post(url(session), _row(patient, **_ticked(patient, [second]))).status_code == 302
    assert _linked(note) == [second.pk]
    assert client.post(url(session), _row(patient, **_ticked(patient, [first, second]))).status_code == 302
    assert _linked(note) == sorted([first.pk, second.pk])
    html = client.get(url(session)).content.decode()
    assert html.count(f'name="objectives-{patient.pk}"') == 2 and html.count("checked") == 2


def test_a_row_with_no_box_ticked_unlinks_them_all_and_leaves_what_the_sheet_did_not_offer(
    client, counselor, session, group
):
    patient, (met, open_one) = attendee_with_plan(group, counselor, met=1)  # the met one is not offered
    note = _note(session, patient, counselor, met, open_one)
    client.force_login(counselor)

    assert client.post(url(session), _row(patient)).status_code == 302  # no objectives-<pk> in the post at all

    assert _linked(note) == [met.pk]


def test_a_signed_notes_objectives_are_shown_ticked_disabled_and_kept(client, counselor, session, group):
    patient, (first, second) = attendee_with_plan(group, counselor)
    note = _note(session, patient, counselor, first, signed=True)
    client.force_login(counselor)

    html = client.get(url(session)).content.decode()
    assert "Fixed with the signed note" in html
    box = html[html.index(f'name="objectives-{patient.pk}"') :]
    box = box[: box.index(">")]
    assert "disabled" in box and "checked" in box and f'value="{first.pk}"' in box
    assert f'value="{second.pk}"' not in html  # only what the signed note worked on

    for tampered in ({}, _ticked(patient, [second]), _ticked(patient, [first, second])):
        assert client.post(url(session), tampered).status_code == 302
        assert _linked(note) == [first.pk]


def test_objectives_ticked_in_the_save_that_signs_the_note_are_recorded_with_it(client, counselor, session, group):
    patient, (first, second) = attendee_with_plan(group, counselor)
    draft = _note(session, patient, counselor, first)
    newcomer, (theirs, _) = attendee_with_plan(group, counselor)
    client.force_login(counselor)
    signing = {f"sign-{patient.pk}": "on", f"sign-{newcomer.pk}": "on", "narrative": "Relapse prevention."}

    response = client.post(
        url(session),
        {
            **_row(patient, **_ticked(patient, [second])),
            **_row(newcomer, **_ticked(newcomer, [theirs])),  # a note written, linked and signed in one save
            **signing,
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    written = ProgressNote.objects.get(attendance__patient=newcomer)
    assert draft.is_signed and written.is_signed
    assert _linked(draft) == [second.pk] and _linked(written) == [theirs.pk]
    assert "Fixed with the signed note" in client.get(url(session)).content.decode()


def test_a_refused_signature_after_linking_saves_nothing(client, counselor, session, group):
    patient, (first, second) = attendee_with_plan(group, counselor)
    note = _note(session, patient, counselor, first)
    other, _ = attendee_with_plan(group, counselor)
    client.force_login(counselor)

    response = client.post(
        url(session),
        {
            **_row(patient, **_ticked(patient, [second]), **{f"sign-{patient.pk}": "on"}),  # no group narrative yet
            **_row(other),
        },
    )

    html = response.content.decode()
    assert response.status_code == 200 and "Write the group narrative before signing" in html
    note.refresh_from_db()
    assert not note.is_signed and _linked(note) == [first.pk]
    assert not Attendance.objects.filter(patient=other).exists()


def test_the_booked_patients_own_session_offers_their_objectives(client, counselor, plan_enrollment):
    import datetime

    from tests.clock import TODAY
    from tests.factories import book_counseling

    plan = plan_sign(acting_user=counselor, plan=write_plan(counselor, plan_enrollment), **AGREED)
    [session] = book_counseling(acting_user=counselor, patient=plan_enrollment.patient, day=TODAY, at=datetime.time(9))
    objective = Objective.objects.filter(goal__problem__plan=plan).first()
    client.force_login(counselor)

    response = client.post(
        url(session), _row(plan_enrollment.patient, **{f"objectives-{plan_enrollment.patient_id}": objective.pk})
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert NoteObjective.objects.get().objective == objective


def test_the_sheet_runs_the_same_queries_for_3_and_12_attendees_with_objectives(client, counselor, session, group):
    client.force_login(counselor)

    def attendees(count):
        for n in range(count):  # drafts and signed notes (whose links are shown fixed), each linked
            patient, objectives = attendee_with_plan(group, counselor)
            _note(session, patient, counselor, objectives[0], signed=bool(n % 2))

    attendees(3)
    with_three = queries_for_page(client, url(session))
    attendees(9)

    assert queries_for_page(client, url(session)) == with_three
