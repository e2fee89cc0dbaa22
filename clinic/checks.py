"""System checks that turn misconfiguration into a clear message at start-up."""

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
    for name, word in revealing_settings().items():
        problems.append(
            Error(
                f"{name} contains {word!r}; patient emails print it and must not reveal addiction treatment "
                "(42 CFR Part 2). Until it changes, patient emails are held.",
                id="clinic.E002",
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
