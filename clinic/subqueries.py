"""Figures per row of a list, computed by the database for the rows of the page only."""

from django.db.models import Aggregate, Count, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce


def per_row(queryset: QuerySet, by: str, aggregate: Aggregate | None = None):
    """`aggregate` (a count by default) of `queryset`'s rows, which the caller correlates with the outer row
    (`OuterRef`) and which share `by`, as a correlated subquery: PostgreSQL computes it after the outer query's
    ORDER BY and LIMIT, for the rows of the page only, where a join grouped by the outer row would aggregate every
    row of the table first (and again for the list's count). A count or a sum of no rows is 0; a Min or Max None."""
    aggregate = Count(by) if aggregate is None else aggregate
    value = Subquery(queryset.order_by().values(by).annotate(value=aggregate).values("value"))
    return Coalesce(value, 0) if isinstance(aggregate, Count | Sum) else value
