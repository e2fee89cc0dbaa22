"""Planning the reminder outbox. Beat runs it every minute; it is idempotent and reads only current state.

The planner owns the upcoming-session reminders: for each scheduled session within reach of its program's lead
times and each patient expected there, one row per lead time, pending when the patient can receive it and
cancelled with the reason when not (no consent, no email). When the state changes (the session moves, is
cancelled, the patient leaves or revokes consent) the next run moves or cancels the row; when it changes back,
the row is pending again. Rows already sending, sent or failed are never touched. It also queues each clinician's
daily digest.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clinic.clock import local_start
from clinic.models import User
from patients.models import Patient
from programs.models import EnrollmentStatus, Program
from sessions.models import GroupMembership, Reminder, ReminderKind, ReminderStatus, SessionStatus, TherapySession

NOT_EXPECTED = "The patient is no longer expected at this session."
NOT_SCHEDULED = "The session is no longer scheduled."
# A reminder whose time passed before it could be planned (a session booked at short notice) is not sent late.
TOO_LATE = datetime.timedelta(minutes=10)
LAST_DIGEST_TIME = datetime.time(21, 0)
PLAN_AHEAD_HOURS = 48
MOVED_AWAY = "The session moved further ahead; it is planned again as it comes near."


def due_before(starts_at: datetime.datetime, lead_hours: int) -> datetime.datetime:
    """`lead_hours` before `starts_at` on the clinic's wall clock: the 24-hour reminder of a 09:30 session is at
    09:30 the day before, even across a daylight-saving change."""
    local = timezone.localtime(starts_at).replace(tzinfo=None) - datetime.timedelta(hours=lead_hours)
    return local_start(local.date(), local.time())


def _expected_patients(sessions: list[TherapySession]) -> dict[int, set[int]]:
    """Session id -> ids of the patients expected there: the booked patient, or the group's roster that day."""
    expected = {s.pk: set() for s in sessions}
    for session in sessions:
        if session.patient_id and session.enrollment.status == EnrollmentStatus.ACTIVE:
            expected[session.pk].add(session.patient_id)
    groups = {s.group_id for s in sessions if s.group_id}
    members = GroupMembership.objects.filter(
        group_id__in=groups, left_on__isnull=True, enrollment__status=EnrollmentStatus.ACTIVE
    ).values_list("group_id", "patient_id", "joined_on")
    roster: dict[int, list] = {}
    for group_id, patient_id, joined_on in members:
        roster.setdefault(group_id, []).append((patient_id, joined_on))
    for session in sessions:
        for patient_id, joined_on in roster.get(session.group_id, []):
            if joined_on <= session.local_date:
                expected[session.pk].add(patient_id)
    return expected


def expected_of(pairs: list[tuple[TherapySession, int]]) -> set[tuple[int, int]]:
    """The (session id, patient id) pairs whose patient is still expected at the session (booked, or on the roster
    that day): one query for a whole batch (a booked session's enrollment is loaded with it)."""
    expected = {
        (s.pk, pid)
        for s, pid in pairs
        if s.patient_id is not None and s.patient_id == pid and s.enrollment.status == EnrollmentStatus.ACTIVE
    }
    grouped = [(s, pid) for s, pid in pairs if s.patient_id is None]
    if not grouped:
        return expected
    joined = {
        (group_id, patient_id): joined_on
        for group_id, patient_id, joined_on in GroupMembership.objects.filter(
            group_id__in={s.group_id for s, _ in grouped},
            patient_id__in={pid for _, pid in grouped},
            left_on__isnull=True,
            enrollment__status=EnrollmentStatus.ACTIVE,
        ).values_list("group_id", "patient_id", "joined_on")
    }
    for session, patient_id in grouped:
        since = joined.get((session.group_id, patient_id))
        if since is not None and since <= session.local_date:
            expected.add((session.pk, patient_id))
    return expected


def _plan_session_reminders(now: datetime.datetime) -> dict[str, int]:
    leads = [
        max(p, default=0) for p in Program.objects.filter(is_active=True).values_list("reminder_lead_hours", flat=True)
    ]
    # Planned two days before the first one is due, so staff see what will go out (and why not).
    reach = datetime.timedelta(hours=max(leads, default=0) + PLAN_AHEAD_HOURS)
    sessions = list(
        TherapySession.objects.filter(
            status=SessionStatus.SCHEDULED, starts_at__gt=now, starts_at__lte=now + reach
        ).select_related("program", "enrollment")
    )
    expected = _expected_patients(sessions)
    patients = Patient.objects.in_bulk({pid for ids in expected.values() for pid in ids})
    existing = {
        (r.session_id, r.patient_id, r.lead_hours): r
        for r in Reminder.objects.filter(kind=ReminderKind.SESSION_REMINDER, session__in=sessions, staff__isnull=True)
    }
    new, changed = [], []
    for session in sessions:
        for patient_id in expected[session.pk]:
            why_not = patients[patient_id].reminder_blocker()
            for lead in session.program.reminder_lead_hours:
                due = due_before(session.starts_at, lead)
                reminder = existing.pop((session.pk, patient_id, lead), None)
                status = ReminderStatus.CANCELLED if why_not else ReminderStatus.PENDING
                if reminder is None:
                    if due >= now - TOO_LATE:
                        new.append(
                            Reminder(
                                kind=ReminderKind.SESSION_REMINDER,
                                session=session,
                                patient_id=patient_id,
                                lead_hours=lead,
                                due_at=due,
                                status=status,
                                cancelled_reason=why_not,
                            )
                        )
                elif reminder.status in (ReminderStatus.PENDING, ReminderStatus.CANCELLED):
                    # After a failed attempt the sender owns the timing (backoff); the plan may still cancel.
                    due = reminder.due_at if reminder.attempts and not why_not else due
                    if (reminder.status, reminder.cancelled_reason, reminder.due_at) != (status, why_not, due):
                        reminder.status, reminder.cancelled_reason, reminder.due_at = status, why_not, due
                        changed.append(reminder)
    for reminder in existing.values():  # planned before, no longer expected (left the group, lead time removed)
        if reminder.status == ReminderStatus.PENDING:
            reminder.status, reminder.cancelled_reason = ReminderStatus.CANCELLED, NOT_EXPECTED
            changed.append(reminder)
    Reminder.objects.bulk_create(new, ignore_conflicts=True)  # an overlapping run may have made the same rows
    Reminder.objects.bulk_update(changed, ["status", "cancelled_reason", "due_at"])
    # Sessions cancelled, or moved out of reach: their pending reminders are cancelled, the latter until the
    # session comes near again.
    pending = Reminder.objects.filter(kind=ReminderKind.SESSION_REMINDER, status=ReminderStatus.PENDING)
    gone = pending.filter(~Q(session__status=SessionStatus.SCHEDULED)).update(
        status=ReminderStatus.CANCELLED, cancelled_reason=NOT_SCHEDULED
    )
    gone += pending.filter(session__starts_at__gt=now + reach).update(
        status=ReminderStatus.CANCELLED, cancelled_reason=MOVED_AWAY
    )
    return {"created": len(new), "changed": len(changed), "cancelled": gone}


def _plan_digests(now: datetime.datetime) -> int:
    """Each active clinician with an email gets today's digest at DIGEST_LOCAL_TIME (sent later the same day if
    the workers were down then)."""
    local_now = timezone.localtime(now)
    if local_now.time() >= LAST_DIGEST_TIME:
        return 0  # too late in the day for a morning digest
    today = local_now.date()
    hour, minute = (int(part) for part in settings.DIGEST_LOCAL_TIME.split(":"))
    due = local_start(today, datetime.time(hour, minute))
    staff = (
        User.objects.clinicians()
        .exclude(email="")
        .exclude(reminders__kind=ReminderKind.DAILY_DIGEST, reminders__for_date=today)
    )
    rows = [Reminder(kind=ReminderKind.DAILY_DIGEST, staff=user, for_date=today, due_at=due) for user in staff]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)  # an overlapping run may have made the same rows
    return len(rows)


@transaction.atomic
def reminders_plan(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Bring the outbox in line with the schedule, the rosters and the patients' consent. Safe to run twice."""
    now = now or timezone.now()
    counts = _plan_session_reminders(now)
    counts["digests"] = _plan_digests(now)
    return counts
