"""The plans section of a clinician's daily digest (registered with sessions' digest in PlansConfig.ready)."""

import datetime

from clinic import policy
from clinic.policy import Action
from plans.selectors import plans_due_for
from sessions.selectors.digest import SECTION_ROWS, DigestSection, digest_name, digest_section


def plans_due_section(staff, day: datetime.date) -> DigestSection | None:
    """Plans overdue or due within three days among the patients `staff` may see; none for non-clinicians."""
    if not policy.allows(staff, Action.CLINICAL_WORK):
        return None
    found, total = plans_due_for(staff, today=day, limit=SECTION_ROWS)
    rows = []
    for due in found:
        deadline = due.deadline
        what = "plan review" if deadline.kind == "review" else "first plan"
        when = (
            f"overdue since {deadline.due_on:%b %-d}"
            if deadline.overdue
            else "due today"
            if deadline.due_on == day
            else f"due {deadline.due_on:%b %-d}"
        )
        rows.append(f"{digest_name(due.enrollment.patient)}: {what} {when}")
    return digest_section("Treatment plans due or overdue", rows, count=total)
