"""What every admin list does to stay one page's work whatever the clinic's size: it counts up to a bound, reads a
page's ids before their joins, writes its checkboxes directly, and counts per row only the rows of the page."""

import datetime
import re

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.utils import timezone

from clinic.admin_lists import BoundedCountPaginator
from clinic.audit import audit_record
from patients.models import Patient
from programs.models import EnrollmentStatus
from tests.factories import (
    EnrollmentFactory,
    MembershipFactory,
    PatientFactory,
    ProgramFactory,
    TherapyGroupFactory,
    UserFactory,
    caseload_patient,
)
from tests.helpers import page_bytes, queries_for_page

pytestmark = pytest.mark.django_db

PATIENTS = "/admin/patients/patient/"
ENROLLMENTS = "/admin/programs/enrollment/"


@pytest.fixture
def pages_of_two(monkeypatch):
    for model_admin in admin.site._registry.values():
        monkeypatch.setattr(model_admin, "list_per_page", 2)


def mrns_on(page: str) -> set[str]:
    return set(re.findall(r"\b\d{8}\b", page)) & set(Patient.objects.values_list("mrn", flat=True))


def test_a_list_longer_than_the_bound_says_so_and_pages_up_to_it(administrator_client, pages_of_two, monkeypatch):
    monkeypatch.setattr(BoundedCountPaginator, "COUNT_BOUND", 3)
    PatientFactory.create_batch(5)

    first = administrator_client.get(PATIENTS).content.decode()
    second = administrator_client.get(f"{PATIENTS}?p=2").content.decode()

    assert "3+ patients" in first
    assert len(mrns_on(first)) == 2 and len(mrns_on(second)) == 1  # the pages run to the bound
    assert not mrns_on(first) & mrns_on(second)


def test_a_list_within_the_bound_gives_its_exact_count(administrator_client, pages_of_two):
    PatientFactory.create_batch(3)

    assert "3 patients" in administrator_client.get(PATIENTS).content.decode()


def test_a_counselors_list_pages_through_their_caseload_only(client, counselor, pages_of_two):
    mine = {caseload_patient(counselor).patient.mrn for _ in range(3)}
    others = {EnrollmentFactory().patient.mrn for _ in range(2)}
    client.force_login(counselor)

    first = client.get(ENROLLMENTS).content.decode()
    second = client.get(f"{ENROLLMENTS}?p=2").content.decode()

    assert "3 enrollments" in first
    assert mrns_on(first) | mrns_on(second) == mine
    assert not (mrns_on(first) | mrns_on(second)) & others


def test_a_counselors_list_runs_a_constant_number_of_queries(client, counselor, pages_of_two):
    client.force_login(counselor)
    for _ in range(2):
        caseload_patient(counselor)
    with_two = queries_for_page(client, ENROLLMENTS)
    for _ in range(6):
        caseload_patient(counselor)

    assert queries_for_page(client, ENROLLMENTS) == with_two


def test_the_list_keeps_its_order_across_pages(administrator_client, pages_of_two):
    today = timezone.localdate()
    admitted = [EnrollmentFactory(admitted_on=today - datetime.timedelta(days=days)) for days in (5, 1, 3, 2, 4)]
    newest_first = [e.patient.mrn for e in sorted(admitted, key=lambda e: e.admitted_on, reverse=True)]

    shown = []
    for number in (1, 2, 3):
        page = administrator_client.get(f"{ENROLLMENTS}?p={number}").content.decode()
        shown += [mrn for mrn in re.findall(r"\b\d{8}\b", page) if mrn in newest_first and mrn not in shown]

    assert shown == newest_first


def test_the_action_checkbox_is_the_one_django_draws(administrator):
    patient = PatientFactory(legal_last_name='O"Brien <b>')
    model_admin = admin.site.get_model_admin(Patient)

    assert model_admin.action_checkbox(patient) == ModelAdmin.action_checkbox(model_admin, patient)


def test_the_program_list_counts_only_active_enrollments_and_sorts_by_them(administrator_client):
    busy, quiet = ProgramFactory(name="Busy"), ProgramFactory(name="Quiet")
    EnrollmentFactory.create_batch(3, program=busy)
    EnrollmentFactory(program=quiet)
    EnrollmentFactory(
        program=quiet,
        status=EnrollmentStatus.COMPLETED,
        discharged_on=timezone.localdate(),
        discharge_reason=1,
    )

    page = administrator_client.get("/admin/programs/program/?o=4").content.decode()

    assert re.search(r"Busy.*?field-active_enrollments\">3<", page, re.S)
    assert re.search(r"Quiet.*?field-active_enrollments\">1<", page, re.S)
    assert page.index("Quiet") < page.index("Busy")  # fewest active first, against the order of their names


def test_the_group_list_counts_members_still_on_the_roster(supervisor_client):
    group = TherapyGroupFactory(title="Mornings")
    MembershipFactory.create_batch(2, group=group)
    MembershipFactory(group=group, left_on=timezone.localdate())

    page = supervisor_client.get("/admin/clinic_sessions/therapygroup/").content.decode()

    assert re.search(r"Mornings.*?field-members\">2<", page, re.S)


def test_the_enrollment_drill_down_offers_the_years_holding_admissions(administrator_client):
    today = timezone.localdate()
    EnrollmentFactory(admitted_on=today.replace(year=today.year - 2, month=1, day=15))
    EnrollmentFactory(admitted_on=today)

    page = administrator_client.get(ENROLLMENTS).content.decode()

    assert f"admitted_on__year={today.year - 2}" in page
    assert f"admitted_on__year={today.year}" in page
    assert f"admitted_on__year={today.year - 1}" not in page


def test_a_counselors_drill_down_offers_only_the_years_of_their_caseloads_admissions(client, counselor):
    today = timezone.localdate()
    caseload_patient(counselor, admitted_on=today.replace(year=today.year - 2, month=1, day=15))
    EnrollmentFactory(admitted_on=today.replace(year=today.year - 1, month=1, day=15))  # not theirs
    caseload_patient(counselor)
    client.force_login(counselor)

    page = client.get(ENROLLMENTS).content.decode()

    assert f"admitted_on__year={today.year - 2}" in page
    assert f"admitted_on__year={today.year - 1}" not in page


def test_the_audit_trails_list_does_not_grow_with_the_number_of_users_who_acted(administrator_client, pages_of_two):
    def events_by_new_users(count):
        for user in UserFactory.create_batch(count):
            audit_record(actor=user, action="patient.view", patient_id=7)

    events_by_new_users(3)
    url = "/admin/clinic/auditevent/"
    size, queries = page_bytes(administrator_client, url), queries_for_page(administrator_client, url)
    events_by_new_users(30)

    assert queries_for_page(administrator_client, url) == queries
    assert abs(page_bytes(administrator_client, url) - size) < 400  # names and ids differ in length, no more
