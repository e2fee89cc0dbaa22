"""What changed between two versions of a treatment plan, computed on plain data (a snapshot of each version), so
that the comparison is tested without a database and the page loads both versions in a fixed number of queries.

Parts are matched by what identifies them to a reader: a problem by its ASAM dimension (and its order within the
dimension), a goal by its problem and words, an objective within its goal by its words (else, among the unmatched,
by position: its words were rewritten), an intervention by what it is, a deferral by its dimension.
"""

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ObjectiveData:
    text: str
    target_date: datetime.date
    status: str


@dataclass(frozen=True)
class GoalData:
    text: str
    objectives: tuple[ObjectiveData, ...] = ()


@dataclass(frozen=True)
class ProblemData:
    dimension: int
    severity: int
    description: str
    goals: tuple[GoalData, ...] = ()


@dataclass(frozen=True)
class InterventionData:
    what: str
    frequency: str
    who: str
    group: str = ""


@dataclass(frozen=True)
class PlanData:
    problems: tuple[ProblemData, ...] = ()
    interventions: tuple[InterventionData, ...] = ()
    deferred: tuple[tuple[int, str], ...] = ()  # (dimension, reason)


@dataclass(frozen=True)
class Change:
    kind: str  # "added", "removed", "changed"
    part: str  # "problem", "goal", "objective", "intervention", "deferred dimension"
    label: str
    details: tuple[str, ...] = ()


@dataclass
class PlanDiff:
    changes: list[Change] = field(default_factory=list)

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def added(self) -> list[Change]:
        return self.of("added")

    @property
    def removed(self) -> list[Change]:
        return self.of("removed")

    @property
    def changed(self) -> list[Change]:
        return self.of("changed")


def snapshot(plan) -> PlanData:
    """The plain data of a plan loaded by plans.plan_page.load_plan."""
    return PlanData(
        problems=tuple(
            ProblemData(
                p.dimension,
                p.severity,
                p.description,
                tuple(
                    GoalData(g.text, tuple(ObjectiveData(o.text, o.target_date, o.status) for o in g.objective_list))
                    for g in p.goal_list
                ),
            )
            for p in plan.problem_list
        ),
        interventions=tuple(
            InterventionData(
                i.what,
                i.frequency,
                ", ".join(filter(None, [i.who_role, str(i.who_user) if i.who_user_id else ""])),
                i.group.title if i.group_id else "",
            )
            for i in plan.intervention_list
        ),
        deferred=tuple((d.dimension, d.reason) for d in plan.deferred_list),
    )


def _keyed_problems(plan: PlanData) -> dict[tuple[int, int], ProblemData]:
    seen: dict[int, int] = {}
    keyed = {}
    for problem in plan.problems:
        n = seen[problem.dimension] = seen.get(problem.dimension, 0) + 1
        keyed[(problem.dimension, n)] = problem
    return keyed


def _label(dimension: int, n: int) -> str:
    return f"Dimension {dimension}" + (f" (problem {n})" if n > 1 else "")


def _short(text: str, size: int = 80) -> str:
    return text if len(text) <= size else text[: size - 1] + "\N{HORIZONTAL ELLIPSIS}"


def _compare(before, after, fields: tuple[str, ...]) -> tuple[str, ...]:
    details = []
    for name in fields:
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            details.append(f"{name.replace('_', ' ')}: {old or '-'} → {new or '-'}")
    return tuple(details)


def _objectives(where: str, before: tuple[ObjectiveData, ...], after: tuple[ObjectiveData, ...]) -> list[Change]:
    changes = []
    left, right = list(before), list(after)
    pairs = []
    for objective in list(right):  # the same words: the same objective
        match = next((o for o in left if o.text == objective.text), None)
        if match is not None:
            left.remove(match)
            right.remove(objective)
            pairs.append((match, objective))
    pairs += list(zip(left, right, strict=False))  # what is left, in order: rewritten
    paired = len(min(left, right, key=len))
    for old, new in pairs:
        details = _compare(old, new, ("text", "target_date", "status"))
        if details:
            changes.append(Change("changed", "objective", f"{where}: {_short(new.text)}", details))
    changes += [Change("added", "objective", f"{where}: {_short(o.text)}") for o in right[paired:]]
    changes += [Change("removed", "objective", f"{where}: {_short(o.text)}") for o in left[paired:]]
    return changes


def plan_diff(before: PlanData, after: PlanData) -> PlanDiff:
    """What `after` adds to, removes from and changes in `before`."""
    changes: list[Change] = []
    old_problems, new_problems = _keyed_problems(before), _keyed_problems(after)
    for key, problem in new_problems.items():
        label = _label(*key)
        old = old_problems.get(key)
        if old is None:
            changes.append(Change("added", "problem", label, (_short(problem.description),)))
            old = ProblemData(problem.dimension, problem.severity, problem.description)
        elif details := _compare(old, problem, ("severity", "description")):
            changes.append(Change("changed", "problem", label, details))
        old_goals = {g.text: g for g in old.goals}
        for goal in problem.goals:
            where = f"{label}, “{_short(goal.text, 50)}”"
            earlier = old_goals.pop(goal.text, None)
            if earlier is None:
                changes.append(Change("added", "goal", f"{label}: “{_short(goal.text)}”"))
                earlier = GoalData(goal.text)
            changes += _objectives(where, earlier.objectives, goal.objectives)
        changes += [Change("removed", "goal", f"{label}: “{_short(g.text)}”") for g in old_goals.values()]
    changes += [
        Change("removed", "problem", _label(*key), (_short(p.description),))
        for key, p in old_problems.items()
        if key not in new_problems
    ]
    old_interventions = {i.what: i for i in before.interventions}
    for intervention in after.interventions:
        old = old_interventions.pop(intervention.what, None)
        if old is None:
            changes.append(Change("added", "intervention", f"{intervention.what}, {intervention.frequency}"))
        elif details := _compare(old, intervention, ("frequency", "who", "group")):
            changes.append(Change("changed", "intervention", intervention.what, details))
    changes += [Change("removed", "intervention", f"{i.what}, {i.frequency}") for i in old_interventions.values()]
    old_deferred, new_deferred = dict(before.deferred), dict(after.deferred)
    for dimension, reason in new_deferred.items():
        if dimension not in old_deferred:
            changes.append(Change("added", "deferred dimension", f"Dimension {dimension}", (reason,)))
        elif old_deferred[dimension] != reason:
            changes.append(Change("changed", "deferred dimension", f"Dimension {dimension}", (f"reason: {reason}",)))
    changes += [
        Change("removed", "deferred dimension", f"Dimension {dimension}")
        for dimension in old_deferred
        if dimension not in new_deferred
    ]
    return PlanDiff(changes)
