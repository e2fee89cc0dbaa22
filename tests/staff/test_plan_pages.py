"""The chart's Plan section, a version's page and the print view, as clinicians see them; nobody else sees any."""

import pytest

from clinic.models import AuditEvent
from plans.models import NoteObjective, Objective
from plans.services import note_link_objectives, plan_review
from tests.factories import EnrollmentFactory, ProgressNoteFactory, UserFactory
from tests.helpers import page_load
from tests.staff.conftest import plan_with_objectives

pytestmark = pytest.mark.django_db


def _chart(patient) -> str:
    return f"/patients/{patient.pk}/?section=plan"


def _note(counselor, plan, **session):
    enrollment = plan.enrollment
    return ProgressNoteFactory(
        attendance__enrollment=enrollment, attendance__session__program=enrollment.program, author=counselor, **session
    )


def test_the_plan_section_shows_the_signed_plan_with_its_deadline_parts_and_versions(client, counselor, signed_plan):
    client.force_login(counselor)
    html = client.get(_chart(signed_plan.enrollment.patient)).content.decode()

    assert "Treatment plan" in html and "signed</span> version 1" in html
    assert "Signed on paper by the patient on Nov 18, 2026, recorded by" in html
    assert "Review due Dec 18, 2026" in html
    assert "3 Emotional, behavioral or cognitive conditions" in html and "severity 4" in html
    assert "“I want to stay sober for my kids.”" in html
    assert "Attend 3 groups a week for 4 weeks." in html and "target Nov 28, 2026" in html
    assert "No notes yet." in html
    assert f'href="/patients/{signed_plan.enrollment.patient_id}/plan/versions/1/"' in html
    assert "Start a review" in html and "Co-sign" not in html


def test_each_objective_lists_the_notes_that_worked_on_it_linking_to_the_chart(client, counselor, signed_plan):
    objective = Objective.objects.filter(goal__problem__plan=signed_plan).first()
    note = _note(counselor, signed_plan)
    note_link_objectives(acting_user=counselor, note=note, objective_ids=[objective.pk])
    client.force_login(counselor)
    patient = signed_plan.enrollment.patient

    html = client.get(_chart(patient)).content.decode()
    assert "Worked on in 1 note:" in html
    link = f"/patients/{patient.pk}/plan/notes/{note.pk}/"
    assert link in html
    response = client.get(link)
    assert (
        response.status_code == 302 and response.url == f"/patients/{patient.pk}/?section=notes&page=1#note-{note.pk}"
    )


def test_a_draft_without_a_signed_plan_shows_its_first_plan_deadline_and_the_dimensions_left(
    client, counselor, plan_enrollment
):
    from plans.services import plan_start

    plan_start(acting_user=counselor, enrollment=plan_enrollment)
    client.force_login(counselor)
    html = client.get(_chart(plan_enrollment.patient)).content.decode()

    assert "First plan due Nov 20, 2026" in html and "due soon" in html
    assert "draft</span> version 1" in html and "Continue the draft (version 1)" in html
    assert "(not yet described)" in html


def test_a_supervisor_sees_co_signature_needed_and_co_signs(client, counselor, supervisor, signed_plan):
    program = signed_plan.enrollment.program
    program.plan_needs_cosign = True
    program.save()
    client.force_login(supervisor)
    patient = signed_plan.enrollment.patient

    assert "co-signature needed" in client.get(_chart(patient)).content.decode()
    response = client.post(f"/patients/{patient.pk}/plan/cosign/", follow=True)
    html = response.content.decode()
    assert "Plan co-signed." in html and "Co-signed</dt>" in html and "co-signature needed" not in html


def test_a_counselor_sees_no_co_sign_button_and_a_post_is_refused(client, counselor, signed_plan):
    program = signed_plan.enrollment.program
    program.plan_needs_cosign = True
    program.save()
    client.force_login(counselor)
    patient = signed_plan.enrollment.patient

    assert "Co-sign</button>" not in client.get(_chart(patient)).content.decode()
    response = client.post(f"/patients/{patient.pk}/plan/cosign/", follow=True)
    assert "Only a clinical supervisor co-signs" in response.content.decode()
    signed_plan.refresh_from_db()
    assert signed_plan.cosigned_at is None


def test_the_version_page_shows_what_changed(client, counselor, signed_plan):
    from plans.services import plan_set_objective_status

    plan_review(acting_user=counselor, enrollment=signed_plan.enrollment)
    objective = Objective.objects.filter(goal__problem__plan__version=2).first()
    plan_set_objective_status(acting_user=counselor, objective=objective, status="met")
    client.force_login(counselor)

    html = client.get(f"/patients/{signed_plan.enrollment.patient_id}/plan/versions/2/").content.decode()
    assert "What changed since version 1" in html
    assert "status: open → met" in html
    assert client.get(f"/patients/{signed_plan.enrollment.patient_id}/plan/versions/3/").status_code == 404


def test_the_print_view_has_signature_lines_and_is_audited(client, counselor, signed_plan):
    client.force_login(counselor)
    patient = signed_plan.enrollment.patient
    html = client.get(f"/patients/{patient.pk}/plan/print/").content.decode()

    assert "Treatment plan, version 1" in html and "note-print.css" in html
    assert (
        "Patient (or guardian or representative): ____" in html
        and "Counselor: ____" in html
        and "Clinical supervisor" not in html
    )
    event = AuditEvent.objects.filter(action="patient.view", patient_id=patient.pk).latest("pk")
    assert event.detail["page"] == "plan-print" and event.detail["section"] == "plan"


def test_the_print_view_adds_the_supervisors_line_where_the_program_asks_a_co_signature(client, counselor, signed_plan):
    program = signed_plan.enrollment.program
    program.plan_needs_cosign = True
    program.save()
    client.force_login(counselor)
    html = client.get(f"/patients/{signed_plan.enrollment.patient_id}/plan/print/").content.decode()
    assert "Clinical supervisor: ____" in html


def test_opening_the_plan_section_is_audited(client, counselor, signed_plan):
    client.force_login(counselor)
    client.get(_chart(signed_plan.enrollment.patient))
    event = AuditEvent.objects.filter(action="patient.view").latest("pk")
    assert event.detail["section"] == "plan"


# Who sees nothing


def _plan_urls(plan) -> list[tuple[str, str]]:
    patient = plan.enrollment.patient_id
    problem = plan.problems.first()
    goal = problem.goals.first()
    objective = goal.objectives.first()
    base = f"/patients/{patient}/plan"
    gets = [f"{base}/edit/", f"{base}/print/", f"{base}/versions/1/"]
    posts = [
        f"{base}/start/",
        f"{base}/problems/",
        f"{base}/problems/{problem.pk}/",
        f"{base}/problems/{problem.pk}/goals/",
        f"{base}/goals/{goal.pk}/objectives/",
        f"{base}/objectives/{objective.pk}/status/",
        f"{base}/interventions/",
        f"{base}/deferred/",
        f"{base}/sign/",
        f"{base}/cosign/",
    ]
    return [("get", url) for url in gets] + [("post", url) for url in posts]


@pytest.mark.parametrize("role", ["front_desk", "administrator", "other_counselor"])
def test_every_plan_url_is_404_for_who_may_not_see_the_plan(client, request, counselor, signed_plan, role):
    note = _note(counselor, signed_plan)
    note_link_objectives(
        acting_user=counselor, note=note, objective_ids=[signed_plan.problems.first().goals.get().objectives.get().pk]
    )
    client.force_login(request.getfixturevalue(role))
    before = AuditEvent.objects.count()
    urls = [*_plan_urls(signed_plan), ("get", f"/patients/{signed_plan.enrollment.patient_id}/plan/notes/{note.pk}/")]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, url
    assert AuditEvent.objects.count() == before  # nothing shown, nothing written
    assert Objective.objects.count() == 2


@pytest.mark.parametrize("role", ["front_desk", "administrator"])
def test_the_chart_shows_no_plan_section_to_who_may_not_see_plans(client, request, signed_plan, role):
    client.force_login(request.getfixturevalue(role))
    html = client.get(_chart(signed_plan.enrollment.patient)).content.decode()
    assert "?section=plan" not in html and "Treatment plan" not in html


def test_a_note_link_of_another_patient_is_404(client, counselor, signed_plan):
    other = EnrollmentFactory(counselor=counselor, patient__primary_counselor=counselor)
    note = ProgressNoteFactory(attendance__enrollment=other, author=counselor)
    client.force_login(counselor)
    assert client.get(f"/patients/{signed_plan.enrollment.patient_id}/plan/notes/{note.pk}/").status_code == 404


# A page's work does not grow with the plan


@pytest.mark.parametrize("page", ["?section=plan", "plan/edit/", "plan/print/", "plan/versions/2/"])
def test_the_plan_pages_run_the_same_queries_for_2_and_20_objectives(client, counselor, page):
    from tests.factories import EnrollmentFactory as Factory

    def patient_with(count):
        enrollment = Factory(counselor=counselor, patient__primary_counselor=counselor, patient__asam_d3_emotional=3)
        plan = plan_with_objectives(counselor, enrollment, count)
        for objective in Objective.objects.filter(goal__problem__plan=plan)[:3]:
            note_link_objectives(acting_user=counselor, note=_note(counselor, plan), objective_ids=[objective.pk])
        plan_review(acting_user=counselor, enrollment=enrollment)
        return enrollment.patient

    client.force_login(counselor)
    small, large = patient_with(2), patient_with(20)
    path = "/patients/{}/" + page

    assert page_load(client, path.format(small.pk))[0] == page_load(client, path.format(large.pk))[0]


def test_each_objective_shows_its_latest_five_notes_and_the_count(client, counselor, signed_plan):
    objective = Objective.objects.filter(goal__problem__plan=signed_plan).first()
    client.force_login(counselor)
    patient = signed_plan.enrollment.patient
    for _ in range(5):
        note_link_objectives(acting_user=counselor, note=_note(counselor, signed_plan), objective_ids=[objective.pk])
    five = page_load(client, _chart(patient))
    for _ in range(10):
        note_link_objectives(acting_user=counselor, note=_note(counselor, signed_plan), objective_ids=[objective.pk])
    fifteen = page_load(client, _chart(patient))

    assert NoteObjective.objects.count() == 15
    assert five[0] == fifteen[0]
    assert abs(fifteen[1] - five[1]) < 200  # the same five links; only the count and "latest 5" differ
    assert "Worked on in 15 notes (latest 5)" in client.get(_chart(patient)).content.decode()


def test_a_supervisor_of_another_caseload_sees_the_plan(client, signed_plan):
    client.force_login(UserFactory(role="supervisor"))
    assert "Attend 3 groups a week" in client.get(_chart(signed_plan.enrollment.patient)).content.decode()


def test_a_carried_over_objective_keeps_the_notes_of_the_versions_before(client, counselor, signed_plan):
    from plans.services import plan_sign
    from tests.plans.conftest import AGREED

    first = Objective.objects.filter(goal__problem__plan=signed_plan).first()
    earlier = _note(counselor, signed_plan)
    note_link_objectives(acting_user=counselor, note=earlier, objective_ids=[first.pk])
    plan_sign(
        acting_user=counselor, plan=plan_review(acting_user=counselor, enrollment=signed_plan.enrollment), **AGREED
    )
    again = Objective.objects.get(goal__problem__plan__version=2, text=first.text, goal__problem__dimension=3)
    later = _note(counselor, signed_plan)
    note_link_objectives(acting_user=counselor, note=later, objective_ids=[again.pk])
    client.force_login(counselor)
    patient = signed_plan.enrollment.patient

    html = client.get(_chart(patient)).content.decode()  # version 2, in force
    assert "Worked on in 2 notes:" in html
    assert f"/plan/notes/{earlier.pk}/" in html and f"/plan/notes/{later.pk}/" in html
    first_version = client.get(f"/patients/{patient.pk}/plan/versions/1/").content.decode()
    assert f"/plan/notes/{earlier.pk}/" in first_version and f"/plan/notes/{later.pk}/" not in first_version


def test_the_draft_of_a_review_prints_from_its_page_marked_as_a_draft(client, counselor, signed_plan):
    plan_review(acting_user=counselor, enrollment=signed_plan.enrollment)
    client.force_login(counselor)
    base = f"/patients/{signed_plan.enrollment.patient_id}/plan"

    assert f'href="{base}/print/?draft=1"' in client.get(f"{base}/edit/").content.decode()
    draft = client.get(f"{base}/print/?draft=1").content.decode()
    assert 'Treatment plan, version 2 <span class="draft">(draft, not yet signed)</span>' in draft
    assert "Treatment plan, version 1</h1>" in client.get(f"{base}/print/").content.decode()
