"""Drafting a plan on its page, one small form per part, as a counselor does it: what is saved, what a mistake shows,
and that ids from anyone else's plan are refused with nothing saved."""

import datetime

import pytest

from plans.models import DeferredDimension, Goal, Intervention, Objective, PlanStatus, Problem, TreatmentPlan
from plans.services import plan_start
from tests.clock import TODAY
from tests.factories import EnrollmentFactory, MembershipFactory, TherapyGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(counselor, plan_enrollment):
    return plan_start(acting_user=counselor, enrollment=plan_enrollment)


@pytest.fixture
def writer(client, counselor):
    client.force_login(counselor)
    return client


def _base(plan) -> str:
    return f"/patients/{plan.enrollment.patient_id}/plan"


def _html(response) -> str:
    return response.content.decode()


def test_starting_the_plan_opens_the_draft_with_a_problem_for_each_dimension_rated_3_or_4(
    writer, counselor, plan_enrollment
):
    response = writer.post(f"/patients/{plan_enrollment.patient_id}/plan/start/", follow=True)
    html = _html(response)

    assert "Plan started." in html and "Treatment plan: draft version 1" in html
    assert "3 Emotional, behavioral or cognitive conditions" in html and "5 Relapse" in html
    assert TreatmentPlan.objects.get().status == PlanStatus.DRAFT


def test_the_draft_page_without_a_plan_offers_to_start_one(writer, plan_enrollment):
    html = _html(writer.get(f"/patients/{plan_enrollment.patient_id}/plan/edit/"))
    assert "No plan yet for this stay." in html and "Start the plan" in html


def test_a_counselor_writes_each_part_of_the_draft(writer, started, plan_enrollment):
    base = _base(started)
    problem = started.problems.get(dimension=3)
    group = TherapyGroupFactory(program=plan_enrollment.program, title="Morning process group")
    MembershipFactory(group=group, enrollment=plan_enrollment)

    writer.post(f"{base}/problems/{problem.pk}/", {f"describe-{problem.pk}-description": "Low mood most days."})
    writer.post(f"{base}/problems/", {"problem-dimension": 6, "problem-severity": 2, "problem-description": "Housing"})
    writer.post(f"{base}/problems/{problem.pk}/goals/", {f"goal-{problem.pk}-text": "I want to enjoy things again."})
    goal = Goal.objects.get()
    target = (TODAY + datetime.timedelta(days=30)).isoformat()
    writer.post(
        f"{base}/goals/{goal.pk}/objectives/",
        {f"objective-{goal.pk}-text": "Walk 20 minutes 5 days a week.", f"objective-{goal.pk}-target_date": target},
    )
    objective = Objective.objects.get()
    writer.post(f"{base}/objectives/{objective.pk}/status/", {f"status-{objective.pk}-status": "revised"})
    writer.post(
        f"{base}/interventions/",
        {
            "intervention-what": "Process group",
            "intervention-frequency": "3 times a week",
            "intervention-who_role": "counselor",
            "intervention-group": group.pk,
        },
    )
    response = writer.post(
        f"{base}/deferred/", {"defer-dimension": 5, "defer-reason": "Psychiatry first."}, follow=True
    )

    assert "Dimension deferred." in _html(response)
    problem.refresh_from_db()
    assert problem.description == "Low mood most days."
    assert Problem.objects.filter(plan=started, dimension=6, severity=2, description="Housing").exists()
    assert Objective.objects.get().status == "revised"
    assert Intervention.objects.get().group == group
    assert DeferredDimension.objects.get().reason == "Psychiatry first."
    html = _html(writer.get(f"{base}/edit/"))
    for text in ("Low mood most days.", "I want to enjoy things again.", "Walk 20 minutes", "Morning process group"):
        assert text in html


def test_a_target_date_before_the_plan_is_a_field_error_and_nothing_is_saved(writer, started):
    problem = started.problems.first()
    goal = Goal.objects.create(problem=problem, text="Stay well.")
    response = writer.post(
        f"{_base(started)}/goals/{goal.pk}/objectives/",
        {f"objective-{goal.pk}-text": "Attend groups.", f"objective-{goal.pk}-target_date": "2026-01-02"},
    )

    assert response.status_code == 200
    assert "The target date cannot be before the plan was started (Nov 18, 2026)." in _html(response)
    assert not Objective.objects.exists()


@pytest.mark.parametrize("severity", ["7", "-1", "x", ""])
def test_a_severity_outside_0_to_4_is_a_field_error(writer, started, severity):
    response = writer.post(
        f"{_base(started)}/problems/",
        {"problem-dimension": 1, "problem-severity": severity, "problem-description": "d"},
    )
    assert response.status_code == 200 and "is-invalid" in _html(response)
    assert started.problems.count() == 2


def test_a_group_the_patient_is_not_on_is_a_field_error(writer, started, plan_enrollment):
    other_group = TherapyGroupFactory(program=plan_enrollment.program)
    response = writer.post(
        f"{_base(started)}/interventions/",
        {
            "intervention-what": "Group",
            "intervention-frequency": "weekly",
            "intervention-who_role": "counselor",
            "intervention-group": other_group.pk,
        },
    )
    assert response.status_code == 200 and "Select a valid choice" in _html(response)
    assert not Intervention.objects.exists()


def test_signing_with_a_dimension_rated_3_unaddressed_names_it_and_leaves_a_draft(writer, counselor, plan_enrollment):
    plan = plan_start(acting_user=counselor, enrollment=plan_enrollment)
    plan.problems.filter(dimension=5).delete()
    response = writer.post(
        f"{_base(plan)}/sign/",
        {"sign-patient_agreed_on": TODAY.isoformat(), "sign-agreement_method": "paper"},
        follow=True,
    )

    html = _html(response)
    # the service's message, and the draft page's own warning
    assert html.count("ASAM dimension 5 was rated 3 or 4 at intake: address it") == 2
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_signing_a_written_draft_records_the_agreement_and_shows_the_signed_plan(writer, draft_plan):
    response = writer.post(
        f"{_base(draft_plan)}/sign/",
        {"sign-patient_agreed_on": TODAY.isoformat(), "sign-agreement_method": "verbal"},
        follow=True,
    )
    html = _html(response)

    assert response.redirect_chain[-1][0].endswith("?section=plan")
    assert "Plan signed." in html and "Agreed verbally by the patient on Nov 18, 2026" in html
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.SIGNED and draft_plan.agreement_method == "verbal"


def test_a_guardian_who_agrees_is_recorded_by_name_on_the_chart_and_the_print_view(writer, draft_plan):
    response = writer.post(
        f"{_base(draft_plan)}/sign/",
        {
            "sign-patient_agreed_on": TODAY.isoformat(),
            "sign-agreement_method": "paper",
            "sign-agreed_by_representative": "  Ana   Ruiz, mother ",
        },
        follow=True,
    )

    assert "Signed on paper by Ana Ruiz, mother on Nov 18, 2026" in _html(response)
    assert "Signed on paper by Ana Ruiz, mother, Nov 18, 2026" in _html(writer.get(f"{_base(draft_plan)}/print/"))


def test_a_representative_named_at_length_is_a_field_error_and_the_plan_stays_a_draft(writer, draft_plan):
    response = writer.post(
        f"{_base(draft_plan)}/sign/",
        {
            "sign-patient_agreed_on": TODAY.isoformat(),
            "sign-agreement_method": "paper",
            "sign-agreed_by_representative": "A" * 151,
        },
    )

    assert "Ensure this value has at most 150 characters (it has 151)." in _html(response)
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.DRAFT and draft_plan.agreed_by_representative == ""


def test_an_agreement_in_the_future_is_a_field_error(writer, draft_plan):
    response = writer.post(
        f"{_base(draft_plan)}/sign/",
        {"sign-patient_agreed_on": (TODAY + datetime.timedelta(days=1)).isoformat(), "sign-agreement_method": "paper"},
    )
    assert "The day the patient agreed cannot be in the future." in _html(response)
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.DRAFT


def test_posting_to_a_signed_plan_is_a_message_and_changes_nothing(writer, signed_plan):
    problem = signed_plan.problems.first()
    goal = problem.goals.first()
    objective = goal.objectives.first()
    base = _base(signed_plan)
    posts = [
        (f"{base}/problems/{problem.pk}/goals/", {f"goal-{problem.pk}-text": "New goal"}),
        (f"{base}/problems/{problem.pk}/", {f"describe-{problem.pk}-description": "Rewritten"}),
        (f"{base}/objectives/{objective.pk}/status/", {f"status-{objective.pk}-status": "met"}),
        (f"{base}/problems/", {"problem-dimension": 1, "problem-severity": 1, "problem-description": "More"}),
        (f"{base}/deferred/", {"defer-dimension": 2, "defer-reason": "Later"}),
    ]
    for url, data in posts:
        html = _html(writer.post(url, data, follow=True))
        assert "A signed treatment plan cannot change; start a review instead." in html, url

    assert Goal.objects.count() == 2 and Problem.objects.count() == 2 and not DeferredDimension.objects.exists()
    assert set(Objective.objects.values_list("status", flat=True)) == {"open"}
    problem.refresh_from_db()
    assert problem.description == "Problem in dimension 3"


def test_another_patients_problem_goal_or_objective_is_404_and_nothing_is_saved(writer, counselor, draft_plan):
    from tests.plans.conftest import write_plan

    other = EnrollmentFactory(counselor=counselor, patient__primary_counselor=counselor, patient__asam_d2_biomedical=3)
    theirs = write_plan(counselor, other)
    problem = theirs.problems.get()
    goal = problem.goals.get()
    objective = goal.objectives.get()
    base = _base(draft_plan)  # our patient's URL, their ids
    posts = [
        (f"{base}/problems/{problem.pk}/goals/", {f"goal-{problem.pk}-text": "Mine"}),
        (f"{base}/problems/{problem.pk}/", {f"describe-{problem.pk}-description": "Mine"}),
        (
            f"{base}/goals/{goal.pk}/objectives/",
            {f"objective-{goal.pk}-text": "x", f"objective-{goal.pk}-target_date": "2026-12-30"},
        ),
        (f"{base}/objectives/{objective.pk}/status/", {f"status-{objective.pk}-status": "met"}),
    ]
    for url, data in posts:
        assert writer.post(url, data).status_code == 404, url

    assert Goal.objects.count() == 3 and Objective.objects.count() == 3
    assert set(Objective.objects.values_list("status", flat=True)) == {"open"}


def test_a_review_starts_version_2_and_a_second_start_says_the_draft_is_open(writer, signed_plan):
    base = _base(signed_plan)
    html = _html(writer.post(f"{base}/start/", follow=True))
    assert "Review started" in html and "draft version 2" in html

    html = _html(writer.post(f"{base}/start/", follow=True))
    assert "The latest version is still a draft: finish and sign it." in html
    assert TreatmentPlan.objects.count() == 2


def test_the_draft_page_is_audited_and_offers_no_start_while_a_draft_is_open(writer, draft_plan):
    from clinic.models import AuditEvent

    html = _html(writer.get(f"{_base(draft_plan)}/edit/"))
    assert "Sign the plan" in html and "Start the plan" not in html
    assert AuditEvent.objects.filter(action="patient.view", detail__page="plan-edit").exists()
