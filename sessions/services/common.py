from django.db.models import QuerySet

from clinic.errors import DomainError
from clinic.roles import is_clinician
from sessions.models import Reminder, ReminderStatus


class SessionError(DomainError):
    pass


def require_clinician(user, *, doing: str) -> None:
    if not is_clinician(user):
        raise SessionError(f"Only counselors and clinical supervisors can {doing}.", code="not_clinical")


def cancel_pending_reminders(reminders: QuerySet[Reminder], *, reason: str) -> int:
    return reminders.filter(status=ReminderStatus.PENDING).update(
        status=ReminderStatus.CANCELLED, cancelled_reason=reason
    )
