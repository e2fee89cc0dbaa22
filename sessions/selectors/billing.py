"""Billing facts: the services each patient received per day."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from clinic.clock import local_day_bounds
from clinic.levels import LevelOfCare
from sessions.models import Attendance, BillingCode
from sessions.models.attendance import ATTENDED

IOP_DAY_MINUTES = 180  # H0015 bills an IOP day of at least three hours


@dataclass
class Service:
    session_id: int
    kind: str
    billing_code: str
    minutes: int
    participants: int


@dataclass
class BillingDay:
    patient_id: int
    day: datetime.date
    level_of_care: str
    services: list[Service] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.services)

    @property
    def iop_day_code(self) -> str | None:
        """H0015 when an IOP patient received at least three hours of services that day."""
        if self.level_of_care == LevelOfCare.INTENSIVE_OUTPATIENT and self.minutes >= IOP_DAY_MINUTES:
            return BillingCode.IOP_DAY
        return None


def billing_days(
    *, first: datetime.date, last: datetime.date, patient_ids: list[int] | None = None
) -> list[BillingDay]:
    """Per patient and local day, the services received (attended sessions with their billing code, minutes and
    participant count), as an IOP day-rate claim needs them. One query."""
    start, end = local_day_bounds(first, last)
    participants = (
        Attendance.objects.filter(session=OuterRef("session"), status__in=ATTENDED)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    attendances = Attendance.objects.filter(
        status__in=ATTENDED, session__starts_at__gte=start, session__starts_at__lt=end
    )
    if patient_ids is not None:
        attendances = attendances.filter(patient_id__in=patient_ids)
    rows = (
        attendances.annotate(
            day=TruncDate("session__starts_at", tzinfo=timezone.get_default_timezone()),
            participants=Subquery(participants),
            level=F("enrollment__program__level_of_care"),
        )
        .values_list(
            "patient_id",
            "day",
            "level",
            "session_id",
            "session__kind",
            "session__billing_code",
            "minutes_attended",
            "participants",
        )
        .order_by("patient_id", "session__starts_at")
    )
    days: dict[tuple[int, datetime.date], BillingDay] = {}
    for patient_id, day, level, session_id, kind, code, minutes, count in rows:
        entry = days.setdefault((patient_id, day), BillingDay(patient_id, day, level))
        entry.services.append(Service(session_id, kind, code, minutes, count))
    return list(days.values())
