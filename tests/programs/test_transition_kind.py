import pytest

from clinic.levels import LevelOfCare as L
from programs.models import TransitionKind


@pytest.mark.parametrize(
    ("from_level", "to_level", "kind"),
    [
        (L.CLINICALLY_MANAGED_HIGH_INTENSITY, L.INTENSIVE_OUTPATIENT, TransitionKind.STEP_DOWN),
        (L.INTENSIVE_OUTPATIENT, L.CONTINUING_CARE, TransitionKind.STEP_DOWN),
        (L.INTENSIVE_OUTPATIENT, L.CLINICALLY_MANAGED_HIGH_INTENSITY, TransitionKind.STEP_UP),
        (L.OUTPATIENT, L.WITHDRAWAL_MANAGEMENT, TransitionKind.STEP_UP),
        (L.INTENSIVE_OUTPATIENT, L.INTENSIVE_OUTPATIENT, TransitionKind.LATERAL),  # same rank: another IOP program
        (L.CONTINUING_CARE, L.CONTINUING_CARE, TransitionKind.LATERAL),
    ],
)
def test_a_transitions_kind_follows_from_the_ranks_of_its_two_levels(from_level, to_level, kind):
    assert TransitionKind.between(from_level, to_level) == kind


def test_levels_are_read_as_their_stored_codes():
    assert TransitionKind.between("3.5", "2.1") == TransitionKind.STEP_DOWN
