from django.db.models import QuerySet

from clinic.errors import DomainError
from sessions.models import Reminder, ReminderStatus


class SessionError(DomainError):
    pass


def cancel_pending_reminders(reminders: QuerySet[Reminder], *, reason: str) -> int:
    return reminders.filter(status=ReminderStatus.PENDING).update(
        status=ReminderStatus.CANCELLED, cancelled_reason=reason
    )
