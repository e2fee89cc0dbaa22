"""Every staff page's work is bounded by one screen: the same queries and the same size of HTML whether the clinic
has a few patients or many. Each page's limits are lowered here, so that a few rows already fill the page."""

import datetime

import pytest
from django.utils import timezone

from measures.models import MeasureSchedule
from measures.services import drug_screen_record, measure_record
from sessions.models import AbsenceReview, Reminder
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    GroupSessionFactory,
    MembershipFactory,
    PatientFactory,
    ProgramFactory,
    ProgressNoteFactory,
    TherapyGroupFactory,
    UserFactory,
    caseload_patient,
)
from tests.helpers import assert_same_load, page_load
from tests.measures.conftest import phq9

pytestmark = pytest.mark.django_db

FEW, MANY = 4, 24  # both above the lowered limits


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    monkeypatch.setattr("sessions.selectors.dashboard.PAGE_SIZE", 3)
    monkeypatch.setattr("sessions.selectors.dashboard.TODAY_LIMIT", 3)
    monkeypatch.setattr("sessions.selectors.dashboard.FOLLOW_UP_LIMIT", 3)
    monkeypatch.setattr("staff.care_flags.FLAG_LIMIT", 3)
    monkeypatch.setattr("sessions.selectors.patients.PAGE_SIZE", 3)
    monkeypatch.setattr("sessions.selectors.schedule.DAY_LIMIT", 3)


def flagged(counselor, enrollment) -> None:
    """Every clinical flag of the dashboard for the patient: a first plan overdue (admitted 20 days ago, none
    signed), a measure due, an open safety alert after a rise of 5 points, an unexpected positive screen."""
    MeasureSchedule.objects.create(program=enrollment.program, instrument="gad7", at_admission=True)
    for days_ago, total, item9 in ((10, 2, 0), (1, 9, 1)):
        measure_record(
            acting_user=counselor,
            patient=enrollment.patient,
            instrument="phq9",
            answers=phq9(total, item9=item9),
            administered_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        )
    drug_screen_record(
        acting_user=counselor,
        patient=enrollment.patient,
        collected_at=timezone.now() - datetime.timedelta(hours=3),
        observed=False,
        results={"coc": "positive"},
    )


def busy_patients(counselor, count: int) -> None:
    """`count` patients of `counselor`'s caseload, each in a group that meets today (and missed it: an alert and a
    review) as well as yesterday and tomorrow, with every plan and measure flag, all with the same name so that
    only counts tell them apart."""
    for _ in range(count):
        enrollment = caseload_patient(counselor, patient__legal_last_name="Garcia", patient__legal_first_name="Ana")
        flagged(counselor, enrollment)
        session = GroupSessionFactory(group=enrollment.group_memberships.get().group)
        AttendanceFactory(session=session, enrollment=enrollment, status="unexcused", minutes_attended=0)
        Reminder.objects.create(
            kind="absence_alert", session=session, patient=enrollment.patient, staff=counselor, due_at=timezone.now()
        )
        AbsenceReview.objects.create(enrollment=enrollment, unexcused_absences=3)


@pytest.mark.parametrize("role", ["counselor", "supervisor", "front_desk", "administrator"])
def test_each_roles_dashboard_is_the_same_size_for_a_small_and_a_large_caseload(client, role, users, counselor):
    client.force_login(users[role])
    busy_patients(counselor, FEW)
    small = page_load(client, "/")
    busy_patients(counselor, MANY - FEW)

    assert_same_load(small, page_load(client, "/"))
    blocks = ['id="safety-alerts"', 'id="plans-due"', 'id="measures-due"', 'id="unexpected-positives"', "score-rises"]
    page = client.get("/").content.decode()
    assert [block in page for block in blocks] == [role in ("counselor", "supervisor")] * len(blocks)


@pytest.mark.parametrize("role", ["counselor", "supervisor"])
def test_the_dashboards_rows_load_nothing_one_by_one(client, role, users, counselor):
    """Under the limits, so that a query per row would show: the lists load only the columns they print, and
    printing them must not fetch the rest row by row."""
    client.force_login(users[role])
    busy_patients(counselor, 1)
    one = page_load(client, "/")
    busy_patients(counselor, 2)

    assert page_load(client, "/")[0] == one[0]


def test_the_schedules_entries_load_nothing_one_by_one(client, supervisor, counselor):
    client.force_login(supervisor)
    busy_patients(counselor, 1)
    one = page_load(client, "/schedule/?counselor=")
    busy_patients(counselor, 2)

    assert page_load(client, "/schedule/?counselor=")[0] == one[0]


def test_the_charts_attendance_loads_nothing_one_by_one(client, counselor):
    mine = caseload_patient(counselor)  # one attendance
    group = mine.group_memberships.get().group
    client.force_login(counselor)
    one = page_load(client, f"/patients/{mine.patient_id}/?section=attendance")
    for days in (3, 5):
        session = GroupSessionFactory(group=group, starts_at=timezone.now() - datetime.timedelta(days=days))
        AttendanceFactory(session=session, enrollment=mine)

    assert page_load(client, f"/patients/{mine.patient_id}/?section=attendance")[0] == one[0]


def test_the_patient_list_is_the_same_size_for_few_and_many_patients_on_any_page(client, supervisor):
    client.force_login(supervisor)
    PatientFactory.create_batch(2 * FEW, legal_last_name="Garcia", legal_first_name="Ana")  # page 2 is full
    small = page_load(client, "/patients/"), page_load(client, "/patients/?page=2")
    PatientFactory.create_batch(MANY, legal_last_name="Garcia", legal_first_name="Ana")

    assert_same_load(small[0], page_load(client, "/patients/"))
    assert_same_load(small[1], page_load(client, "/patients/?page=2"))


@pytest.mark.parametrize("section", ["summary", "journey", "attendance", "notes", "reminders", "print"])
def test_each_chart_section_is_the_same_size_for_a_short_and_a_long_history(client, counselor, section, monkeypatch):
    monkeypatch.setattr("sessions.selectors.chart.NOTES_PER_PAGE", 2)
    monkeypatch.setattr("sessions.selectors.chart.ROWS_PER_PAGE", 2)
    mine = caseload_patient(counselor)
    group = mine.group_memberships.get().group
    url = (
        f"/patients/{mine.patient_id}/print/"
        if section == "print"
        else f"/patients/{mine.patient_id}/?section={section}"
    )

    def history(first, last):
        for days in range(first, last):
            session = GroupSessionFactory(group=group, starts_at=timezone.now() - datetime.timedelta(days=days))
            attendance = AttendanceFactory(session=session, enrollment=mine, status="present", minutes_attended=180)
            ProgressNoteFactory(attendance=attendance, author=counselor, data="d", assessment="a", plan="p")
            Reminder.objects.create(
                kind="session_reminder", session=session, patient=mine.patient, due_at=session.starts_at
            )

    client.force_login(counselor)
    history(10, 13)
    small = page_load(client, url)
    history(13, 30)

    assert_same_load(small, page_load(client, url))


def test_the_chart_is_the_same_size_however_many_other_patients(client, counselor):
    mine = caseload_patient(counselor)
    client.force_login(counselor)
    small = page_load(client, f"/patients/{mine.patient_id}/")
    busy_patients(counselor, MANY)

    assert_same_load(small, page_load(client, f"/patients/{mine.patient_id}/"))


@pytest.mark.parametrize("narrowed", [False, True])
def test_the_schedule_is_the_same_size_for_few_and_many_sessions_a_day(client, supervisor, counselor, narrowed):
    program = ProgramFactory()
    url = f"/schedule/?counselor={counselor.pk}" if narrowed else "/schedule/"

    def sessions(count):
        for _ in range(count):
            group = TherapyGroupFactory(program=program, facilitator=counselor, title="Relapse Prevention AM")
            for day in range(7):
                GroupSessionFactory(
                    group=group, starts_at=timezone.now().replace(hour=8) + datetime.timedelta(days=day)
                )

    client.force_login(supervisor)
    sessions(FEW)
    small = page_load(client, url)
    sessions(MANY - FEW)

    assert_same_load(small, page_load(client, url))


def test_the_census_is_the_same_size_for_few_and_many_patients(client, supervisor):
    programs = ProgramFactory(capacity=100), ProgramFactory(capacity=100)
    client.force_login(supervisor)
    for program in programs:
        EnrollmentFactory.create_batch(FEW, program=program)
    small = page_load(client, "/census/")
    for program in programs:
        EnrollmentFactory.create_batch(MANY - FEW, program=program)

    assert_same_load(small, page_load(client, "/census/"))


@pytest.mark.parametrize("page", ["", "attendance/"])
def test_a_sessions_page_and_its_attendance_sheet_do_not_grow_with_the_clinic(client, counselor, page):
    session = GroupSessionFactory(group__facilitator=counselor)
    for _ in range(3):
        MembershipFactory(group=session.group, enrollment__patient__legal_last_name="Garcia")
    client.force_login(counselor)
    small = page_load(client, f"/sessions/{session.pk}/{page}")
    busy_patients(counselor, MANY)

    assert_same_load(small, page_load(client, f"/sessions/{session.pk}/{page}"))


@pytest.mark.parametrize("url", ["/", "/schedule/", "/patients/", "/?counselor={pk}", "/schedule/?counselor={pk}"])
def test_the_pages_with_a_counselor_picker_do_not_grow_with_the_number_of_counselors(client, supervisor, url):
    """The picker is a search box with suggestions fetched as one types, not a list of every clinician."""
    chosen = UserFactory(role="counselor", first_name="Ana", last_name="Rivera")
    url = url.format(pk=chosen.pk)
    UserFactory.create_batch(2, role="counselor", first_name="Bo", last_name="Lindqvist")
    client.force_login(supervisor)
    small = page_load(client, url)
    UserFactory.create_batch(37, role="counselor", first_name="Bo", last_name="Lindqvist")

    assert_same_load(small, page_load(client, url))
    assert "Lindqvist" not in client.get(url).content.decode()
