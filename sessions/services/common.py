from django.db.models import QuerySet

from clinic.errors import DomainError
from clinic.models import Role
from clinic.roles import is_clinician
from patients.selectors import patient_visible_to
from sessions.models import Reminder, ReminderStatus, TherapySession


class SessionError(DomainError):
    pass


def require_clinician(user, *, doing: str) -> None:
    if not is_clinician(user):
        raise SessionError(f"Only counselors and clinical supervisors can {doing}.", code="not_clinical")


def may_run_session(user, session: TherapySession) -> bool:
    """Who takes a session's attendance and writes its notes: a supervisor any session; a counselor the sessions
    they facilitate and the booked sessions of patients in their caseload."""
    if not is_clinician(user):
        return False
    if user.role == Role.SUPERVISOR or session.facilitator_id == user.pk:
        return True
    return session.patient_id is not None and patient_visible_to(user, session.patient)


def require_session_runner(user, session: TherapySession, *, doing: str) -> None:
    """Services check this whatever page or form the session's id came from."""
    require_clinician(user, doing=doing)
    if not may_run_session(user, session):
        raise SessionError(
            f"You can {doing} only for sessions you run or for patients in your caseload.", code="out_of_scope"
        )


def cancel_pending_reminders(reminders: QuerySet[Reminder], *, reason: str) -> int:
    return reminders.filter(status=ReminderStatus.PENDING).update(
        status=ReminderStatus.CANCELLED, cancelled_reason=reason
    )
