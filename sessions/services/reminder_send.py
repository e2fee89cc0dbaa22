"""Sending the due reminders, each exactly once. Beat runs it every minute; any number may run at once.

A row is claimed with a compare-and-swap (pending -> sending), re-checked, sent, and recorded as sent at the last
safe moment of the SMTP exchange (clinic.email.send_then_commit). A claim left by a worker that died is released
after REMINDER_CLAIM_TIMEOUT_SECONDS: that worker never sent the final "." of its message, so sending it again
sends it once. Transient failures retry with exponential backoff up to REMINDER_MAX_ATTEMPTS.
"""

import datetime
import logging
import smtplib
import time
from collections import Counter

from django.conf import settings
from django.core.mail import make_msgid
from django.db.models import F
from django.utils import timezone

from clinic.email import DeliveryError, open_connection, send_then_commit
from sessions import emails
from sessions.models import Reminder, ReminderKind, ReminderStatus, SessionStatus
from sessions.selectors import digest_for
from sessions.services.reminder_plan import NOT_EXPECTED, due_before, is_expected

log = logging.getLogger(__name__)

SESSION_STARTED = "The session had started or was no longer scheduled at send time."
STAFF_UNREACHABLE = "The staff member is inactive or has no email address."


class _LostClaim(Exception):
    """The row was released (claim timeout) and may be sent by another worker: this one must not finish."""


def in_quiet_hours(now: datetime.datetime) -> bool:
    """Patients get no email between REMINDER_QUIET_START and REMINDER_QUIET_END, clinic time (equal: never quiet).
    Their due reminders simply wait: nothing is dropped or moved."""
    start = datetime.time.fromisoformat(settings.REMINDER_QUIET_START)
    end = datetime.time.fromisoformat(settings.REMINDER_QUIET_END)
    local = timezone.localtime(now).time()
    if start == end:
        return False
    if start < end:  # a window within one day
        return start <= local < end
    return local >= start or local < end  # across midnight, e.g. 21:00-08:00


def _why_not_now(reminder: Reminder, now: datetime.datetime) -> str:
    """The send-time re-check: the reason this reminder must not go, or ""."""
    if reminder.to_patient:
        why = reminder.patient.reminder_blocker()
        if why or reminder.kind != ReminderKind.SESSION_REMINDER:
            return why
        session = reminder.session
        if session.status != SessionStatus.SCHEDULED or session.starts_at <= now:
            return SESSION_STARTED
        if not is_expected(session, reminder.patient_id):
            return NOT_EXPECTED
        return ""
    staff = reminder.staff
    return "" if staff.is_active and staff.email else STAFF_UNREACHABLE


def _due_for_current_start(reminder: Reminder) -> datetime.datetime | None:
    """When an upcoming-session reminder is due by its session's start now, which may have moved since the plan."""
    if reminder.kind != ReminderKind.SESSION_REMINDER or not reminder.to_patient:
        return None
    return due_before(reminder.session.starts_at, reminder.lead_hours)


def _build(reminder: Reminder, message_id: str):
    if reminder.kind == ReminderKind.SESSION_REMINDER:
        return emails.session_reminder(reminder, message_id=message_id)
    if reminder.kind == ReminderKind.MISSED_FOLLOW_UP:
        return emails.missed_follow_up(reminder, message_id=message_id)
    if reminder.kind == ReminderKind.ABSENCE_ALERT:
        return emails.absence_alert(reminder, message_id=message_id)
    return emails.daily_digest(reminder, message_id=message_id, digest=digest_for(reminder.staff, reminder.for_date))


def _release(pk: int, **fields) -> None:
    Reminder.objects.filter(pk=pk, status=ReminderStatus.SENDING).update(**fields)


def _retry_or_fail(reminder: Reminder, error: BaseException, now: datetime.datetime, *, permanent: bool) -> str:
    text = f"{type(error).__name__}: {error}"[:1000]
    if permanent or reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        _release(reminder.pk, status=ReminderStatus.FAILED, last_error=text)
        log.warning("reminder %s failed after %s attempts", reminder.pk, reminder.attempts)
        return "failed"
    delay = settings.REMINDER_RETRY_SECONDS * 2 ** (reminder.attempts - 1)
    _release(
        reminder.pk, status=ReminderStatus.PENDING, last_error=text, due_at=now + datetime.timedelta(seconds=delay)
    )
    log.info("reminder %s will be retried in %s s", reminder.pk, delay)
    return "retried"


def _send_one(pk: int, connection, now: datetime.datetime) -> str:
    claimed = Reminder.objects.filter(pk=pk, status=ReminderStatus.PENDING, due_at__lte=now).update(
        status=ReminderStatus.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return "taken"  # another sender has it
    reminder = Reminder.objects.select_related(
        "patient", "staff", "session__group", "session__program", "session__enrollment"
    ).get(pk=pk)
    if why := _why_not_now(reminder, now):
        _release(pk, status=ReminderStatus.CANCELLED, cancelled_reason=why)
        return "cancelled"
    if (due := _due_for_current_start(reminder)) and due > now:
        # The session moved later since the last plan: not due yet. Back to pending at the right time, and the
        # claim was no attempt (a planner seeing attempts would take the row's due time for a backoff).
        _release(pk, status=ReminderStatus.PENDING, due_at=due, attempts=F("attempts") - 1)
        return "rescheduled"
    address = reminder.patient.email if reminder.to_patient else reminder.staff.email
    message_id = make_msgid(idstring=f"r{pk}", domain=settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or None)
    committed = False

    def commit():
        nonlocal committed
        done = Reminder.objects.filter(pk=pk, status=ReminderStatus.SENDING).update(
            status=ReminderStatus.SENT, sent_at=timezone.now(), message_id=message_id, address=address, last_error=""
        )
        if not done:
            raise _LostClaim(pk)
        committed = True

    try:
        send_then_commit(_build(reminder, message_id), connection=connection, commit=commit)
    except _LostClaim:
        return "taken"
    except (DeliveryError, smtplib.SMTPException, OSError) as error:
        connection.close()
        if committed:  # the server refused after we recorded it: put the row back in the sending state first
            Reminder.objects.filter(pk=pk).update(status=ReminderStatus.SENDING, sent_at=None, message_id="")
        return _retry_or_fail(reminder, error, now, permanent=getattr(error, "permanent", False))
    return "sent"


def reminders_send_due(
    *, now: datetime.datetime | None = None, limit: int | None = None, seconds: float | None = None
) -> dict[str, int]:
    """Send the reminders that are due, oldest first, for at most `seconds` (a run stays within the task's time
    limit; beat starts the next one). Not one transaction: each row's progress is committed as it happens."""
    started = time.monotonic()
    seconds = settings.REMINDER_SEND_SECONDS if seconds is None else seconds
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT_SECONDS)
    released = Reminder.objects.filter(status=ReminderStatus.SENDING, claimed_at__lt=stale).update(
        status=ReminderStatus.PENDING
    )
    counts = Counter(released=released)
    due = Reminder.objects.filter(status=ReminderStatus.PENDING, due_at__lte=now).order_by("due_at", "id")
    if in_quiet_hours(now):
        counts["waiting"] = due.filter(staff__isnull=True).count()
        due = due.filter(staff__isnull=False)  # staff alerts and digests go at any hour
    connection = open_connection()
    try:
        for pk in due.values_list("pk", flat=True)[: limit or settings.REMINDER_BATCH]:
            outcome = _send_one(pk, connection, now)
            counts[outcome] += 1
            if outcome == "retried" or time.monotonic() - started > seconds:
                break  # the mail server is in trouble, or time is up: the next run goes on
    finally:
        connection.close()
    return dict(counts)
