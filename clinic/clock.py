"""Wall-clock time in the clinic's zone. Groups meet at 09:30 local whatever the UTC offset of the day."""

import datetime

from django.utils import timezone


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
