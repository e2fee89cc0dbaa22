"""Every staff page that shows patients writes one audit row naming them, so "who saw patient X" finds lists too."""

import datetime

import pytest

from clinic.models import AuditEvent
from sessions.models import AbsenceReview
from tests.clock import clinic_time
from tests.factories import (
    EnrollmentFactory,
    GroupSessionFactory,
    MembershipFactory,
    PatientFactory,
    UserFactory,
    book_counseling,
)
from tests.helpers import audit_csv_export, queries_for_page

NOW = clinic_time("2026-03-04 09:00")  # a Wednesday morning
TODAY = NOW.date()
MONDAY = datetime.date(2026, 3, 2)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def book(counselor, enrollment, day=TODAY, hour=15):
    """Front desk books the session: the counselor may see a patient of a colleague's caseload this way."""
    front_desk = UserFactory(role="front_desk")
    return book_counseling(
        acting_user=front_desk, patient=enrollment.patient, counselor=counselor, day=day, at=datetime.time(hour)
    )[0]


def shown(action):
    """The patient ids the one row of `action` names."""
    event = AuditEvent.objects.get(action=action)
    return event, set(event.patients.values_list("patient_id", flat=True))


def test_the_dashboard_writes_one_row_naming_the_caseload_todays_sessions_and_reviews(
    client, counselor, other_counselor
):
    mine = [EnrollmentFactory(counselor=counselor, patient__primary_counselor=counselor) for _ in range(2)]
    booked_today = EnrollmentFactory()
    book(counselor, booked_today)
    AbsenceReview.objects.create(enrollment=mine[0], unexcused_absences=3)
    colleagues = EnrollmentFactory(counselor=other_counselor)
    client.force_login(counselor)

    page = client.get("/", REMOTE_ADDR="10.1.2.3").content.decode()

    event, ids = shown("dashboard.view")
    assert mine[0].patient.mrn in page and mine[1].patient.mrn in page
    assert ids == {mine[0].patient_id, mine[1].patient_id, booked_today.patient_id}
    assert colleagues.patient_id not in ids
    assert (event.actor, event.ip_address, event.detail) == (counselor, "10.1.2.3", {"counselor_id": counselor.pk})


def test_search_results_write_one_row_naming_the_patients_on_the_page(client, supervisor):
    patients = PatientFactory.create_batch(30)
    client.force_login(supervisor)

    page = client.get("/patients/?page=2").content.decode()

    event, ids = shown("patient.list")
    on_page = {p.pk for p in patients if p.mrn in page}
    assert len(on_page) == 5 and ids == on_page
    assert event.detail == {"page": 2}


def test_the_schedule_names_only_the_patients_whose_names_it_shows(client, counselor, other_counselor):
    mine = EnrollmentFactory(counselor=counselor, patient__primary_counselor=counselor)
    theirs = EnrollmentFactory(counselor=other_counselor, patient__legal_last_name="Whitfield")
    book(counselor, mine)
    book(other_counselor, theirs)
    client.force_login(counselor)

    page = client.get(f"/schedule/?week={MONDAY.isoformat()}").content.decode()

    event, ids = shown("schedule.view")
    assert mine.patient.legal_last_name in page and "Whitfield" not in page
    assert ids == {mine.patient_id}
    assert event.detail == {"week": "2026-03-02"}


def test_the_session_page_names_the_roster_the_user_may_see(client, counselor, other_counselor):
    session = GroupSessionFactory(group__facilitator=other_counselor)
    visible = MembershipFactory(group=session.group, enrollment__patient__primary_counselor=counselor)
    hidden = MembershipFactory(group=session.group)
    client.force_login(counselor)

    page = client.get(f"/sessions/{session.pk}/").content.decode()

    event, ids = shown("session.view")
    assert visible.patient.legal_last_name in page and "1 patient outside your caseload" in page
    assert ids == {visible.patient_id} and hidden.patient_id not in ids
    assert (event.object_type, event.object_id) == ("clinic_sessions.therapysession", str(session.pk))


def test_the_audit_trail_of_a_patient_finds_the_lists_that_showed_them(client, administrator, supervisor):
    import csv
    import io

    patient = EnrollmentFactory().patient
    other = EnrollmentFactory().patient
    client.force_login(supervisor)
    client.get("/patients/")
    client.get(f"/patients/{patient.pk}/")
    client.force_login(administrator)

    found = client.get(f"/admin/clinic/auditevent/?q={patient.pk}").content.decode()
    exported = audit_csv_export(client, f"?q={patient.pk}")

    assert "patient.list" in found and "patient.view" in found
    rows = list(csv.reader(io.StringIO(exported)))[1:]
    assert sorted((row[2], row[3]) for row in rows) == [
        ("patient.list", " ".join(str(pk) for pk in sorted([patient.pk, other.pk]))),
        ("patient.view", str(patient.pk)),
    ]


def test_the_schedule_runs_the_same_queries_for_2_and_40_named_patients(client, supervisor):
    client.force_login(supervisor)
    url = f"/schedule/?week={MONDAY.isoformat()}"
    counselors = UserFactory.create_batch(2, role="counselor")
    for n in range(2):
        book(counselors[n], EnrollmentFactory(), day=MONDAY + datetime.timedelta(days=n + 2))
    with_two = queries_for_page(client, url)
    for n in range(38):
        book(counselors[n % 2], EnrollmentFactory(), day=MONDAY + datetime.timedelta(days=2 + n % 5), hour=10 + n // 10)

    assert queries_for_page(client, url) == with_two
    assert AuditEvent.objects.filter(action="schedule.view").latest("id").patients.count() == 40
