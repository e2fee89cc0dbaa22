"""Registering warns of a likely duplicate: a patient born the same day with a like name, accents and case ignored.
The warning names and links only the patients the user may open; registering goes on only when confirmed."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.models import AuditEvent
from patients.models import Patient
from patients.selectors import name_similarity, patient_likely_duplicates
from tests.factories import PatientFactory
from tests.helpers import registration_form

pytestmark = pytest.mark.django_db
BORN = datetime.date(1988, 4, 2)  # registration_form's date of birth


def jose(**fields):
    fields = {"date_of_birth": BORN, "email": "jg@example.com"} | fields
    return PatientFactory(legal_first_name="José", legal_last_name="García", **fields)


def register(client, counselor, **overrides):
    form = registration_form(counselor, legal_first_name="jose", legal_last_name="GARCIA") | overrides
    return client.post("/patients/new/", form)


@pytest.mark.parametrize(
    ("first", "last"), [("jose", "GARCIA"), ("JOSÉ", "garcía"), ("Jose", "Garcya"), ("Garcia", "Jose")]
)
def test_a_like_name_born_the_same_day_is_a_likely_duplicate(front_desk, first, last):
    existing = jose()

    found = patient_likely_duplicates(user=front_desk, legal_first_name=first, legal_last_name=last, date_of_birth=BORN)

    assert found.shown == [existing] and found.hidden == 0


@pytest.mark.parametrize(
    ("first", "last", "born"),
    [("Jose", "Garcia", BORN + datetime.timedelta(days=1)), ("Ann", "Smith", BORN), ("Dana", "Whitfield", BORN)],
)
def test_another_birthday_or_an_unlike_name_is_no_duplicate(front_desk, first, last, born):
    jose()

    found = patient_likely_duplicates(user=front_desk, legal_first_name=first, legal_last_name=last, date_of_birth=born)

    assert not found


def test_the_python_measure_is_pg_trgm_similarity():
    # Values pg_trgm gives for these pairs (SELECT similarity(...)), so SQLite warns where PostgreSQL does.
    assert name_similarity("Jose Garcia", "José García") == 1
    assert name_similarity("maria garcia", "mario garcia") == pytest.approx(11 / 14)
    assert name_similarity("Maria Garcia", "Maria Lopez") == pytest.approx(6 / 18)
    assert name_similarity("", "") == 0


def test_the_form_comes_back_with_a_warning_linking_the_chart(client, front_desk, counselor):
    existing = jose()
    client.force_login(front_desk)

    response = register(client, counselor)

    page = response.content.decode()
    assert response.status_code == 200 and "This patient may already be registered" in page
    assert f'href="/patients/{existing.pk}/"' in page and existing.mrn in page and "Register anyway" in page
    assert Patient.objects.count() == 1
    warning = AuditEvent.objects.get(action="patient.duplicate_warning")
    assert warning.actor == front_desk and list(warning.patients.values_list("patient_id", flat=True)) == [existing.pk]


def test_register_anyway_registers_a_second_patient(client, front_desk, counselor):
    jose()
    client.force_login(front_desk)

    response = register(client, counselor, register_anyway="1")

    assert response.status_code == 302
    assert Patient.objects.filter(search_name="garcia jose").count() == 2


def test_no_duplicate_registers_at_once_without_a_warning(client, front_desk, counselor):
    jose(date_of_birth=BORN - datetime.timedelta(days=365))
    client.force_login(front_desk)

    response = register(client, counselor)

    assert response.status_code == 302 and Patient.objects.count() == 2
    assert not AuditEvent.objects.filter(action="patient.duplicate_warning").exists()


def test_a_counselor_allowed_to_register_is_not_shown_a_patient_outside_their_caseload(
    client, counselor, other_counselor
):
    counselor.user_permissions.add(Permission.objects.get(codename="add_patient"))
    theirs = jose(primary_counselor=other_counselor)
    client.force_login(counselor)

    response = register(client, counselor)

    page = response.content.decode()
    assert "This patient may already be registered" in page and "ask a clinical supervisor" in page
    assert theirs.mrn not in page and f"/patients/{theirs.pk}/" not in page and "García" not in page
    assert Patient.objects.count() == 1
    assert not AuditEvent.objects.filter(action="patient.duplicate_warning").exists()  # no record was shown


def test_a_counselor_is_shown_a_duplicate_in_their_own_caseload(client, counselor):
    counselor.user_permissions.add(Permission.objects.get(codename="add_patient"))
    mine = jose(primary_counselor=counselor)
    client.force_login(counselor)

    page = register(client, counselor).content.decode()

    assert f'href="/patients/{mine.pk}/"' in page and "cannot open" not in page


@pytest.mark.parametrize("size", [2, 40])
def test_the_check_runs_the_same_queries_however_many_share_the_birthday(front_desk, size, django_assert_num_queries):
    PatientFactory.create_batch(size, legal_first_name="José", legal_last_name="García", date_of_birth=BORN)

    with django_assert_num_queries(2):  # those born that day, and which of them the user may see
        found = patient_likely_duplicates(
            user=front_desk, legal_first_name="Jose", legal_last_name="Garcia", date_of_birth=BORN
        )

    assert len(found.shown) == min(size, 10)  # a page of warnings, not everyone born that day


def test_the_warning_page_runs_the_same_queries_and_size_at_2_and_40_namesakes(client, front_desk, counselor):
    def namesakes(count):
        PatientFactory.create_batch(count, legal_first_name="José", legal_last_name="García", date_of_birth=BORN)

    def load():
        with CaptureQueriesContext(connection) as queries:
            response = register(client, counselor)
        assert response.status_code == 200
        return len(queries), len(response.content)

    client.force_login(front_desk)
    namesakes(2)
    queries_2, bytes_2 = load()
    namesakes(38)
    queries_40, bytes_40 = load()

    assert queries_2 == queries_40 and abs(bytes_40 - bytes_2) < 2000  # at most ten patients shown


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("a", "b"), [("José García", "jose garcia"), ("Maria Garcia", "Mario Garcia"), ("Renée O'Neil", "renee oneil")]
)
def test_postgresql_measures_names_as_the_python_fallback_does(a, b):
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(unaccent(%s), unaccent(%s))", [a, b])
        (measured,) = cursor.fetchone()

    assert measured == pytest.approx(name_similarity(a, b), abs=1e-6)


def test_a_counselor_without_the_permission_cannot_register_anyway(client, counselor):
    jose(primary_counselor=counselor)
    client.force_login(counselor)

    response = register(client, counselor, register_anyway="1")

    assert response.status_code == 403 and Patient.objects.count() == 1
    assert not AuditEvent.objects.filter(action="patient.duplicate_warning").exists()


def test_the_warning_names_no_patient_in_the_url_or_the_audit_detail(client, front_desk, counselor):
    existing = jose()
    client.force_login(front_desk)

    response = register(client, counselor)

    assert response.request["PATH_INFO"] == "/patients/new/" and not response.request.get("QUERY_STRING")
    warning = AuditEvent.objects.get(action="patient.duplicate_warning")
    assert "García" not in str(warning.detail) and existing.mrn not in str(warning.detail)
