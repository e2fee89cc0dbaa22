"""Reads for measurement-based care: score and screen histories, what is due, and what needs a clinician's eye
(open safety alerts, unexpected positive screens, rises of 5 points or more). Each is scoped to the patients the
user may see, returns a bounded list, and runs a constant number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Max, QuerySet
from django.utils import timezone

from clinic import policy
from clinic.policy import Action
from measures.instruments import RISE_POINTS, Instrument
from measures.models import DrugScreen, DrugScreenResult, MeasureResponse, MeasureSchedule, SafetyAlert, ScreenResult
from programs.models import Enrollment, EnrollmentStatus

HISTORY_LIMIT = 52  # a year of weekly measures: enough for a plot, bounded whatever the record holds
FLAG_LIMIT = 50


def _clinician(user) -> bool:
    return policy.allows(user, Action.SEE_CLINICAL)


def _scoped(queryset: QuerySet, user, lookup: str = "patient") -> QuerySet:
    """Rows whose patient the user may see; none for a user who sees no clinical content."""
    if not _clinician(user):
        return queryset.none()
    return policy.in_scope(queryset, user, lookup)


def score_history(*, patient, instrument: str, limit: int = HISTORY_LIMIT) -> list[MeasureResponse]:
    """The patient's last `limit` responses to one instrument, oldest first (for a plot). The caller has checked
    `measure.see` for the patient."""
    newest = MeasureResponse.objects.filter(patient=patient, instrument=instrument).order_by("-administered_on", "-id")[
        :limit
    ]
    return list(reversed(newest))


def screen_history(*, patient, limit: int = HISTORY_LIMIT) -> list[DrugScreen]:
    """The patient's last `limit` drug screens, newest first, each with its results (two queries)."""
    return list(
        DrugScreen.objects.filter(patient=patient).prefetch_related("results").order_by("-collected_at", "-id")[:limit]
    )


def patient_open_alerts(patient, *, limit: int = FLAG_LIMIT) -> list[SafetyAlert]:
    """The patient's safety alerts still waiting for a follow-up, oldest first, with their responses. One query.
    The caller has checked `measure.see` for the patient."""
    alerts = SafetyAlert.objects.filter(patient=patient, followed_up_at__isnull=True).select_related("response")
    return list(alerts.order_by("raised_at", "id")[:limit])


def open_safety_alerts_for(user, *, limit: int = FLAG_LIMIT) -> list[SafetyAlert]:
    """The open safety alerts the user must see: a counselor's for their caseload, a supervisor's for everyone;
    none for front desk and administrators. Oldest first: the longest-waiting on top."""
    alerts = SafetyAlert.objects.filter(followed_up_at__isnull=True).select_related("patient", "response")
    return list(_scoped(alerts, user).order_by("raised_at", "id")[:limit])


def unexpected_positives(user, *, since: datetime.date, limit: int = FLAG_LIMIT) -> list[DrugScreenResult]:
    """Positive results not explained by a prescription, in screens collected from `since` (a local day) on,
    newest first, for the patients the user may see."""
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    results = DrugScreenResult.objects.filter(
        result=ScreenResult.POSITIVE, screen__collected_at__gte=start
    ).select_related("screen__patient")
    return list(_scoped(results, user, "screen__patient").order_by("-screen__collected_at", "-id")[:limit])


def score_rises(user, *, since: datetime.date, limit: int = FLAG_LIMIT) -> list[MeasureResponse]:
    """PHQ-9 and GAD-7 responses given from `since` on whose total rose by RISE_POINTS (5) or more since the
    patient's previous response to the same instrument; each carries `previous_total` and `rise`. Newest first."""
    responses = (
        MeasureResponse.objects.filter(change__gte=RISE_POINTS, administered_on__gte=since)  # the index measure_rises
        .annotate(rise=F("change"), previous_total=F("total") - F("change"))
        .select_related("patient")
    )
    return list(_scoped(responses, user).order_by("-administered_on", "-id")[:limit])


@dataclass(frozen=True)
class MeasureDue:
    enrollment: Enrollment
    instrument: Instrument
    due_on: datetime.date
    reason: str  # "admission", "interval", "discharge"
    overdue: bool


def measures_due(enrollments: list[Enrollment], *, today: datetime.date, within_days: int = 0) -> list[MeasureDue]:
    """What each active enrollment's program schedules and is due by `today + within_days` (local days, so a
    daylight-saving change moves nothing). Per instrument the earliest reason wins:

    - at admission: due on the admission day until the instrument is first given in this stay;
    - every N days: N days after it was last given in this stay (or after admission, if never and not at admission);
    - at discharge: from the program's minimum length of stay, unless given since that day.

    Two queries whatever the number of enrollments (their programs must be loaded: select_related("program"))."""
    enrollments = [e for e in enrollments if e.status == EnrollmentStatus.ACTIVE]
    if not enrollments:
        return []
    schedules: dict[int, list[MeasureSchedule]] = {}
    for schedule in MeasureSchedule.objects.filter(program__in={e.program_id for e in enrollments}):
        schedules.setdefault(schedule.program_id, []).append(schedule)
    given = {
        (row["enrollment_id"], row["instrument"]): row["last"]
        for row in MeasureResponse.objects.filter(enrollment__in=[e.pk for e in enrollments])
        .values("enrollment_id", "instrument")
        .annotate(last=Max("administered_on"))
        .order_by()
    }
    horizon = today + datetime.timedelta(days=within_days)
    due = []
    for enrollment in enrollments:
        for schedule in schedules.get(enrollment.program_id, []):
            last = given.get((enrollment.pk, schedule.instrument))
            candidates = []
            if schedule.at_admission and last is None:
                candidates.append((enrollment.admitted_on, "admission"))
            elif schedule.every_days:
                base = last or enrollment.admitted_on
                candidates.append((base + datetime.timedelta(days=schedule.every_days), "interval"))
            stay = enrollment.program.min_length_of_stay_days
            if schedule.at_discharge and stay:
                window = enrollment.admitted_on + datetime.timedelta(days=stay)
                if last is None or last < window:
                    candidates.append((window, "discharge"))
            if not candidates:
                continue
            due_on, reason = min(candidates)
            if due_on <= horizon:
                due.append(
                    MeasureDue(enrollment, Instrument(schedule.instrument), due_on, reason, overdue=due_on < today)
                )
    return sorted(due, key=lambda d: (d.due_on, d.enrollment.pk, d.instrument))


def measures_due_for(user, *, today: datetime.date | None = None, limit: int = FLAG_LIMIT) -> list[MeasureDue]:
    """The measures due in the active enrollments of the patients the user may see (none for non-clinicians).
    Bounded: the enrollments are those of programs with a schedule, at most `limit` * 4 of them, earliest admitted
    first (the longest-waiting measures come from the longest stays)."""
    today = today or timezone.localdate()
    # IN over the scheduled programs, not a join and DISTINCT: a quarter of the time at 2,000 patients.
    enrollments = Enrollment.objects.filter(
        status=EnrollmentStatus.ACTIVE, program__in=MeasureSchedule.objects.values("program")
    )
    enrollments = _scoped(enrollments, user).select_related("program", "patient").order_by("admitted_on", "id")
    return measures_due(list(enrollments[: limit * 4]), today=today)[:limit]
