"""The pages that pick a counselor by typing: a name works without any script, and links carry the counselor's id."""

import pytest

from patients.models import Patient
from programs.models import Enrollment
from tests.clock import ORDINARY, clinic_time, monday, this_week
from tests.factories import EnrollmentFactory, GroupSessionFactory, PatientFactory, ProgramFactory, UserFactory
from tests.helpers import registration_form

pytestmark = pytest.mark.django_db
TODAY = clinic_time(ORDINARY).date().isoformat()  # the conftest's clock


@pytest.fixture
def anouk():
    return UserFactory(username="aquill", first_name="Anouk", last_name="Quillfeather", role="counselor")


@pytest.fixture
def tomasz():
    return UserFactory(username="tquillon", first_name="Tomasz", last_name="Quillon", role="counselor")


def test_a_supervisor_types_a_name_on_the_dashboard_and_sees_that_caseload(client, supervisor, anouk, tomasz):
    EnrollmentFactory(counselor=anouk, patient__legal_last_name="Whitfield")
    EnrollmentFactory(counselor=tomasz, patient__legal_last_name="Okafor")
    client.force_login(supervisor)

    response = client.get("/", {"counselor": "Anouk"}, follow=True)
    page = response.content.decode()

    assert response.redirect_chain == [(f"/?counselor={anouk.pk}", 302)]  # the URL names the counselor by id
    assert "Caseload of Anouk Quillfeather" in page and "Whitfield" in page and "Okafor" not in page
    assert 'value="Quillfeather, Anouk (aquill)"' in page


def test_an_ambiguous_name_on_the_dashboard_shows_everyone_and_says_how_many_match(client, supervisor, anouk, tomasz):
    client.force_login(supervisor)

    page = client.get("/", {"counselor": "Quill"}).content.decode()

    assert "All caseloads" in page and "2 counselors match “Quill”" in page


def test_the_schedule_narrowed_by_a_typed_name_is_named_by_id_in_its_url_and_links(client, supervisor, anouk, tomasz):
    GroupSessionFactory(group__facilitator=anouk, starts_at=this_week(1), group__title="Relapse Prevention AM")
    GroupSessionFactory(group__facilitator=tomasz, starts_at=this_week(1), group__title="Faith Track PM")
    client.force_login(supervisor)

    week = monday().isoformat()
    response = client.get("/schedule/", {"week": week, "counselor": "Quillfeather, Anouk (aquill)"}, follow=True)
    html = response.content.decode()

    assert response.redirect_chain == [(f"/schedule/?counselor={anouk.pk}&week={week}", 302)]

    assert "Relapse Prevention AM" in html and "Faith Track PM" not in html
    assert f"?counselor={anouk.pk}&week=" in html and "aquill)&week" not in html


def test_a_schedule_name_matching_no_one_says_so_and_shows_all(client, supervisor, anouk):
    client.force_login(supervisor)

    html = client.get("/schedule/", {"counselor": "Nobody"}).content.decode()

    assert "Counselor: No counselor matches “Nobody”." in html


def test_the_patient_search_puts_a_typed_counselor_in_the_url_by_id(client, supervisor, anouk, tomasz):
    PatientFactory(legal_last_name="Whitfield", primary_counselor=anouk)
    PatientFactory(legal_last_name="Okafor", primary_counselor=tomasz)
    client.force_login(supervisor)

    response = client.post("/patients/", {"counselor": "tomasz"}, follow=True)

    assert response.redirect_chain[-1][0] == f"/patients/?counselor={tomasz.pk}"
    html = response.content.decode()
    assert "Okafor" in html and "Whitfield" not in html and 'value="Quillon, Tomasz (tquillon)"' in html


def test_an_ambiguous_counselor_in_the_patient_search_says_how_many_match(client, supervisor, anouk, tomasz):
    client.force_login(supervisor)

    response = client.post("/patients/", {"counselor": "Quill"}, follow=True)

    assert response.redirect_chain[-1][0] == "/patients/"
    assert "Counselor: 2 counselors match “Quill”" in response.content.decode()


def test_admitting_with_a_typed_counselor_assigns_them(client, counselor, anouk):
    patient = PatientFactory(primary_counselor=counselor)
    program = ProgramFactory()
    client.force_login(counselor)

    response = client.post(
        f"/patients/{patient.pk}/admit/",
        {
            "program": program.pk,
            "admitted_on": TODAY,
            "counselor": "Quillfeather, Anouk (aquill)",
            "override_reason": "",
        },
    )

    assert response.status_code == 302
    assert Enrollment.objects.get(patient=patient).counselor == anouk


def test_a_counselor_no_one_has_keeps_the_admit_form_open_with_the_message(client, counselor):
    patient = PatientFactory(primary_counselor=counselor)
    client.force_login(counselor)

    response = client.post(
        f"/patients/{patient.pk}/admit/",
        {"program": ProgramFactory().pk, "admitted_on": TODAY, "counselor": "Nobody", "override_reason": ""},
    )

    assert response.status_code == 200 and "No counselor matches “Nobody”." in response.content.decode()
    assert not Enrollment.objects.filter(patient=patient).exists()


def test_registering_with_a_typed_primary_counselor_assigns_them(client, front_desk, anouk):
    client.force_login(front_desk)

    response = client.post("/patients/new/", registration_form(anouk, primary_counselor="aquill"))

    assert response.status_code == 302
    assert Patient.objects.get(legal_last_name="Whitfield").primary_counselor == anouk
