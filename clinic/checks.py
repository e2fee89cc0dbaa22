"""System checks that turn misconfiguration into a clear message at start-up."""

import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.checks import Error, register

from clinic import policy
from clinic.discretion import revealing_settings


@register()
def check_clinic_settings(app_configs, **kwargs):
    problems = []
    try:
        ZoneInfo(settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            Error(
                f"TIME_ZONE {settings.TIME_ZONE!r} is not a known time zone.",
                hint="Use e.g. America/Chicago.",
                id="clinic.E001",
            )
        )
    problems.extend(_booking_problems())
    for name, word in revealing_settings().items():
        problems.append(
            Error(
                f"{name} contains {word!r}; patient emails print it and must not reveal addiction treatment "
                "(42 CFR Part 2). Until it changes, patient emails are held.",
                id="clinic.E002",
            )
        )
    return problems


def _booking_problems() -> list[Error]:
    problems = []
    if settings.BOOKING_PAST not in ("refuse", "warn"):
        problems.append(
            Error(f"BOOKING_PAST is {settings.BOOKING_PAST!r}.", hint='Use "refuse" or "warn".', id="clinic.E004")
        )
    try:
        opens, closes = (
            datetime.time.fromisoformat(settings.CLINIC_OPENS),
            datetime.time.fromisoformat(settings.CLINIC_CLOSES),
        )
    except (TypeError, ValueError):
        opens = closes = None
    if opens is None or opens >= closes:
        problems.append(
            Error(
                f"CLINIC_OPENS {settings.CLINIC_OPENS!r} and CLINIC_CLOSES {settings.CLINIC_CLOSES!r} are not "
                "opening and closing hours.",
                hint="Use e.g. 08:00 and 18:00.",
                id="clinic.E005",
            )
        )
    if (
        not 5 <= settings.BOOKING_SLOT_MINUTES <= 240
        or not settings.CLINIC_WORKDAYS
        or not set(settings.CLINIC_WORKDAYS) <= set(range(1, 8))
    ):
        problems.append(
            Error(
                "BOOKING_SLOT_MINUTES must be 5 to 240 and CLINIC_WORKDAYS ISO weekdays (1 Monday to 7 Sunday).",
                id="clinic.E006",
            )
        )
    return problems


@register()
def check_access_rules(app_configs, **kwargs):
    """Every name in clinic.policy.Action has its rule: a page or service asking an unregistered one would fail."""
    return [
        Error(
            f"No access rule is registered for {name}.",
            hint="The app that knows it registers it when ready (e.g. sessions/policy.py).",
            id="clinic.E003",
        )
        for name in policy.missing()
    ]
