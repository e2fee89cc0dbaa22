from sessions.models.attendance import Attendance, AttendanceStatus, GroupNarrative, NoteAddendum, ProgressNote
from sessions.models.billing import BillingCode
from sessions.models.groups import GroupMembership, TherapyGroup, Weekday
from sessions.models.reminders import AbsenceReview, Reminder, ReminderKind, ReminderStatus
from sessions.models.therapy_sessions import SessionKind, SessionStatus, TherapySession

__all__ = [
    "AbsenceReview",
    "Attendance",
    "AttendanceStatus",
    "BillingCode",
    "GroupMembership",
    "GroupNarrative",
    "NoteAddendum",
    "ProgressNote",
    "Reminder",
    "ReminderKind",
    "ReminderStatus",
    "SessionKind",
    "SessionStatus",
    "TherapyGroup",
    "TherapySession",
    "Weekday",
]
