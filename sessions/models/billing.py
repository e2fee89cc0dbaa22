"""Billing codes: CPT psychotherapy codes and HCPCS codes for substance use services."""

from django.db import models


class BillingCode(models.TextChoices):
    GROUP_PSYCHOTHERAPY = "90853", "90853 Group psychotherapy"
    GROUP_COUNSELING = "H0005", "H0005 Alcohol and/or drug group counseling"
    PSYCHOTHERAPY_30 = "90832", "90832 Psychotherapy, 30 min (16-37)"
    PSYCHOTHERAPY_45 = "90834", "90834 Psychotherapy, 45 min (38-52)"
    PSYCHOTHERAPY_60 = "90837", "90837 Psychotherapy, 60 min (53+)"
    FAMILY = "90847", "90847 Family psychotherapy with patient"
    COUNSELING_15 = "H0004", "H0004 Behavioral health counseling, per 15 min"
    IOP_DAY = "H0015", "H0015 Intensive outpatient, per day (3+ hours)"


def psychotherapy_code(minutes: int) -> str:
    """The CPT psychotherapy code for a session of `minutes` (the midpoint rule)."""
    if minutes >= 53:
        return BillingCode.PSYCHOTHERAPY_60
    if minutes >= 38:
        return BillingCode.PSYCHOTHERAPY_45
    return BillingCode.PSYCHOTHERAPY_30


GROUP_CODES = [(c.value, c.label) for c in (BillingCode.GROUP_PSYCHOTHERAPY, BillingCode.GROUP_COUNSELING)]
