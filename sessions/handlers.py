"""What sessions does when programs ends an enrollment (programs never imports sessions)."""

from django.utils import timezone

from sessions.models import Reminder, SessionStatus, TherapySession
from sessions.services.common import cancel_pending_reminders


def on_enrollment_ended(*, enrollment, **kwargs) -> None:
    """Inside the transaction that closed `enrollment`: take the patient off the program's rosters (the rows stay as
    history), cancel their booked sessions still to come, and their pending reminders for the program."""
    for membership in enrollment.group_memberships.filter(left_on__isnull=True):
        membership.left_on = max(membership.joined_on, enrollment.discharged_on)
        membership.save(update_fields=["left_on"])
    upcoming = TherapySession.objects.filter(
        enrollment=enrollment, status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now()
    )
    upcoming.update(status=SessionStatus.CANCELLED, cancel_reason="The patient left the program.")
    cancel_pending_reminders(
        Reminder.objects.filter(patient=enrollment.patient, staff__isnull=True, session__program=enrollment.program),
        reason="The patient left the program.",
    )
