"""Registration's duplicate warning, the accent-blind search and booking, in headless Chromium, by keyboard where a
front desk worker would use it. The browser and the server keep the real clock (tests/browser/conftest.py)."""

import datetime

import pytest
from django.utils import timezone

from patients.models import Patient
from sessions.models import TherapySession
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db(transaction=True)
BORN = datetime.date(1979, 6, 14)


@pytest.fixture
def jose(clinic):
    return EnrollmentFactory(
        counselor=clinic["counselor"],
        patient__primary_counselor=clinic["counselor"],
        patient__legal_first_name="José",
        patient__legal_last_name="García",
        patient__email="jg@example.com",
        patient__date_of_birth=BORN,
    ).patient


def test_front_desk_registers_a_likely_duplicate_sees_the_warning_and_opens_the_chart(page, sign_in, jose, screenshot):
    sign_in("casey")
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Register a patient").click()
    page.get_by_label("Legal first name").fill("jose")
    page.get_by_label("Legal last name").fill("GARCIA")
    page.get_by_label("Date of birth").fill(BORN.isoformat())
    page.get_by_label("Date of birth").press("Enter")  # sent from the keyboard

    warning = page.get_by_role("alert").filter(has_text="This patient may already be registered")
    warning.wait_for()
    link = warning.get_by_role("link", name="García, José")
    assert jose.mrn in warning.inner_text()
    screenshot("register-duplicate")
    assert Patient.objects.count() == 1 + 2  # José, and the clinic's Whitfield and Okafor: nothing registered

    link.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="In care").wait_for()
    assert page.url.endswith(f"/patients/{jose.pk}/")


def test_register_anyway_registers_the_second_patient(page, sign_in, jose):
    sign_in("casey")
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Register a patient").click()
    page.get_by_label("Legal first name").fill("Jose")
    page.get_by_label("Legal last name").fill("Garcia")
    page.get_by_label("Date of birth").fill(BORN.isoformat())
    page.get_by_role("button", name="Register").click()
    page.get_by_role("button", name="Register anyway").click()

    page.get_by_text("Registered with MRN").wait_for()
    assert Patient.objects.filter(search_name="garcia jose").count() == 2


def test_the_search_finds_josé_typed_without_accents(page, sign_in, jose):
    sign_in("casey")
    page.get_by_role("link", name="Patients").click()
    page.get_by_label("Name or MRN").fill("JOSE garcia")
    page.get_by_label("Name or MRN").press("Enter")

    page.get_by_text("1 patient", exact=True).wait_for()
    assert page.locator("#patients").get_by_role("link", name="García, José").count() == 1
    assert "jose" not in page.url.lower()  # the search is kept in the session, not the URL


def test_booking_opens_on_a_free_slot_and_refuses_a_time_that_has_passed(page, live_server, sign_in, jose):
    sign_in("jordan")
    page.goto(f"{live_server.url}/patients/{jose.pk}/book/")
    day, at = page.get_by_label("Day").input_value(), page.get_by_label("Time (clinic time)").input_value()
    offered = timezone.make_aware(datetime.datetime.fromisoformat(f"{day} {at}"))
    assert offered > timezone.now()

    page.get_by_label("Day").fill((timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Save").click()

    page.get_by_text("has passed: choose a later time.").wait_for()
    assert not TherapySession.objects.filter(patient=jose).exists()
