"""Wall-clock time in the clinic's zone. Groups meet at 09:30 local whatever the UTC offset of the day."""

import datetime

from django.utils import dateformat, timezone

# One way to write a time of day, on pages, in messages and in emails: "5:34 PM", as US clinics write it.
# (clinic/formats/en/formats.py gives Django's own TIME_FORMAT the same, so the admin agrees.)
TIME_FORMAT = "g:i A"
DAY_FORMAT = "D M j"  # Tue Nov 28


def date_label(day: datetime.date, day_format: str = "M j, Y") -> str:
    """A day as the pages write it: "Nov 8, 2026"."""
    return dateformat.format(day, day_format)


def time_label(moment: datetime.datetime | datetime.time) -> str:
    """`moment` as the clinic writes a time of day: "5:34 PM". An aware instant is read on the clinic's clock."""
    if isinstance(moment, datetime.datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return dateformat.time_format(moment, TIME_FORMAT)


def when_label(moment: datetime.datetime, day_format: str = DAY_FORMAT) -> str:
    """A day and a time of day: "Tue Nov 28, 5:34 PM" (the day as `day_format`, a Django date format)."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{dateformat.format(moment, day_format)}, {time_label(moment)}"


def local_start(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """The aware instant of `at` o'clock on `day` in the clinic's time zone (TIME_ZONE).

    zoneinfo picks the offset in force on that day, so a 09:30 group stays at 09:30 across daylight-saving
    changes. A time that does not exist that day (02:30 on the spring change) falls an hour later.
    """
    zone = timezone.get_default_timezone()
    moment = datetime.datetime.combine(day, at, tzinfo=zone)
    # Round-trip through UTC to normalise a non-existent wall-clock time to a real instant.
    return moment.astimezone(datetime.UTC).astimezone(zone)


def local_day_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The instants from the start of `first` to the end of `last`, local days."""
    return local_start(first, datetime.time.min), local_start(last + datetime.timedelta(days=1), datetime.time.min)


def days(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s ISO week."""
    return day - datetime.timedelta(days=day.isoweekday() - 1)
