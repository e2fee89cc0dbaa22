"""Therapy groups: their schedule, the sessions generated from it, and their rosters."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.clock import days, local_start
from clinic.errors import full_clean_or_raise
from clinic.policy import Action
from patients.models import Patient
from programs.models import Enrollment, EnrollmentStatus
from sessions.models import GroupMembership, Reminder, SessionKind, SessionStatus, TherapyGroup, TherapySession
from sessions.services.common import SessionError, cancel_pending_reminders

SCHEDULE_CHANGED = "The group's schedule changed."
GROUP_FIELDS = frozenset(
    {
        "program",
        "title",
        "topic",
        "facilitator",
        "weekdays",
        "start_time",
        "duration_minutes",
        "location",
        "video_link",
        "capacity",
        "billing_code",
        "starts_on",
        "ends_on",
        "is_active",
    }
)


def _validate(group: TherapyGroup) -> None:
    full_clean_or_raise(group, SessionError)


@transaction.atomic
def group_create(*, acting_user, **fields) -> TherapyGroup:
    """Create a group and its sessions for the horizon ahead."""
    group = TherapyGroup(**fields)
    _validate(group)
    group.save()
    sessions_generate(group=group)
    audit_record(actor=acting_user, action=AuditAction.GROUP_CREATE, target=group)
    return group


@transaction.atomic
def group_update(*, acting_user, group: TherapyGroup, **fields) -> TherapyGroup:
    """Change a group. Future sessions that have not been held follow the new schedule (moved, cancelled or
    added); held and past sessions stay as they were."""
    for name, value in fields.items():
        if name not in GROUP_FIELDS:
            raise TypeError(f"group_update() got an unexpected field {name!r}")
        setattr(group, name, value)
    _validate(group)
    group.save()
    sessions_generate(group=group)
    audit_record(actor=acting_user, action=AuditAction.GROUP_UPDATE, target=group, fields=sorted(fields))
    return group


def _desired_starts(group: TherapyGroup, first: datetime.date, last: datetime.date) -> dict:
    if not (group.is_active and group.program.is_active):
        return {}
    first = max(first, group.starts_on)
    if group.ends_on:
        last = min(last, group.ends_on)
    return {day: local_start(day, group.start_time) for day in days(first, last) if day.isoweekday() in group.weekdays}


@transaction.atomic
def sessions_generate(*, group: TherapyGroup | None = None, today: datetime.date | None = None) -> dict[str, int]:
    """Make each group's sessions for the rolling horizon (SESSION_HORIZON_DAYS) match its schedule.

    Idempotent: a second run changes nothing. Only sessions that are still scheduled and have not started
    are moved or cancelled; a session cancelled by a schedule change comes back if the schedule does.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    horizon_end = today + datetime.timedelta(days=settings.SESSION_HORIZON_DAYS)
    groups = TherapyGroup.objects.select_related("program")
    if group is not None:
        groups = groups.filter(pk=group.pk)
    counts = {"created": 0, "moved": 0, "cancelled": 0}
    for group in groups:
        existing = {s.occurrence_date: s for s in group.sessions.filter(occurrence_date__gte=today)}
        last = max([horizon_end, *existing])
        desired = _desired_starts(group, today, last)
        changed, cancelled = [], []
        for day, session in existing.items():
            if session.status == SessionStatus.HELD or session.starts_at <= now:
                continue
            starts_at = desired.get(day)
            if starts_at is None:
                if session.status == SessionStatus.SCHEDULED:
                    session.status, session.cancel_reason = SessionStatus.CANCELLED, SCHEDULE_CHANGED
                    cancelled.append(session)
                continue
            if session.status == SessionStatus.CANCELLED and session.cancel_reason != SCHEDULE_CHANGED:
                continue  # cancelled by staff (a holiday, say): stays cancelled
            wanted = dict(
                starts_at=starts_at,
                duration_minutes=group.duration_minutes,
                location=group.location,
                video_link=group.video_link,
                facilitator_id=group.facilitator_id,
                billing_code=group.billing_code,
                status=SessionStatus.SCHEDULED,
                cancel_reason="",
            )
            if any(getattr(session, k) != v for k, v in wanted.items()):
                for k, v in wanted.items():
                    setattr(session, k, v)
                changed.append(session)
        fields = [
            "starts_at",
            "duration_minutes",
            "location",
            "video_link",
            "facilitator",
            "billing_code",
            "status",
            "cancel_reason",
        ]
        TherapySession.objects.bulk_update(changed + cancelled, fields)
        cancel_pending_reminders(Reminder.objects.filter(session__in=cancelled), reason=SCHEDULE_CHANGED)
        new = [
            TherapySession(
                kind=SessionKind.GROUP,
                program=group.program,
                group=group,
                occurrence_date=day,
                starts_at=starts_at,
                duration_minutes=group.duration_minutes,
                facilitator_id=group.facilitator_id,
                location=group.location,
                video_link=group.video_link,
                billing_code=group.billing_code,
            )
            for day, starts_at in desired.items()
            if day not in existing and day <= horizon_end and starts_at > now
        ]
        # Two overlapping runs may both try to add a day; the unique (group, day) constraint keeps one.
        TherapySession.objects.bulk_create(new, ignore_conflicts=True)
        counts["created"] += len(new)
        counts["moved"] += sum(1 for s in changed if s.status == SessionStatus.SCHEDULED)
        counts["cancelled"] += len(cancelled)
    return counts


def live_memberships(group: TherapyGroup):
    """The group's roster now: open memberships whose enrollment is still active."""
    return group.memberships.filter(left_on__isnull=True, enrollment__status=EnrollmentStatus.ACTIVE)


def _require_roster_keeper(acting_user, group: TherapyGroup, patient: Patient) -> None:
    """Rosters are clinical: a supervisor manages any group's; a counselor their own groups', for patients
    already in their caseload. Checked before the write, since joining a group widens who may see the patient."""
    policy.require(acting_user, Action.CLINICAL_WORK, error=SessionError, doing="manage group rosters")
    policy.require(acting_user, Action.SEE_PATIENT, patient)
    policy.require(acting_user, Action.KEEP_ROSTER, group, error=SessionError)


@transaction.atomic
def membership_add(
    *, acting_user, group: TherapyGroup, patient: Patient, joined_on: datetime.date | None = None
) -> GroupMembership:
    """Put a patient on a group's roster: only a patient actively enrolled in the group's program, and never
    beyond the group's capacity (checked under a lock on the group's row). Supervisors fill any group; a counselor
    their own groups, with patients of their caseload."""
    joined_on = joined_on or timezone.localdate()
    group = TherapyGroup.objects.select_for_update().select_related("program", "facilitator").get(pk=group.pk)
    _require_roster_keeper(acting_user, group, patient)
    if not group.is_active:
        raise SessionError(f"{group.title} is no longer active.", code="group_inactive")
    enrollment = Enrollment.objects.filter(
        patient=patient, program=group.program, status=EnrollmentStatus.ACTIVE
    ).first()
    if enrollment is None:
        raise SessionError(
            f"Only patients actively enrolled in {group.program.name} can join {group.title}.", code="not_enrolled"
        )
    if joined_on > timezone.localdate():
        raise SessionError("The joining date cannot be in the future.", code="date_in_future")
    if joined_on < enrollment.admitted_on:
        raise SessionError("The joining date is before the patient's admission to the program.", code="date_order")
    if group.memberships.filter(patient=patient, left_on__isnull=True).exists():
        raise SessionError(f"This patient is already on the roster of {group.title}.", code="already_member")
    if live_memberships(group).count() >= group.capacity:
        raise SessionError(f"{group.title} is full: all {group.capacity} places are taken.", code="group_full")
    try:
        with transaction.atomic():
            membership = GroupMembership.objects.create(
                group=group, patient=patient, enrollment=enrollment, joined_on=joined_on, added_by=acting_user
            )
    except IntegrityError as error:
        raise SessionError(f"This patient is already on the roster of {group.title}.", code="already_member") from error
    audit_record(actor=acting_user, action=AuditAction.MEMBERSHIP_ADD, patient_id=patient.pk, target=membership)
    return membership


@transaction.atomic
def membership_end(
    *, acting_user, membership: GroupMembership, left_on: datetime.date | None = None
) -> GroupMembership:
    """Take a patient off a roster. The row stays, with its dates, as history. The same people as for adding."""
    left_on = left_on or timezone.localdate()
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    _require_roster_keeper(acting_user, membership.group, membership.patient)
    if membership.left_on is not None:
        raise SessionError("This patient already left the group.", code="already_left")
    if left_on < membership.joined_on:
        raise SessionError("The leaving date is before the joining date.", code="date_order")
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    audit_record(
        actor=acting_user, action=AuditAction.MEMBERSHIP_END, patient_id=membership.patient_id, target=membership
    )
    return membership
