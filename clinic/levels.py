"""Levels of care (ASAM criteria plus continuing care), shared by patients and programs.

Each level has a rank, so a move between two levels is a step up, a step down or lateral by comparison,
and default weekly clinical hours (a program may override them).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models


class LevelOfCare(models.TextChoices):
    CONTINUING_CARE = "aftercare", "Continuing care (aftercare)"
    OUTPATIENT = "1.0", "1.0 Outpatient"
    INTENSIVE_OUTPATIENT = "2.1", "2.1 Intensive outpatient (IOP)"
    PARTIAL_HOSPITALIZATION = "2.5", "2.5 Partial hospitalization (PHP)"
    CLINICALLY_MANAGED_LOW_INTENSITY = "3.1", "3.1 Clinically managed low-intensity residential"
    CLINICALLY_MANAGED_HIGH_INTENSITY = "3.5", "3.5 Clinically managed high-intensity residential"
    MEDICALLY_MONITORED_INPATIENT = "3.7", "3.7 Medically monitored intensive inpatient"
    WITHDRAWAL_MANAGEMENT = "wm", "Withdrawal management (detox)"
    MEDICALLY_MANAGED_INPATIENT = "4", "4 Medically managed intensive inpatient"


@dataclass(frozen=True)
class LevelFacts:
    rank: int
    min_weekly_hours: Decimal | None
    max_weekly_hours: Decimal | None
    # Levels that do not manage withdrawal: a patient flagged for withdrawal management needs a
    # supervisor's override to be placed there.
    excludes_withdrawal_risk: bool = False


L = LevelOfCare
FACTS: dict[str, LevelFacts] = {
    L.CONTINUING_CARE: LevelFacts(0, None, None, excludes_withdrawal_risk=True),
    # ASAM 1.0 is "fewer than 9 hours a week"; hours are kept to the hundredth.
    L.OUTPATIENT: LevelFacts(1, None, Decimal("8.99"), excludes_withdrawal_risk=True),
    L.INTENSIVE_OUTPATIENT: LevelFacts(2, Decimal("9"), Decimal("19"), excludes_withdrawal_risk=True),
    L.PARTIAL_HOSPITALIZATION: LevelFacts(3, Decimal("20"), None),
    L.CLINICALLY_MANAGED_LOW_INTENSITY: LevelFacts(4, Decimal("5"), None),
    L.CLINICALLY_MANAGED_HIGH_INTENSITY: LevelFacts(5, None, None),
    L.MEDICALLY_MONITORED_INPATIENT: LevelFacts(6, None, None),
    L.WITHDRAWAL_MANAGEMENT: LevelFacts(7, None, None),
    L.MEDICALLY_MANAGED_INPATIENT: LevelFacts(8, None, None),
}

RESIDENTIAL_LEVELS = frozenset(
    {L.CLINICALLY_MANAGED_LOW_INTENSITY, L.CLINICALLY_MANAGED_HIGH_INTENSITY, L.MEDICALLY_MONITORED_INPATIENT}
)


def facts(level: str) -> LevelFacts:
    return FACTS[LevelOfCare(level)]


def rank(level: str) -> int:
    return facts(level).rank
