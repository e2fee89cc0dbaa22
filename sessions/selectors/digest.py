"""A clinician's morning digest, and its extension point: apps above sessions (plans, measures) register digest
sections here in their ready(), since sessions must not import them."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q

from clinic.clock import local_day_bounds, week_start
from programs.models import Enrollment, EnrollmentStatus
from sessions.models import ProgressNote, SessionStatus, TherapySession
from sessions.selectors.hours import weekly_hours

SECTION_ROWS = 20  # rows a section prints; its count says how many there are


@dataclass(frozen=True)
class DigestSection:
    """A block of the digest from another app: a title, plain-text rows and how many there are in all. Rows name a
    patient as `digest_name` does (first name, last initial, MRN) and nothing clinical a lost email should not carry:
    no scores, no answers."""

    title: str
    rows: list[str]
    count: int
    at_least: bool = False  # the count is a floor: the source lists a bounded number
    urgent: bool = False  # printed first, above the day's sessions

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


# (order, name) -> builder(staff, day) returning a section, or None when it does not apply to this staff member
# (e.g. not a clinician). Keyed, so that registering twice (ready() run again) replaces rather than repeats.
_sections: dict[tuple[int, str], Callable[..., DigestSection | None]] = {}


def digest_section_register(name: str, build: Callable[..., DigestSection | None], *, order: int = 50) -> None:
    """Add a section to every digest: `build(staff, day)` -> DigestSection | None, a fixed number of queries.
    Sections print by `order` (urgent ones first), then name."""
    for key in [key for key in _sections if key[1] == name]:
        del _sections[key]
    _sections[(order, name)] = build


def digest_section(
    title: str, rows: list[str], *, count: int | None = None, cap: int | None = None, urgent: bool = False
) -> DigestSection:
    """A section of the first SECTION_ROWS `rows`; `count` in all (default: all the rows given), a floor when the
    source returned `cap` rows, its bound."""
    count = len(rows) if count is None else count
    at_least = cap is not None and len(rows) >= cap
    return DigestSection(title, rows[:SECTION_ROWS], count, at_least=at_least, urgent=urgent)


def digest_name(patient) -> str:
    """A patient as the digest's sections name them: first name, last initial and MRN."""
    return f"{patient.display_first_name} {patient.legal_last_name[:1]}. (MRN {patient.mrn})"


@dataclass
class Digest:
    sessions: list[dict]
    under_minimum: list[dict]
    unsigned_notes: int
    sections: list[DigestSection] = field(default_factory=list)

    @property
    def urgent_sections(self) -> list[DigestSection]:
        return [section for section in self.sections if section.urgent]

    @property
    def other_sections(self) -> list[DigestSection]:
        return [section for section in self.sections if not section.urgent]


def digest_for(staff, day: datetime.date) -> Digest:
    """A clinician's morning digest: the day's sessions they hold, their caseload's patients who fell short of
    their weekly minimum last week, their unsigned notes, and the registered sections (plans and measures due,
    safety alerts...). A fixed number of queries."""
    start, end = local_day_bounds(day, day)
    sessions = [
        {
            "starts_at": s.starts_at,
            "location": s.location or s.video_link,
            "title": s.title_with_patient,
        }
        for s in TherapySession.objects.filter(facilitator=staff, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("group", "patient")
    ]
    caseload = Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE).filter(
        Q(counselor=staff) | Q(patient__primary_counselor=staff)
    )
    last_week = week_start(day) - datetime.timedelta(days=7)
    weeks = weekly_hours(enrollments=caseload, first_week=last_week, last_week=last_week)
    short = {pk: rows[0] for pk, rows in weeks.items() if rows and rows[0].under_minimum}
    under = [
        {
            "name": f"{e.patient.display_first_name} {e.patient.legal_last_name[:1]}.",  # as digest_name
            "mrn": e.patient.mrn,
            "hours": short[e.pk].hours,
            "minimum": short[e.pk].minimum,
        }
        for e in caseload.filter(pk__in=short).select_related("patient").order_by("patient__legal_last_name")
    ]
    unsigned = ProgressNote.objects.filter(author=staff, signed_at__isnull=True).count()
    sections = [section for _, build in sorted(_sections.items()) if (section := build(staff, day)) is not None]
    return Digest(sessions=sessions, under_minimum=under, unsigned_notes=unsigned, sections=sections)
