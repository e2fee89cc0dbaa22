"""What sessions does when programs ends an enrollment (programs never imports sessions)."""

from django.utils import timezone

from clinic.audit import AuditAction, audit_record
from sessions.models import Reminder, SessionStatus, TherapySession
from sessions.services.common import cancel_pending_reminders


def on_enrollment_ended(*, enrollment, acting_user=None, **kwargs) -> None:
    """Inside the transaction that closed `enrollment`: take the patient off the program's rosters (the rows stay as
    history), cancel their booked sessions still to come, and their pending reminders for the program. Each change
    is audited as the acting user's, like the services that make it one by one."""
    for membership in enrollment.group_memberships.filter(left_on__isnull=True):
        membership.left_on = max(membership.joined_on, enrollment.discharged_on)
        membership.save(update_fields=["left_on"])
        audit_record(
            actor=acting_user,
            action=AuditAction.MEMBERSHIP_END,
            patient_id=membership.patient_id,
            target=membership,
            because="enrollment_ended",
        )
    upcoming = TherapySession.objects.filter(
        enrollment=enrollment, status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now()
    )
    cancelled = sorted(upcoming.values_list("pk", flat=True))
    if cancelled:
        TherapySession.objects.filter(pk__in=cancelled).update(
            status=SessionStatus.CANCELLED, cancel_reason="The patient left the program."
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.SESSION_CANCEL,
            patient_id=enrollment.patient_id,
            session_ids=cancelled,
            because="enrollment_ended",
        )
    cancel_pending_reminders(
        Reminder.objects.filter(patient=enrollment.patient, staff__isnull=True, session__program=enrollment.program),
        reason="The patient left the program.",
    )
