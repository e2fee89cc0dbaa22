"""Clinic-local instants for tests that pin the clock (time-machine). No test reads the real clock and then
assumes where it falls in the day, week or year: it travels to a stated instant, or to each of EDGES."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

CLINIC_ZONE = ZoneInfo("America/New_York")  # the default TIME_ZONE


def clinic_time(text: str) -> datetime.datetime:
    """The aware instant of a clinic-local "YYYY-MM-DD HH:MM"; add " again" for the repeated hour of the
    fall-back night. A wall-clock time that does not exist (the spring-forward night) falls an hour later."""
    moment = datetime.datetime.fromisoformat(text.removesuffix(" again")).replace(tzinfo=CLINIC_ZONE)
    moment = moment.astimezone(datetime.UTC).astimezone(CLINIC_ZONE)
    return moment + datetime.timedelta(hours=1) if text.endswith(" again") else moment


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """The aware instant of a clinic-local wall-clock time on `day` (one that does not exist falls an hour later)."""
    moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=CLINIC_ZONE)
    return moment.astimezone(datetime.UTC).astimezone(CLINIC_ZONE)


def monday(weeks_ago: int = 0) -> datetime.date:
    """The Monday of the clinic's current ISO week (by the pinned clock), or of the week `weeks_ago` before it."""
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.isoweekday() - 1, weeks=weeks_ago)


def this_week(days: int, hour: int = 10) -> datetime.datetime:
    """The aware instant of `hour` o'clock, clinic time, `days` after this week's Monday."""
    return at(monday() + datetime.timedelta(days=days), hour)


# An ordinary Wednesday morning, far from a daylight-saving change and the end of a year: the suite's clock.
ORDINARY = "2026-11-18 10:00"
TODAY = clinic_time(ORDINARY).date()
TOMORROW = TODAY + datetime.timedelta(days=1)
# Where a behaviour depends on the day, week or year: around midnight (Sunday into Monday too), both daylight-saving
# nights of 2026 in America/New_York, and the turn of 2026 (a year with an ISO week 53) into 2027.
EDGES = [
    ORDINARY,
    "2026-11-18 22:45",  # Wednesday, late evening
    "2026-11-19 03:30",  # Thursday, early morning
    "2026-11-22 23:50",  # Sunday night, the last minutes of an ISO week
    "2026-11-23 00:15",  # Monday, just after midnight
    "2026-03-08 01:30",  # spring forward: 02:00 -> 03:00
    "2026-03-08 03:30",
    "2026-11-01 01:30",  # fall back: 01:30 twice
    "2026-11-01 01:30 again",
    "2026-12-31 23:30",  # Thursday of ISO week 2026-W53
    "2027-01-01 00:15",  # Friday, still ISO week 2026-W53
    "2027-01-04 00:15",  # Monday of 2027-W01
]

# Instants that some modules pin instead of ORDINARY, with `pytest.mark.time_machine(instant, tick=False)`:
# the reminder emails' (a Wednesday morning), and the bad-input and fuzzing tests' (a Tuesday afternoon).
REMINDER_MORNING = clinic_time("2027-03-10 10:00")
BAD_INPUT_AFTERNOON = clinic_time("2026-03-10 15:00")
