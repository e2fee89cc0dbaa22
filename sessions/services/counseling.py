"""Individual, family and check-in sessions booked for one patient, and cancelling any session."""

import datetime
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.clock import local_start, when_label
from clinic.discretion import require_discreet
from clinic.policy import Action
from patients.models import Patient
from programs.models import Enrollment, EnrollmentStatus
from sessions.models import BillingCode, Reminder, SessionKind, SessionStatus, TherapySession
from sessions.models.billing import psychotherapy_code
from sessions.selectors.booking import sessions_in_the_way
from sessions.services.common import SessionError, cancel_pending_reminders

MAX_OCCURRENCES = 26


def _billing_code(kind: str, minutes: int) -> str:
    if kind == SessionKind.FAMILY:
        return BillingCode.FAMILY
    if kind == SessionKind.CHECK_IN:
        return BillingCode.COUNSELING_15
    return psychotherapy_code(minutes)


def _clash(*, starts_at, minutes, counselor, patient) -> TherapySession | None:
    """A scheduled or held session that overlaps: the counselor's, the patient's own, or one of the groups the
    patient is on the roster of."""
    ends_at = starts_at + datetime.timedelta(minutes=minutes)
    candidates = sessions_in_the_way(counselor=counselor, patient=patient, starts_at=starts_at, ends_at=ends_at)
    return next((s for s in candidates if s.ends_at > starts_at), None)


def past_may_be_confirmed() -> bool:
    """May a time that has passed be booked once confirmed (BOOKING_PAST = "warn"), or is it refused?"""
    return settings.BOOKING_PAST == "warn"


def _require_not_past(starts_at: datetime.datetime, *, now: datetime.datetime, confirmed: bool) -> None:
    if starts_at >= now or (confirmed and past_may_be_confirmed()):
        return
    when = when_label(starts_at)
    if past_may_be_confirmed():
        raise SessionError(f"{when} has passed: confirm to book it all the same, or choose a later time.", code="past")
    raise SessionError(f"{when} has passed: choose a later time.", code="past")


@transaction.atomic
def counseling_book(
    *,
    acting_user,
    patient: Patient,
    counselor,
    kind: str,
    day: datetime.date,
    at: datetime.time,
    duration_minutes: int,
    location: str = "",
    video_link: str = "",
    repeat_every_weeks: int = 0,
    occurrences: int = 1,
    past_confirmed: bool = False,
    now: datetime.datetime | None = None,
) -> list[TherapySession]:
    """Book an individual, family or check-in session (or a series, e.g. a check-in every two weeks) with a
    counselor, at a local wall-clock time. The patient must be in the acting user's scope and actively enrolled;
    neither the counselor nor the patient may already have a session at that time. A time that has passed is
    refused, or with BOOKING_PAST = "warn" booked once confirmed (`past_confirmed`: to record a session held)."""
    policy.require(acting_user, Action.BOOK_SESSION, patient)
    if kind not in (SessionKind.INDIVIDUAL, SessionKind.FAMILY, SessionKind.CHECK_IN):
        raise SessionError("Choose individual, family or check-in.", code="kind_invalid")
    policy.require(counselor, Action.HOLD_SESSIONS, error=SessionError)  # the counselor chosen, not the booker
    if not 5 <= duration_minutes <= 600:
        raise SessionError("A session lasts between 5 and 600 minutes.", code="duration_invalid")
    if not location.strip() and not video_link.strip():
        raise SessionError("Give a room or a video link, so the patient knows where to go.", code="no_place")
    require_discreet(location, label="Room", error_class=SessionError)
    require_discreet(video_link, label="Video link", error_class=SessionError)
    if not 1 <= occurrences <= MAX_OCCURRENCES:
        raise SessionError(f"Book between 1 and {MAX_OCCURRENCES} sessions at once.", code="occurrences_invalid")
    if occurrences > 1 and not 1 <= repeat_every_weeks <= 8:
        raise SessionError("A series repeats every 1 to 8 weeks.", code="repeat_invalid")
    _require_not_past(local_start(day, at), now=now or timezone.now(), confirmed=past_confirmed)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    enrollment = Enrollment.objects.filter(patient=patient, status=EnrollmentStatus.ACTIVE).first()
    if enrollment is None:
        raise SessionError("Only a patient with an active enrollment can be booked.", code="not_enrolled")
    if day < enrollment.admitted_on:
        raise SessionError("The session is before the patient's admission.", code="date_order")

    series = uuid.uuid4() if occurrences > 1 else None
    booked = []
    for n in range(occurrences):
        starts_at = local_start(day + datetime.timedelta(weeks=n * repeat_every_weeks), at)
        clash = _clash(starts_at=starts_at, minutes=duration_minutes, counselor=counselor, patient=patient)
        if clash is not None:
            mine = clash.patient_id == patient.pk or (clash.group_id and clash.facilitator_id != counselor.pk)
            who = "The patient" if mine else str(counselor)
            raise SessionError(
                f"{who} already has a session at {when_label(clash.starts_at)}.",
                code="clash",
            )
        booked.append(
            TherapySession.objects.create(
                kind=kind,
                program=enrollment.program,
                patient=patient,
                enrollment=enrollment,
                facilitator=counselor,
                starts_at=starts_at,
                duration_minutes=duration_minutes,
                location=location.strip(),
                video_link=video_link.strip(),
                billing_code=_billing_code(kind, duration_minutes),
                series=series,
            )
        )
    audit_record(
        actor=acting_user,
        action=AuditAction.SESSION_BOOK,
        patient_id=patient.pk,
        target=booked[0],
        kind=kind,
        occurrences=occurrences,
    )
    return booked


@transaction.atomic
def session_cancel(*, acting_user, session: TherapySession, reason: str) -> TherapySession:
    """Cancel a session that has not been held; its pending reminders are cancelled with it. Counselors cancel only
    the sessions they run; front desk and supervisors any."""
    policy.require(acting_user, Action.CANCEL_SESSION, session, error=SessionError)
    if not reason.strip():
        raise SessionError("Give a reason for cancelling the session.", code="reason_required")
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.SCHEDULED:
        raise SessionError(
            f"Only a scheduled session can be cancelled; this one is {session.get_status_display()}.",
            code="not_scheduled",
        )
    session.status, session.cancel_reason = SessionStatus.CANCELLED, reason.strip()
    session.save(update_fields=["status", "cancel_reason"])
    cancel_pending_reminders(Reminder.objects.filter(session=session), reason="The session was cancelled.")
    audit_record(actor=acting_user, action=AuditAction.SESSION_CANCEL, patient_id=session.patient_id, target=session)
    return session
