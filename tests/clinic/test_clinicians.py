import pytest

from clinic.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_clinicians_are_the_active_counselors_and_supervisors_by_name():
    zed = UserFactory(role="counselor", last_name="Zed", first_name="Ann")
    abel = UserFactory(role="supervisor", last_name="Abel")
    zed_bo = UserFactory(role="counselor", last_name="Zed", first_name="Bo")
    UserFactory(role="counselor", is_active=False)
    UserFactory(role="front_desk")
    UserFactory(role="administrator")

    assert list(User.objects.clinicians()) == [abel, zed, zed_bo]


@pytest.mark.parametrize(
    ("model", "field"), [("patients.Patient", "primary_counselor"), ("clinic_sessions.TherapyGroup", "facilitator")]
)
def test_a_counselor_or_facilitator_is_chosen_among_the_clinicians(model, field):
    from django.apps import apps

    UserFactory.create_batch(2, role="counselor")
    UserFactory(role="front_desk")
    UserFactory(role="supervisor", is_active=False)
    limit = apps.get_model(model)._meta.get_field(field).get_limit_choices_to()

    assert set(User.objects.complex_filter(limit)) == set(User.objects.clinicians())
