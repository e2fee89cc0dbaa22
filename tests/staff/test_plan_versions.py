"""What changed between two plan versions: computed on plain data (plans.versions), then shown on the version page."""

import datetime

import pytest

from plans.versions import GoalData, InterventionData, ObjectiveData, PlanData, ProblemData, plan_diff

DAY = datetime.date(2026, 12, 1)
WALK = ObjectiveData("Walk daily", DAY, "open")
GROUPS = ObjectiveData("Attend 3 groups a week", DAY, "open")
GOAL = GoalData("I want to feel better", (WALK, GROUPS))
MOOD = ProblemData(3, 3, "Low mood", (GOAL,))
GROUP = InterventionData("Process group", "3 times a week", "counselor", "Morning group")
BEFORE = PlanData(problems=(MOOD,), interventions=(GROUP,), deferred=((5, "Later"),))


def _changes(after: PlanData) -> list[tuple[str, str, str, tuple]]:
    return [(c.kind, c.part, c.label, c.details) for c in plan_diff(BEFORE, after).changes]


def test_the_same_plan_has_no_changes():
    assert plan_diff(BEFORE, BEFORE).changes == []


def test_an_objectives_status_and_target_date_change():
    met = ObjectiveData("Walk daily", DAY + datetime.timedelta(days=14), "met")
    after = PlanData(
        problems=(ProblemData(3, 3, "Low mood", (GoalData(GOAL.text, (met, GROUPS)),)),),
        interventions=(GROUP,),
        deferred=((5, "Later"),),
    )
    assert _changes(after) == [
        (
            "changed",
            "objective",
            "Dimension 3, “I want to feel better”: Walk daily",
            ("target date: 2026-12-01 → 2026-12-15", "status: open → met"),
        )
    ]


def test_a_rewritten_objective_is_a_change_of_its_words():
    rewritten = ObjectiveData("Walk 20 minutes a day", DAY, "open")
    after = PlanData(
        problems=(ProblemData(3, 3, "Low mood", (GoalData(GOAL.text, (rewritten, GROUPS)),)),),
        interventions=(GROUP,),
        deferred=((5, "Later"),),
    )
    [(kind, part, _, details)] = _changes(after)
    assert (kind, part, details) == ("changed", "objective", ("text: Walk daily → Walk 20 minutes a day",))


def test_added_and_removed_parts_are_listed_by_kind():
    new_goal = GoalData("I want my job back", (ObjectiveData("Apply to 2 jobs a week", DAY, "open"),))
    housing = ProblemData(6, 2, "Unstable housing", (new_goal,))
    after = PlanData(
        problems=(ProblemData(3, 4, "Low mood, worse", (GoalData(GOAL.text, (WALK,)),)), housing),
        interventions=(
            InterventionData("Process group", "twice a week", "counselor", "Morning group"),
            InterventionData("Family session", "monthly", "counselor"),
        ),
        deferred=(),
    )
    diff = plan_diff(BEFORE, after)

    assert [(c.part, c.label) for c in diff.added] == [
        ("problem", "Dimension 6"),
        ("goal", "Dimension 6: “I want my job back”"),
        ("objective", "Dimension 6, “I want my job back”: Apply to 2 jobs a week"),
        ("intervention", "Family session, monthly"),
    ]
    assert [(c.part, c.label) for c in diff.removed] == [
        ("objective", "Dimension 3, “I want to feel better”: Attend 3 groups a week"),
        ("deferred dimension", "Dimension 5"),
    ]
    assert [(c.part, c.details) for c in diff.changed] == [
        ("problem", ("severity: 3 → 4", "description: Low mood → Low mood, worse")),
        ("intervention", ("frequency: 3 times a week → twice a week",)),
    ]


def test_a_removed_problem_and_goal():
    after = PlanData(problems=(ProblemData(3, 3, "Low mood", ()),), interventions=(), deferred=((5, "Later"),))
    assert [(c.kind, c.part) for c in plan_diff(BEFORE, after).changes] == [
        ("removed", "goal"),
        ("removed", "intervention"),
    ]
    assert [(c.kind, c.part) for c in plan_diff(BEFORE, PlanData()).changes] == [
        ("removed", "problem"),
        ("removed", "intervention"),
        ("removed", "deferred dimension"),
    ]


def test_two_problems_of_one_dimension_are_told_apart_by_order():
    second = ProblemData(3, 2, "Anxiety", ())
    after = PlanData(problems=(MOOD, second), interventions=(GROUP,), deferred=((5, "Later"),))
    assert _changes(after) == [("added", "problem", "Dimension 3 (problem 2)", ("Anxiety",))]


@pytest.mark.django_db
def test_the_version_page_lists_what_a_review_added_and_changed(client, counselor, signed_plan):
    from plans.models import Objective
    from plans.services import plan_add_intervention, plan_review, plan_set_objective_status

    draft = plan_review(acting_user=counselor, enrollment=signed_plan.enrollment)
    plan_add_intervention(
        acting_user=counselor, plan=draft, what="Family session", frequency="monthly", who_role="counselor"
    )
    plan_set_objective_status(
        acting_user=counselor, objective=Objective.objects.filter(goal__problem__plan=draft).first(), status="met"
    )
    client.force_login(counselor)
    html = client.get(f"/patients/{signed_plan.enrollment.patient_id}/plan/versions/2/").content.decode()

    assert "What changed since version 1" in html
    assert "Family session, monthly" in html and "status: open → met" in html
    assert "Removed" not in html
    first = client.get(f"/patients/{signed_plan.enrollment.patient_id}/plan/versions/1/").content.decode()
    assert "The first version" in first
