"""System checks that turn misconfiguration into a clear message at start-up."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.checks import Error, Warning, register


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
    discreet = settings.CLINIC_DISCREET_NAME.lower()
    for word in ("recovery", "rehab", "addiction", "detox", "substance", "sober", "treatment"):
        if word in discreet:
            problems.append(
                Warning(
                    f"CLINIC_DISCREET_NAME contains {word!r}; patient emails use this name and must not reveal "
                    "addiction treatment (42 CFR Part 2).",
                    id="clinic.W001",
                )
            )
    return problems
