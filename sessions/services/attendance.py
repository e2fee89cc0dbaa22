"""Recording attendance, and the absence policy that follows an unexcused absence."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.policy import Action
from patients.models import Patient
from programs.models import Enrollment
from sessions.models import (
    AbsenceReview,
    Attendance,
    AttendanceStatus,
    GroupMembership,
    Reminder,
    ReminderKind,
    ReminderStatus,
    SessionStatus,
    TherapySession,
)
from sessions.models.attendance import ATTENDED, PARTIAL
from sessions.services.common import SessionError, cancel_pending_reminders


class BulkAttendanceError(SessionError):
    """Some rows of a whole-group recording were invalid; none was saved. `errors` maps patient id to message."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(f"{len(errors)} row(s) need attention; nothing was saved.", code="bulk_invalid")
        self.errors = errors


@dataclass
class Entry:
    patient: Patient
    status: str
    minutes: int | None = None


def roster_enrollments(session: TherapySession) -> dict[int, int]:
    """Patient id -> enrollment id for everyone who can be recorded in `session`: the group's roster on the
    session's local date, or the booked patient."""
    if session.patient_id is not None:
        return {session.patient_id: session.enrollment_id}
    day = session.local_date
    rows = GroupMembership.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=day), group_id=session.group_id, joined_on__lte=day
    ).values_list("patient_id", "enrollment_id")
    return dict(rows)


def _minutes(session: TherapySession, status: str, minutes: int | None) -> int:
    """Minutes attended: the whole session when present, required when late or leaving early, zero for absences,
    never above the session's length."""
    length = session.duration_minutes
    if status not in AttendanceStatus.values:
        raise SessionError("Choose an attendance status.", code="status_invalid")
    if status not in ATTENDED:
        if minutes:
            raise SessionError("An absence has no minutes attended.", code="minutes_invalid")
        return 0
    if minutes is None:
        if status in PARTIAL:
            raise SessionError(
                "Give the minutes attended for a late arrival or early departure.", code="minutes_required"
            )
        return length
    if not 1 <= minutes <= length:
        raise SessionError(f"Minutes attended must be between 1 and the session's {length}.", code="minutes_invalid")
    if status in PARTIAL and minutes == length:
        raise SessionError(f"Late or leaving early means fewer than the full {length} minutes.", code="minutes_invalid")
    return minutes


def _check_session(session: TherapySession) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise SessionError("This session was cancelled; there is no attendance to record.", code="cancelled")
    if not session.has_started:
        raise SessionError("This session has not started yet.", code="not_started")


def _record(*, acting_user, session, patient_id, status, minutes, roster) -> Attendance:
    if patient_id not in roster:
        raise SessionError("This patient is not on this session's roster.", code="not_on_roster")
    minutes = _minutes(session, status, minutes)
    attendance = Attendance.objects.select_for_update().filter(session=session, patient_id=patient_id).first()
    previous = attendance.status if attendance else None
    if attendance is None:
        attendance = Attendance(session=session, patient_id=patient_id, enrollment_id=roster[patient_id])
    elif hasattr(attendance, "note") and attendance.note.is_signed:
        raise SessionError("The note for this attendance is signed; correct it with an addendum.", code="signed")
    attendance.status, attendance.minutes_attended, attendance.recorded_by = status, minutes, acting_user
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError as error:
        raise SessionError(
            "Attendance for this patient was recorded at the same moment; reload and check.", code="conflict"
        ) from error
    if status == AttendanceStatus.UNEXCUSED and previous != AttendanceStatus.UNEXCUSED:
        _absence_follow_up(attendance)
    elif previous == AttendanceStatus.UNEXCUSED and status != AttendanceStatus.UNEXCUSED:
        cancel_pending_reminders(
            Reminder.objects.filter(
                session=session,
                patient_id=patient_id,
                kind__in=[ReminderKind.MISSED_FOLLOW_UP, ReminderKind.ABSENCE_ALERT],
            ),
            reason="The absence was corrected.",
        )
    audit_record(
        actor=acting_user,
        action=AuditAction.ATTENDANCE_RECORD,
        patient_id=patient_id,
        target=attendance,
        status=status,
        minutes=minutes,
    )
    return attendance


def _absence_follow_up(attendance: Attendance) -> None:
    """The absence policy: alert the primary counselor, follow up discreetly with the patient, and flag the
    enrollment for review once its unexcused absences reach the program's limit. Outbox rows are written in the
    same transaction as the attendance, so neither is ever kept without the other."""
    session, patient = attendance.session, attendance.patient
    enrollment = Enrollment.objects.select_related("program", "counselor").get(pk=attendance.enrollment_id)
    counselor = patient.primary_counselor or enrollment.counselor or session.facilitator
    _queue(ReminderKind.ABSENCE_ALERT, session=session, patient=patient, staff=counselor, why_not="")
    # Like every patient email, the follow-up obeys the program's reminder settings: none in residential care.
    why_not = enrollment.program.patient_email_blocker() or patient.reminder_blocker()
    _queue(ReminderKind.MISSED_FOLLOW_UP, session=session, patient=patient, staff=None, why_not=why_not)
    count = Attendance.objects.filter(enrollment=enrollment, status=AttendanceStatus.UNEXCUSED).count()
    limit = enrollment.program.max_unexcused_absences
    if count >= max(limit, 1) and not enrollment.absence_reviews.filter(resolved_at__isnull=True).exists():
        try:
            with transaction.atomic():
                AbsenceReview.objects.create(enrollment=enrollment, unexcused_absences=count)
        except IntegrityError:
            pass  # flagged at the same moment by another recording: one open review is enough


def _queue(kind, *, session, patient, staff, why_not: str) -> None:
    """Queue one outbox row, due now. A patient who cannot receive it still gets a row, cancelled with the reason,
    so staff can see why nothing went out. A row cancelled by an earlier correction is queued again; one already
    sent is never sent twice."""
    status = ReminderStatus.CANCELLED if why_not else ReminderStatus.PENDING
    reminder, created = Reminder.objects.get_or_create(
        kind=kind,
        session=session,
        patient=patient,
        staff=staff,
        lead_hours=0,
        defaults={"due_at": timezone.now(), "status": status, "cancelled_reason": why_not},
    )
    if not created and reminder.status == ReminderStatus.CANCELLED:
        reminder.status, reminder.cancelled_reason, reminder.due_at = status, why_not, timezone.now()
        reminder.save(update_fields=["status", "cancelled_reason", "due_at"])


@transaction.atomic
def attendance_record(
    *, acting_user, session: TherapySession, patient: Patient, status: str, minutes: int | None = None
) -> Attendance:
    """Record (or correct) one patient's attendance in a session that has started."""
    policy.require(acting_user, Action.RUN_SESSION, session, error=SessionError, doing="record attendance")
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    _check_session(session)
    attendance = _record(
        acting_user=acting_user,
        session=session,
        patient_id=patient.pk,
        status=status,
        minutes=minutes,
        roster=roster_enrollments(session),
    )
    _mark_held(session)
    return attendance


@transaction.atomic
def attendance_record_bulk(*, acting_user, session: TherapySession, entries: list[Entry]) -> list[Attendance]:
    """Record a whole session's attendance in one transaction: every row is saved, or none is."""
    policy.require(acting_user, Action.RUN_SESSION, session, error=SessionError, doing="record attendance")
    session = TherapySession.objects.select_for_update().get(pk=session.pk)
    _check_session(session)
    roster = roster_enrollments(session)
    saved, errors = [], {}
    for entry in entries:
        try:
            with transaction.atomic():
                saved.append(
                    _record(
                        acting_user=acting_user,
                        session=session,
                        patient_id=entry.patient.pk,
                        status=entry.status,
                        minutes=entry.minutes,
                        roster=roster,
                    )
                )
        except SessionError as error:
            errors[entry.patient.pk] = error.message
    if errors:
        raise BulkAttendanceError(errors)  # leaving the atomic block rolls back the rows saved above
    _mark_held(session)
    return saved


def _mark_held(session: TherapySession) -> None:
    if session.status == SessionStatus.SCHEDULED:
        session.status = SessionStatus.HELD
        session.save(update_fields=["status"])


@transaction.atomic
def absence_review_resolve(*, acting_user, review: AbsenceReview, outcome: str) -> AbsenceReview:
    """Close a review of repeated absences with what was decided. Any further unexcused absence in the same
    enrollment opens a new review: past the limit, each one needs a look."""
    policy.require(acting_user, Action.RESOLVE_REVIEW, error=SessionError)
    policy.require(acting_user, Action.SEE_PATIENT, review.enrollment.patient)
    if not outcome.strip():
        raise SessionError(
            "Write the outcome of the review (contact made, plan agreed, level reviewed...).", code="outcome_required"
        )
    review = AbsenceReview.objects.select_for_update().get(pk=review.pk)
    if review.resolved_at is not None:
        raise SessionError("This review is already resolved.", code="resolved")
    review.resolved_at, review.resolved_by, review.outcome = timezone.now(), acting_user, outcome.strip()
    review.save(update_fields=["resolved_at", "resolved_by", "outcome"])
    audit_record(
        actor=acting_user,
        action=AuditAction.ABSENCE_REVIEW_RESOLVE,
        patient_id=review.enrollment.patient_id,
        target=review,
    )
    return review
