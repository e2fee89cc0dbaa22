"""The schedule as a calendar: a time grid of one counselor's week, or of one day with a counselor or a room per
column. Each session is placed on 15-minute rows of the clinic's local wall-clock time; the page draws the rows with
CSS classes (static/css/calendar.css: the Content-Security-Policy forbids inline styles) and lists each column's
sessions in time order, so a screen reader reads a column as a list."""

import datetime
import math
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.utils import timezone

from clinic import policy
from clinic.clock import local_day_bounds
from clinic.models import User
from clinic.policy import Action, patients_visible_to
from patients.models import Patient
from programs.models import Program
from sessions.models import TherapySession
from sessions.selectors.caseload import carried_by
from sessions.selectors.schedule import LISTED, schedule_week, with_visibility

SLOT_MINUTES = 15
SHOWN_HOURS = (7, 21)  # the hours a grid shows at least (local); sessions earlier or later widen it
COLUMNS_PER_PAGE = 8  # the day view's columns on one screen; more counselors or rooms page
COLUMN_LIMIT = 40  # sessions in one column of a day (a room, a counselor)
VIDEO = "Video"  # the column of the sessions held by video, in the day view by room


@dataclass
class Placed:
    session: TherapySession
    row: int  # the grid row of its start, from 1
    span: int  # the rows it covers


@dataclass
class Column:
    label: str
    day: datetime.date
    today: bool
    placed: list[Placed] = field(default_factory=list)
    more: int = 0  # sessions of the column not placed (a day past the schedule's DAY_LIMIT)
    book: str = ""  # the query of the booking page for this column ("counselor=3&day=2026-12-01"), if allowed


@dataclass
class Grid:
    by: str  # what a column is: "day", "counselor" or "room"
    first_hour: int
    rows: int
    columns: list[Column]
    clinician: bool
    visible_patient_ids: set[int]
    truncated: bool = False  # more sessions than the grid's columns list
    page: Page | None = None  # the day view's columns

    @property
    def hours(self) -> list[tuple[str, int]]:
        """Each hour's label and its row, for the grid's margin."""
        per_hour = 60 // SLOT_MINUTES
        hours = range(self.first_hour, self.first_hour + self.rows // per_hour)
        return [(datetime.time(hour).strftime("%-I %p"), (hour - self.first_hour) * per_hour + 1) for hour in hours]


def _geometry(sessions: list[TherapySession]) -> tuple[int, int]:
    """The first hour and the number of rows that show every one of `sessions` and at least SHOWN_HOURS."""
    first, last = SHOWN_HOURS
    for session in sessions:
        start = timezone.localtime(session.starts_at)
        first = min(first, start.hour)
        end_minutes = start.hour * 60 + start.minute + session.duration_minutes
        last = max(last, min(24, math.ceil(end_minutes / 60)))
    return first, (last - first) * 60 // SLOT_MINUTES


def _place(session: TherapySession, first_hour: int, rows: int) -> Placed:
    """The rows `session` covers on a grid of `rows` from `first_hour`; one running past midnight stops there."""
    start = timezone.localtime(session.starts_at)
    offset = (start.hour - first_hour) * 60 + start.minute
    row = offset // SLOT_MINUTES + 1
    span = max(1, math.ceil((offset % SLOT_MINUTES + session.duration_minutes) / SLOT_MINUTES))
    return Placed(session, row, min(span, rows - row + 1))


def _fill(columns: dict, sessions: list[TherapySession], key) -> tuple[int, int]:
    first_hour, rows = _geometry(sessions)
    for session in sessions:
        columns[key(session)].placed.append(_place(session, first_hour, rows))
    return first_hour, rows


def _book_query(counselor: User | None, day: datetime.date) -> str:
    """Every role books sessions (for the patients it may see): with a counselor who holds sessions."""
    if counselor is None or not policy.allows(counselor, Action.HOLD_SESSIONS):
        return ""
    return f"counselor={counselor.pk}&day={day.isoformat()}"


def counselor_week(user, *, counselor: User, day: datetime.date) -> Grid:
    """`counselor`'s sessions in `day`'s week, Monday to Sunday (cancelled ones too), a column per day: the week the
    schedule lists (each day's first DAY_LIMIT and how many more), placed on the grid. The schedule's queries."""
    week = schedule_week(user, day=day, counselor=counselor)
    today = timezone.localdate()
    columns = {
        d.day: Column(
            d.day.strftime("%a %b %-d"), d.day, d.day == today, book=_book_query(counselor, d.day), more=d.more
        )
        for d in week.days
    }
    listed = [session for d in week.days for session in d.sessions]
    first_hour, rows = _fill(columns, listed, lambda s: s.local_date)
    return Grid("day", first_hour, rows, list(columns.values()), week.clinician, week.visible_patient_ids)


def day_columns(
    user,
    *,
    day: datetime.date,
    by: str = "counselor",
    counselor: User | None = None,
    program: Program | None = None,
    page: str | int | None = None,
) -> Grid:
    """The sessions of `day` (of `counselor` or `program`, all when None), a column per counselor (`by`
    "counselor") or per room ("room": video sessions in one column), COLUMNS_PER_PAGE columns a page in name
    order, each column's first COLUMN_LIMIT sessions. Five queries at most, whatever the size of the clinic: the
    columns are found and counted in the database and only one page of them is loaded."""
    start, end = local_day_bounds(day, day)
    sessions = TherapySession.objects.filter(starts_at__gte=start, starts_at__lt=end)
    if counselor is not None:
        sessions = sessions.filter(facilitator=counselor)
    if program is not None:
        sessions = sessions.filter(program=program)
    by = "room" if by == "room" else "counselor"
    if by == "room":
        keys = sessions.values_list("location").distinct().order_by("location")
    else:
        names = ("facilitator__last_name", "facilitator__first_name")
        keys = sessions.values_list("facilitator", *names).distinct().order_by(*names, "facilitator")
    one_page = Paginator(keys, COLUMNS_PER_PAGE).get_page(page)
    chosen = [row[0] for row in one_page.object_list]
    key_field = "location" if by == "room" else "facilitator_id"
    listed = list(
        sessions.filter(**{f"{key_field}__in": chosen})
        .select_related("group", "patient", "facilitator")
        .only(*LISTED)
        .order_by("starts_at", "pk")[: COLUMN_LIMIT * len(chosen)]
    )
    clinician, visible = with_visibility(user, listed)
    today = day == timezone.localdate()
    if by == "room":
        columns = {key: Column(key or VIDEO, day, today) for key in chosen}
    else:
        people = {person.pk: person for person in User.objects.filter(pk__in=chosen)}
        columns = {key: Column(str(people[key]), day, today, book=_book_query(people[key], day)) for key in chosen}
    first_hour, rows = _fill(columns, listed, lambda s: getattr(s, key_field))
    grid = Grid(by, first_hour, rows, list(columns.values()), clinician, visible, page=one_page)
    grid.truncated = len(listed) == COLUMN_LIMIT * len(chosen) > 0
    return grid


def patients_to_book(user, *, counselor: User, limit: int = 50) -> list[Patient]:
    """The first `limit` patients in care with `counselor`, by name, that `user` may see: those offered when booking
    from the counselor's calendar (any other patient the user may see is still found by name or MRN)."""
    return list(
        patients_visible_to(user)
        .filter(enrollments__in=carried_by(counselor))
        .order_by("legal_last_name", "legal_first_name", "pk")
        .only("mrn", "legal_first_name", "legal_last_name", "preferred_name")[:limit]
    )
