from decimal import Decimal

import pytest

from programs.models import Approach, Program
from tests.factories import EnrollmentFactory, ProgramFactory
from tests.helpers import queries_for_page

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/programs/program/add/"


def program_form(**overrides):
    data = {
        "name": "IOP - Evening",
        "level_of_care": "2.1",
        "site": "Riverside",
        "description": "",
        "capacity": "15",
        "min_weekly_hours": "",
        "max_weekly_hours": "",
        "min_length_of_stay_days": "42",
        "max_length_of_stay_days": "84",
        "max_unexcused_absences": "2",
        "reminder_lead_hours": "24, 2",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_an_administrator_creates_a_program(administrator_client):
    faith = Approach.objects.create(name="Faith-based")

    response = administrator_client.post(ADD_URL, program_form(approaches=[faith.pk], reminder_lead_hours="48, 2"))

    assert response.status_code == 302
    program = Program.objects.get(name="IOP - Evening")
    assert program.reminder_lead_hours == [48, 2]
    assert list(program.approaches.all()) == [faith]
    # Blank hour bounds take the level's defaults.
    assert (program.weekly_hours_min, program.weekly_hours_max) == (Decimal(9), Decimal(19))


def test_the_program_list_shows_effective_weekly_hours(administrator_client):
    ProgramFactory(name="PHP", level_of_care="2.5")

    response = administrator_client.get("/admin/programs/program/")

    assert "20 or more" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"min_weekly_hours": "12", "max_weekly_hours": "10"}, "min_weekly_hours", "is above the maximum of 10"),
        ({"min_weekly_hours": "25"}, "min_weekly_hours", "above the maximum of 19 (this level&#x27;s default)"),
        ({"capacity": "0"}, "capacity", "greater than or equal to 1"),
        (
            {"min_length_of_stay_days": "90", "max_length_of_stay_days": "30"},
            "min_length_of_stay_days",
            "minimum length of stay is longer than the maximum",
        ),
        ({"reminder_lead_hours": "tomorrow"}, "reminder_lead_hours", "whole hours separated by commas"),
        ({"reminder_lead_hours": "24, 24"}, "reminder_lead_hours", "only once"),
        ({"max_weekly_hours": "200"}, "max_weekly_hours", "less than or equal to 168"),
    ],
)
def test_an_invalid_program_is_refused_with_a_field_error(administrator_client, overrides, field, message):
    response = administrator_client.post(ADD_URL, program_form(**overrides))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert message in response.content.decode()
    assert not Program.objects.filter(name="IOP - Evening").exists()


def test_capacity_cannot_drop_below_the_patients_enrolled_now(administrator_client):
    program = ProgramFactory(name="IOP - Evening", capacity=5)
    EnrollmentFactory.create_batch(3, program=program)

    response = administrator_client.post(f"/admin/programs/program/{program.pk}/change/", program_form(capacity="2"))

    assert "3 patients are enrolled now" in response.content.decode()
    program.refresh_from_db()
    assert program.capacity == 5


def test_enrollments_are_read_only_in_the_admin(administrator_client):
    enrollment = EnrollmentFactory()

    assert administrator_client.get("/admin/programs/enrollment/add/").status_code == 403
    response = administrator_client.post(f"/admin/programs/enrollment/{enrollment.pk}/change/", {"status": "completed"})
    assert response.status_code == 403
    enrollment.refresh_from_db()
    assert enrollment.is_active


def test_the_program_list_runs_a_constant_number_of_queries(administrator_client):
    for program in ProgramFactory.create_batch(2):
        EnrollmentFactory(program=program)
    with_two = queries_for_page(administrator_client, "/admin/programs/program/")
    for program in ProgramFactory.create_batch(38):
        EnrollmentFactory(program=program)

    assert queries_for_page(administrator_client, "/admin/programs/program/") == with_two


def test_a_counselor_sees_only_their_caseloads_enrollments(client, counselor):
    mine = EnrollmentFactory(counselor=counselor)
    other = EnrollmentFactory()
    client.force_login(counselor)

    page = client.get("/admin/programs/enrollment/").content.decode()

    assert mine.patient.mrn in page
    assert other.patient.mrn not in page
    assert client.get(f"/admin/programs/enrollment/{other.pk}/change/").status_code == 404


def test_the_enrollment_list_runs_a_constant_number_of_queries(administrator_client):
    EnrollmentFactory.create_batch(2)
    with_two = queries_for_page(administrator_client, "/admin/programs/enrollment/")
    EnrollmentFactory.create_batch(38)

    assert queries_for_page(administrator_client, "/admin/programs/enrollment/") == with_two
