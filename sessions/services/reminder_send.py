"""Sending the due reminders, each exactly once. Beat runs it every minute; any number may run at once.

A sender claims a batch of due rows at once (pending -> sending, one UPDATE over rows locked with SKIP LOCKED),
stamped with the claim's time. Each row is re-checked, sent over the batch's one SMTP connection, and recorded as
sent, in a commit of its own, at the last safe moment of the SMTP exchange (clinic.email.send_then_commit), by an
UPDATE that checks the stamp. A claim left by a worker that died is released after
REMINDER_CLAIM_TIMEOUT_SECONDS: that worker never sent the final "." of those messages, so sending them again
sends them once; a live sender gives its unsent rows back before half that time. Transient failures retry with
exponential backoff up to REMINDER_MAX_ATTEMPTS.
"""

import contextlib
import datetime
import logging
import smtplib
import time
from collections import Counter

from django.conf import settings
from django.core.mail import make_msgid
from django.db import DatabaseError, transaction
from django.db import connection as db
from django.db.models import F
from django.utils import timezone

from clinic.email import DeliveryError, drop_connection, open_connection, send_then_commit
from sessions import emails
from sessions.models import Reminder, ReminderKind, ReminderStatus, SessionStatus
from sessions.selectors import digest_for
from sessions.services.reminder_plan import NOT_EXPECTED, due_before, expected_of

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


def _why_not_now(reminder: Reminder, now: datetime.datetime, expected: set[tuple[int, int]]) -> str:
    """The send-time re-check: the reason this reminder must not go, or "". `expected` is `expected_of` for the
    batch, read when the batch was claimed."""
    if reminder.to_patient:
        why = reminder.session.program.patient_email_blocker() or reminder.patient.reminder_blocker()
        if why or reminder.kind != ReminderKind.SESSION_REMINDER:
            return why
        session = reminder.session
        if session.status != SessionStatus.SCHEDULED or session.starts_at <= now:
            return SESSION_STARTED
        if (session.pk, reminder.patient_id) not in expected:
            return NOT_EXPECTED
        return ""
    staff = reminder.staff
    return "" if staff.is_active and staff.email else STAFF_UNREACHABLE


def _due_for_current_start(reminder: Reminder) -> datetime.datetime | None:
    """When an upcoming-session reminder is due by its session's start now, which may have moved since the plan."""
    if reminder.kind != ReminderKind.SESSION_REMINDER or not reminder.to_patient:
        return None
    return due_before(reminder.session.starts_at, reminder.lead_hours)


def _build(reminder: Reminder, message_id: str, now: datetime.datetime):
    if reminder.kind == ReminderKind.SESSION_REMINDER:
        return emails.session_reminder(reminder, message_id=message_id)
    if reminder.kind == ReminderKind.MISSED_FOLLOW_UP:
        return emails.missed_follow_up(reminder, message_id=message_id)
    if reminder.kind == ReminderKind.ABSENCE_ALERT:
        return emails.absence_alert(reminder, message_id=message_id)
    digest = digest_for(reminder.staff, reminder.for_date)
    return emails.daily_digest(reminder, message_id=message_id, digest=digest, now=now)


def _due(now: datetime.datetime):
    return Reminder.objects.filter(status=ReminderStatus.PENDING, due_at__lte=now).order_by("due_at", "id")


def _claim(due, size: int, stamp: datetime.datetime) -> list[int]:
    """Within a transaction: lock up to `size` due rows no one else is locking and mark them sending."""
    ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:size])
    claimed = Reminder.objects.filter(pk__in=ids, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.SENDING, claimed_at=stamp, attempts=F("attempts") + 1
    )
    if claimed != len(ids):  # cannot happen under the row locks; if it did, claim nothing rather than guess
        transaction.set_rollback(True)
        return []
    return ids


class _Batch:
    """Reminders claimed together: one UPDATE takes up to `size` due rows (on PostgreSQL, rows another sender is
    claiming are skipped, never waited for) and stamps them with the claim's time, which every later write of this
    sender checks, so a row released from it (claim timeout) and claimed by another is never written by both."""

    def __init__(self, due, size: int):
        self.stamp = timezone.now()
        self.started = time.monotonic()
        with transaction.atomic():
            ids = _claim(due, size, self.stamp)
        self.reminders = list(
            Reminder.objects.filter(pk__in=ids)
            .select_related("patient", "staff", "session__group", "session__program", "session__enrollment")
            .order_by("due_at", "id")
        )
        upcoming = [r for r in self.reminders if r.kind == ReminderKind.SESSION_REMINDER and r.to_patient]
        self.expected = expected_of([(r.session, r.patient_id) for r in upcoming])

    def mine(self, pk: int):
        return Reminder.objects.filter(pk=pk, status=ReminderStatus.SENDING, claimed_at=self.stamp)

    def release(self, pk: int, **fields) -> None:
        self.mine(pk).update(**fields)

    def give_back(self, reminders: list[Reminder]) -> int:
        """Unsent rows of the batch back to pending now; the claim was no attempt."""
        return Reminder.objects.filter(
            pk__in=[r.pk for r in reminders], status=ReminderStatus.SENDING, claimed_at=self.stamp
        ).update(status=ReminderStatus.PENDING, attempts=F("attempts") - 1)

    def is_stale(self) -> bool:
        """Held for half the claim timeout: give the rest back before another sender may take it over."""
        return time.monotonic() - self.started > settings.REMINDER_CLAIM_TIMEOUT_SECONDS / 2


def _retry_or_fail(batch: _Batch, reminder: Reminder, error: BaseException, now, *, permanent: bool) -> str:
    text = f"{type(error).__name__}: {error}"[:1000]
    if permanent or reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        batch.release(reminder.pk, status=ReminderStatus.FAILED, last_error=text)
        log.warning("reminder %s failed after %s attempts", reminder.pk, reminder.attempts)
        return "failed"
    delay = settings.REMINDER_RETRY_SECONDS * 2 ** (reminder.attempts - 1)
    batch.release(
        reminder.pk, status=ReminderStatus.PENDING, last_error=text, due_at=now + datetime.timedelta(seconds=delay)
    )
    log.info("reminder %s will be retried in %s s", reminder.pk, delay)
    return "retried"


def _send_one(batch: _Batch, reminder: Reminder, connection, now: datetime.datetime) -> str:
    pk = reminder.pk
    if why := _why_not_now(reminder, now, batch.expected):
        batch.release(pk, status=ReminderStatus.CANCELLED, cancelled_reason=why)
        return "cancelled"
    if (due := _due_for_current_start(reminder)) and due > now:
        # The session moved later since the last plan: not due yet. Back to pending at the right time, and the
        # claim was no attempt (a planner seeing attempts would take the row's due time for a backoff).
        batch.release(pk, status=ReminderStatus.PENDING, due_at=due, attempts=F("attempts") - 1)
        return "rescheduled"
    address = reminder.patient.email if reminder.to_patient else reminder.staff.email
    message_id = make_msgid(idstring=f"r{pk}", domain=settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or None)
    committed = False

    def commit():
        nonlocal committed
        done = batch.mine(pk).update(
            status=ReminderStatus.SENT, sent_at=timezone.now(), message_id=message_id, address=address, last_error=""
        )
        if not done:
            raise _LostClaim(pk)
        committed = True

    try:
        send_then_commit(_build(reminder, message_id, now), connection=connection, commit=commit)
    except _LostClaim:
        return "taken"
    except (DeliveryError, smtplib.SMTPException, OSError) as error:
        drop_connection(connection)
        if committed:  # the server refused after we recorded it: put the row back in the sending state first
            Reminder.objects.filter(pk=pk).update(status=ReminderStatus.SENDING, sent_at=None, message_id="")
        return _retry_or_fail(batch, reminder, error, now, permanent=getattr(error, "permanent", False))
    return "sent"


def _send_batch(batch: _Batch, connection, now: datetime.datetime, counts: Counter, deadline: float) -> bool:
    """Send a claimed batch over one connection, committing each message as the server takes it. A failed
    message is retried per the rules and the next one goes on a new connection; two failures in a row mean the
    mail server is in trouble: the rest is given back and the run stops (returns False), as when time is up."""
    failures = 0
    for n, reminder in enumerate(batch.reminders):
        if failures >= 2 or time.monotonic() > deadline or batch.is_stale():
            counts["given_back"] += batch.give_back(batch.reminders[n:])
            return failures < 2 and time.monotonic() <= deadline
        outcome = _send_one(batch, reminder, connection, now)
        counts[outcome] += 1
        failures = failures + 1 if outcome == "retried" else 0
    return failures < 2


def _commit_without_waiting_for_disk() -> None:
    """With REMINDER_SYNCHRONOUS_COMMIT=false, this sender's commits return once PostgreSQL has them, before its
    write-ahead log reaches the disk (a few milliseconds each, most of a message's time on a slow disk). A worker
    killed at any moment changes nothing (the server has the commit); only a crash of the database server itself
    in the last moments (3 x wal_writer_delay, 0.6 s by default) can forget a row marked sent, which then goes
    again: a double, never a loss. The default (true) waits for the disk on every message."""
    if db.vendor == "postgresql" and not settings.REMINDER_SYNCHRONOUS_COMMIT:
        with db.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")


def _commit_waiting_for_disk() -> None:
    if db.vendor == "postgresql" and not settings.REMINDER_SYNCHRONOUS_COMMIT:
        with contextlib.suppress(DatabaseError), db.cursor() as cursor:  # a broken connection is not reused anyway
            cursor.execute("RESET synchronous_commit")


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
    due = _due(now)
    if in_quiet_hours(now):
        counts["waiting"] = due.filter(staff__isnull=True).count()
        due = due.filter(staff__isnull=False)  # staff alerts and digests go at any hour
    budget = limit or settings.REMINDER_BATCH
    deadline = started + seconds
    connection = open_connection()
    try:
        _commit_without_waiting_for_disk()
        while budget > 0 and time.monotonic() <= deadline:
            size = min(budget, settings.REMINDER_CLAIM_SIZE)
            batch = _Batch(due, size)
            budget -= len(batch.reminders)
            if not _send_batch(batch, connection, now, counts, deadline):
                break  # the mail server is in trouble, or time is up: the next run goes on
            if len(batch.reminders) < size:
                break  # nothing more is due (or the rest is another sender's)
    finally:
        drop_connection(connection)
        _commit_waiting_for_disk()
    return dict(counts)
