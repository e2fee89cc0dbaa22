"""The booking settings are checked at start-up: a typo must not quietly book past times or offer no slot."""

import pytest

from clinic.checks import check_clinic_settings
from tests.clinic.test_settings import manage


def ids():
    return [error.id for error in check_clinic_settings(None)]


def test_the_defaults_pass(settings):
    assert not {"clinic.E004", "clinic.E005", "clinic.E006"} & set(ids())


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("BOOKING_PAST", "allow", "clinic.E004"),
        ("CLINIC_OPENS", "8am", "clinic.E005"),
        ("CLINIC_CLOSES", "07:00", "clinic.E005"),
        ("BOOKING_SLOT_MINUTES", 0, "clinic.E006"),
        ("CLINIC_WORKDAYS", [0, 1], "clinic.E006"),
        ("CLINIC_WORKDAYS", [], "clinic.E006"),
    ],
)
def test_a_bad_value_is_an_error(settings, name, value, error):
    setattr(settings, name, value)

    assert error in ids()


def test_the_environment_sets_them():
    result = manage("check", BOOKING_PAST="sometimes")

    assert result.returncode != 0 and "clinic.E004" in result.stderr and "BOOKING_PAST is 'sometimes'" in result.stderr
