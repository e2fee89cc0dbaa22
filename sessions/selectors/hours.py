"""Weekly hours: attended time per ISO week against the level of care's bounds."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.db.models.functions import ExtractIsoYear, ExtractWeek
from django.utils import timezone

from clinic import levels
from clinic.clock import local_day_bounds, week_start
from programs.models import Enrollment
from sessions.models import Attendance


@dataclass(frozen=True)
class WeekHours:
    enrollment_id: int
    week_start: datetime.date
    minutes: int
    minimum: Decimal | None
    maximum: Decimal | None
    partial: bool  # the enrollment began or ended during the week
    in_progress: bool  # the week is not over yet

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))

    @property
    def under_minimum(self) -> bool:
        """Short of the level's minimum over a whole week of enrollment. A week in progress is short only once
        it can no longer be made up, which the dashboard judges; here it is not flagged."""
        return self.minimum is not None and not self.partial and not self.in_progress and self.hours < self.minimum

    @property
    def short_so_far(self) -> bool:
        return self.minimum is not None and self.hours < self.minimum

    @property
    def over_maximum(self) -> bool:
        return self.maximum is not None and self.hours > self.maximum


def weekly_hours(
    *, enrollments: QuerySet[Enrollment], first_week: datetime.date, last_week: datetime.date
) -> dict[int, list[WeekHours]]:
    """Attended hours per ISO week (clinic time) for each enrollment, against its program's weekly bounds,
    for the weeks from `first_week` to `last_week` (any day in them). Weeks of enrollment without attendance
    count as zero. Two queries, whatever the number of enrollments or weeks."""
    first, last = week_start(first_week), week_start(last_week)
    start, end = local_day_bounds(first, last + datetime.timedelta(days=6))
    rows = enrollments.values(
        "pk",
        "admitted_on",
        "discharged_on",
        "program__level_of_care",
        "program__min_weekly_hours",
        "program__max_weekly_hours",
    )
    minutes = (
        Attendance.objects.filter(
            enrollment__in=enrollments.values("pk"), session__starts_at__gte=start, session__starts_at__lt=end
        )
        .annotate(year=ExtractIsoYear("session__starts_at"), week=ExtractWeek("session__starts_at"))
        .values("enrollment_id", "year", "week")
        .annotate(minutes=Sum("minutes_attended"))
        .order_by()
    )
    attended = {
        (r["enrollment_id"], datetime.date.fromisocalendar(r["year"], r["week"], 1)): r["minutes"] for r in minutes
    }
    today = timezone.localdate()
    result: dict[int, list[WeekHours]] = {}
    for row in rows:
        low, high = hours_bounds(
            row["program__level_of_care"], row["program__min_weekly_hours"], row["program__max_weekly_hours"]
        )
        admitted, discharged = row["admitted_on"], row["discharged_on"]
        weeks = []
        monday = max(first, week_start(admitted))
        while monday <= last and (discharged is None or monday <= discharged):
            weeks.append(
                week_hours(
                    row["pk"], monday, attended.get((row["pk"], monday), 0), low, high, admitted, discharged, today
                )
            )
            monday += datetime.timedelta(days=7)
        result[row["pk"]] = weeks
    return result


def hours_bounds(level_of_care: str, minimum: Decimal | None, maximum: Decimal | None) -> tuple:
    """A program's weekly hours bounds: its own, or its level of care's where it sets none."""
    facts = levels.facts(level_of_care)
    return (
        facts.min_weekly_hours if minimum is None else minimum,
        facts.max_weekly_hours if maximum is None else maximum,
    )


def week_hours(
    enrollment_id: int,
    monday: datetime.date,
    minutes: int,
    low: Decimal | None,
    high: Decimal | None,
    admitted: datetime.date,
    discharged: datetime.date | None,
    today: datetime.date,
) -> WeekHours:
    """The week from `monday` of an enrollment from `admitted` to `discharged`, with `minutes` attended."""
    sunday = monday + datetime.timedelta(days=6)
    return WeekHours(
        enrollment_id=enrollment_id,
        week_start=monday,
        minutes=minutes,
        minimum=low,
        maximum=high,
        partial=admitted > monday or (discharged is not None and discharged < sunday),
        in_progress=sunday >= today,
    )
