"""The admin's lists at clinic scale: a date drill-down that probes the date's index, a changelist that turns an
out-of-range date into a bad filter, and a paginator whose count stops at a bound."""

import datetime
import functools

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import Exists, Max, Min, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property


class IndexedDrillDown:
    """The date drill-down's periods (`dates()` / `datetimes()` by year, month or day) found through the date's
    index: the first and last date, then one query asking, for each period between them, whether a row falls in it
    (an index probe each). Django's own asks PostgreSQL for the distinct periods of every row, which reads the whole
    table: every session ever booked, to print a dozen month links."""

    MAX_PERIODS = 400  # a drill-down this wide (dates centuries apart) asks the database the plain way

    def aggregate(self, *args, **kwargs):
        """Asked once per queryset: the drill-down tag asks for the first and last date, then `dates()` does."""
        if args:
            return super().aggregate(*args, **kwargs)
        asked = self.__dict__.setdefault("_aggregates_asked", {})
        key = repr(sorted(kwargs.items()))
        if key not in asked:
            asked[key] = super().aggregate(**kwargs)
        return dict(asked[key])

    def dates(self, field_name, kind, order="ASC"):
        return self._periods(field_name, kind, order, None, lambda day: day) or super().dates(field_name, kind, order)

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        zone = tzinfo or timezone.get_current_timezone()

        def start(day):
            return datetime.datetime.combine(day, datetime.time(), tzinfo=zone)

        return self._periods(field_name, kind, order, zone, start) or super().datetimes(field_name, kind, order, tzinfo)

    def _periods(self, field_name, kind, order, zone, start):
        """The periods holding a row, or None to ask the plain way (an empty list when there are no rows)."""
        if kind not in ("year", "month", "day"):
            return None
        bounds = self.aggregate(first=Min(field_name), last=Max(field_name))
        if bounds["first"] is None:
            return []
        first, last = bounds["first"], bounds["last"]
        if zone is not None:
            first, last = timezone.localtime(first, zone).date(), timezone.localtime(last, zone).date()
        try:
            days = _period_starts(first, last, kind)
            edges = [start(day) for day in days] + [start(_next_period(days[-1], kind))]
        except (ValueError, OverflowError):  # the last period of year 9999 ends past Python's dates
            return None
        if len(days) > self.MAX_PERIODS:
            return None
        probes = {
            f"p{i}": Exists(self.filter(**{f"{field_name}__gte": edges[i], f"{field_name}__lt": edges[i + 1]}))
            for i in range(len(days))
        }
        held = next(iter(self.order_by().annotate(**probes).values(*probes)[:1]), {})  # one row of answers
        found = [edges[i] for i in range(len(days)) if held.get(f"p{i}")]
        return found if order == "ASC" else found[::-1]


def _period_starts(first: datetime.date, last: datetime.date, kind: str) -> list[datetime.date]:
    day = {"year": first.replace(month=1, day=1), "month": first.replace(day=1), "day": first}[kind]
    starts = []
    while day <= last and len(starts) <= IndexedDrillDown.MAX_PERIODS:
        starts.append(day)
        day = _next_period(day, kind)
    return starts


def _next_period(day: datetime.date, kind: str) -> datetime.date:
    if kind == "day":
        return day + datetime.timedelta(days=1)
    if kind == "month":
        return day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1)
    return day.replace(year=day.year + 1)


@functools.cache
def _drilling_down(queryset_class: type) -> type:
    return type(f"IndexedDrillDown{queryset_class.__name__}", (IndexedDrillDown, queryset_class), {})


def _indexed(field) -> bool:
    """Whether an index leads with `field`: its own, or one of the model's (a partial one answers only some rows)."""
    if field.db_index or field.unique or field.primary_key:
        return True
    return any(
        index.fields and index.fields[0].lstrip("-") == field.name and index.condition is None
        for index in field.model._meta.indexes
    )


class CheckedChangeList(ChangeList):
    """A list whose date drill-down (`?at__year=99999999999`, `__year=9999&__month=12`) cannot overflow Python's
    dates into a server error: a date out of range is a bad filter, which the admin answers by going back to the
    unfiltered list."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        hierarchy = self.model_admin.date_hierarchy
        # A caseload's few hundred rows are quicker asked the plain way than probed period by period.
        if (
            hierarchy
            and "__" not in hierarchy
            and _indexed(self.model._meta.get_field(hierarchy))
            and not self.model_admin.lists_a_caseload(request)
        ):
            queryset = queryset._clone()
            queryset.__class__ = _drilling_down(type(queryset))
        return queryset

    def get_results(self, request):
        try:
            super().get_results(request)  # counts the rows: the first query the filters reach
        except OverflowError as error:  # a date in range here but not in UTC, e.g. year 1 east of Greenwich
            raise IncorrectLookupParameters(error) from error


class AtLeast(int):
    """A count that stopped at a bound: prints as "10000+" (and pluralizes as a number)."""

    def __str__(self) -> str:
        return f"{int(self)}+"


class BoundedCountPaginator(Paginator):
    """Counts at most COUNT_BOUND rows, then says "10000+": PostgreSQL cannot count a table without reading all of
    it, so the exact total of half a million notes cost more than the rest of the page. Past the bound the pages
    run to the bound; a filter, a search, the date drill-down or the other sort order reaches the rest.

    With `ids_at_once` (a list no longer than a caseload's rows) one query reads every id in the list's order,
    which gives the count, then the page's rows are read by id with their joins: counting apart would read the
    same rows twice, and a counselor's list of notes otherwise joined each of their few thousand notes to its
    session, group, patient and author, to keep 25."""

    COUNT_BOUND = 10_000

    def __init__(self, *args, ids_at_once: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.ids_at_once = ids_at_once and isinstance(self.object_list, QuerySet)

    @cached_property
    def _all_ids(self) -> list:
        return list(self.object_list.values_list("pk", flat=True)[: self.COUNT_BOUND + 1])

    @cached_property
    def count(self) -> int:
        if self.ids_at_once:
            rows = len(self._all_ids)
        else:
            rows = self.object_list.order_by().values("pk")[: self.COUNT_BOUND + 1].count()
        return rows if rows <= self.COUNT_BOUND else AtLeast(self.COUNT_BOUND)

    def page(self, number):
        page = super().page(number)
        if self.ids_at_once:
            ids = self._all_ids[page.start_index() - 1 : page.end_index()] if self.count else []
            page.object_list = self.object_list.filter(pk__in=ids)  # in the list's order
        return page
