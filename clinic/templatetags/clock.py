"""`{{ session.starts_at|clock_time }}` ("5:34 PM") and `{{ note.signed_at|clock_when:"M j" }}` ("Nov 28, 5:34 PM"):
templates write times with the same helper as messages and emails (clinic/clock.py)."""

from django import template

from clinic.clock import DAY_FORMAT, time_label, when_label

register = template.Library()


@register.filter
def clock_time(moment) -> str:
    return time_label(moment) if moment else ""


@register.filter
def clock_when(moment, day_format: str = DAY_FORMAT) -> str:
    return when_label(moment, day_format) if moment else ""
