import pytest

from measures.instruments import BAM, GAD7, PHQ9
from tests.factories import EnrollmentFactory


@pytest.fixture
def in_care(counselor):
    """An IOP patient of the counselor's caseload, admitted 20 days ago."""
    return EnrollmentFactory(counselor=counselor, patient__primary_counselor=counselor, program__level_of_care="2.1")


def answers_for(definition, total: int) -> dict[str, int]:
    """Answers to a PHQ-9 or GAD-7 that add up to `total`, filled from the first item (item 9 stays 0 while it
    can)."""
    answers = {}
    left = total
    for item in definition.items:
        answers[item.code] = min(3, left)
        left -= answers[item.code]
    assert left == 0
    return answers


def phq9(total: int = 0, *, item9: int = 0) -> dict[str, int]:
    answers = answers_for(PHQ9, total - item9)
    answers["9"] += item9
    return answers


def gad7(total: int = 0) -> dict[str, int]:
    return answers_for(GAD7, total)


def bam(**overrides) -> dict[str, int]:
    answers = {item.code: 0 for item in BAM.items if item.required}
    answers.update({code.removeprefix("i"): value for code, value in overrides.items()})
    return answers
