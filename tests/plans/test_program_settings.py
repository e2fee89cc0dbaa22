"""The program's plan settings: positive days or blank (the level's default), set in the program's admin page."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programs.models import Program
from tests.factories import ProgramFactory


@pytest.mark.parametrize("field", ["plan_due_days", "plan_review_days"])
def test_plan_days_are_positive(db, field):
    program = ProgramFactory()
    setattr(program, field, 0)
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        program.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(**{field: 0})


def test_a_programs_own_days_win_over_its_levels(db):
    program = ProgramFactory(level_of_care="3.5")
    assert (program.plan_due_days_in_force, program.plan_review_days_in_force) == (3, 14)
    program.plan_due_days, program.plan_review_days = 5, 21
    assert (program.plan_due_days_in_force, program.plan_review_days_in_force) == (5, 21)


def test_the_program_admin_shows_the_plan_settings(administrator_client):
    program = ProgramFactory()
    content = administrator_client.get(f"/admin/programs/program/{program.pk}/change/").content
    for name in (b'name="plan_due_days"', b'name="plan_review_days"', b'name="plan_needs_cosign"'):
        assert name in content
