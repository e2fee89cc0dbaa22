"""What the dashboard flags for a clinician's eye from plans and measures: open safety alerts, plans due and
overdue, measures due, unexpected positive screens and score rises. Composed here, on the top floor, because the
dashboard's own selector lives in `sessions`, which must not import plans or measures.

Each list is bounded (FLAG_LIMIT rows, one more fetched to know that there are more) and scoped by the selectors
themselves: a counselor sees their caseload, a supervisor everyone, front desk and administrators nothing."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from clinic import policy
from clinic.policy import Action
from measures.selectors import measures_due_for, open_safety_alerts_for, score_rises, unexpected_positives
from plans.selectors import plans_due_for

FLAG_LIMIT = 20  # rows per block: a screen's worth; the chart has the rest
RECENT_DAYS = 14  # how far back an unexpected positive or a rise is still news


@dataclass
class Block:
    """One bounded list: its first rows and whether (or how many) more there are."""

    rows: list
    total: int | None = None  # None: only known to exceed the rows (`more` is then True)
    more: bool = field(init=False)

    def __post_init__(self):
        self.more = len(self.rows) > FLAG_LIMIT if self.total is None else self.total > len(self.rows)
        self.rows = self.rows[:FLAG_LIMIT]

    @property
    def more_count(self) -> int | None:
        return None if self.total is None else self.total - len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


@dataclass
class CareFlags:
    safety_alerts: Block
    plans_due: Block
    measures_due: Block
    unexpected_positives: Block
    score_rises: Block

    @property
    def any(self) -> bool:
        return any((self.plans_due, self.measures_due, self.unexpected_positives, self.score_rises))

    @property
    def patient_ids(self) -> list[int]:
        """Every patient the blocks name, for the page's audit row."""
        return [
            *(alert.patient_id for alert in self.safety_alerts.rows),
            *(due.enrollment.patient_id for due in self.plans_due.rows),
            *(due.enrollment.patient_id for due in self.measures_due.rows),
            *(result.screen.patient_id for result in self.unexpected_positives.rows),
            *(response.patient_id for response in self.score_rises.rows),
        ]


def care_flags_for(user, *, caseload_of=None, today: datetime.date | None = None) -> CareFlags:
    """The clinical flags `user` must see (all empty for non-clinicians). A clinician looking at `caseload_of`'s
    caseload (a supervisor choosing it on the dashboard) sees its plans and measures as that counselor does: a
    narrower scope than their own. Safety alerts stay the user's own: every one of them, whatever the caseload.
    Nine queries whatever the clinic's size."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=RECENT_DAYS)
    over = FLAG_LIMIT + 1
    clinician = policy.allows(user, Action.SEE_CLINICAL)
    scope = caseload_of if caseload_of is not None and clinician else user
    plans, plans_total = plans_due_for(scope, today=today, limit=FLAG_LIMIT)
    return CareFlags(
        safety_alerts=Block(open_safety_alerts_for(user, limit=over)),
        plans_due=Block(plans, plans_total),
        measures_due=Block(measures_due_for(scope, today=today, limit=over)),
        unexpected_positives=Block(unexpected_positives(scope, since=since, limit=over)),
        score_rises=Block(score_rises(scope, since=since, limit=over)),
    )
