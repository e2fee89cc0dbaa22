"""What a booking must not clash with, and the counselor's next free slot on the clinic's grid of hours."""

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from clinic.clock import days, local_day_bounds, local_start
from sessions.models import GroupMembership, SessionStatus, TherapySession

LONGEST_SESSION = datetime.timedelta(hours=10)
SLOT_SEARCH_DAYS = 14  # how far ahead the booking form looks for a free slot before giving up


def sessions_in_the_way(*, counselor, patient, starts_at, ends_at) -> QuerySet[TherapySession]:
    """The scheduled or held sessions starting before `ends_at` that may still run at `starts_at`: the counselor's
    (the groups they run included), the patient's own, and those of the groups the patient is on the roster of.
    A session that started up to LONGEST_SESSION earlier is among them: the caller checks its end."""
    groups = GroupMembership.objects.filter(patient=patient, left_on__isnull=True).values("group_id")
    whose = Q(patient=patient) | Q(group_id__in=groups)
    if counselor is not None:
        whose |= Q(facilitator=counselor)
    return TherapySession.objects.filter(
        whose, starts_at__lt=ends_at, starts_at__gt=starts_at - LONGEST_SESSION
    ).exclude(status=SessionStatus.CANCELLED)


def booking_grid(day: datetime.date):
    """The starts the clinic books on `day`, as wall-clock times: every BOOKING_SLOT_MINUTES from CLINIC_OPENS while a
    slot still fits before CLINIC_CLOSES; none on a day the clinic is closed (CLINIC_WORKDAYS)."""
    if day.isoweekday() not in settings.CLINIC_WORKDAYS:
        return
    wall = datetime.datetime.combine(day, datetime.time.fromisoformat(settings.CLINIC_OPENS))
    closes = datetime.datetime.combine(day, datetime.time.fromisoformat(settings.CLINIC_CLOSES))
    step = datetime.timedelta(minutes=settings.BOOKING_SLOT_MINUTES)
    while wall + step <= closes:
        yield wall.time()
        wall += step


def next_free_slot(*, counselor, patient, minutes: int, now: datetime.datetime | None = None):
    """The first start on the clinic's grid after `now` at which a session of `minutes` fits before closing and
    clashes with nothing in `sessions_in_the_way`, within SLOT_SEARCH_DAYS; None if there is none. Wall-clock
    times in the clinic's zone, so 08:00 stays 08:00 across a daylight-saving change. One query."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    last = today + datetime.timedelta(days=SLOT_SEARCH_DAYS)
    first_instant, last_instant = local_day_bounds(today, last)
    busy = [
        (start, start + datetime.timedelta(minutes=length))
        for start, length in sessions_in_the_way(
            counselor=counselor, patient=patient, starts_at=first_instant, ends_at=last_instant
        ).values_list("starts_at", "duration_minutes")
    ]
    length = datetime.timedelta(minutes=minutes)
    closes = datetime.time.fromisoformat(settings.CLINIC_CLOSES)
    for day in days(today, last):
        closing = local_start(day, closes)
        for wall in booking_grid(day):
            start = local_start(day, wall)
            if start.time() != wall:
                continue  # a wall-clock time the spring change skips: the next slot is the real one
            end = start + length
            if start > now and end <= closing and not any(b_start < end and b_end > start for b_start, b_end in busy):
                return start
    return None
