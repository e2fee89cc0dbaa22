import datetime
import html
import re

import pytest
from django.utils import timezone

from clinic.models import AuditEvent
from sessions.models import AbsenceReview
from tests.factories import (
    EnrollmentFactory,
    GroupSessionFactory,
    PatientFactory,
    ProgressNoteFactory,
    caseload_patient,
)
from tests.helpers import queries_for_page

pytestmark = pytest.mark.django_db


def test_the_dashboard_lists_the_counselors_caseload_with_its_flags(client, counselor):
    mine = caseload_patient(counselor)
    AbsenceReview.objects.create(enrollment=mine, unexcused_absences=3)
    other = EnrollmentFactory()
    client.force_login(counselor)

    page = client.get("/").content.decode()

    assert mine.patient.mrn in page and other.patient.mrn not in page
    assert "0.00</span> of 9" in page  # this week's hours against IOP's minimum
    assert "Review due" in page
    assert "day 21" in page  # admitted 20 days ago


def test_a_stay_past_the_programs_expected_length_is_flagged(client, counselor):
    today = timezone.localdate()

    def withdrawal_stay(name, days_ago):
        EnrollmentFactory(
            counselor=counselor,
            patient__legal_last_name=name,
            program__name=f"Withdrawal {name}",
            program__level_of_care="wm",
            program__min_length_of_stay_days=3,
            program__max_length_of_stay_days=7,
            admitted_on=today - datetime.timedelta(days=days_ago),
        )

    withdrawal_stay("Seventh", 6)
    withdrawal_stay("Eighth", 7)
    client.force_login(counselor)

    rows = {
        name: row
        for row in re.findall(r"<tr role=\"row\">(.*?)</tr>", client.get("/").content.decode(), re.S)
        for name in ("Seventh", "Eighth")
        if name in row
    }

    stay = "of 3\N{EN DASH}7"
    assert f"day 7</span> {stay}" in rows["Seventh"] and "past expected stay" not in rows["Seventh"]
    assert f'<span class="flag">day 8</span> {stay}' in rows["Eighth"] and "past expected stay" in rows["Eighth"]


def test_a_supervisor_switches_between_counselors_and_all(client, supervisor, counselor, other_counselor):
    mine = caseload_patient(counselor)
    other = EnrollmentFactory(counselor=other_counselor)
    client.force_login(supervisor)

    everyone = client.get("/").content.decode()
    one = client.get(f"/?counselor={counselor.pk}").content.decode()

    assert mine.patient.mrn in everyone and other.patient.mrn in everyone
    assert mine.patient.mrn in one and other.patient.mrn not in one


def test_front_desk_sees_todays_schedule_but_no_caseload(client, front_desk, counselor):
    caseload_patient(counselor)
    client.force_login(front_desk)

    page = client.get("/").content.decode()

    assert "Today's sessions" in page and "Patients in care" not in page


def test_the_dashboard_lists_todays_first_sessions_and_links_the_others_on_the_schedule(
    client, supervisor, counselor, monkeypatch
):
    monkeypatch.setattr("sessions.selectors.dashboard.TODAY_LIMIT", 2)
    for n in range(5):
        GroupSessionFactory(
            starts_at=timezone.now() + datetime.timedelta(minutes=n),
            group__title=f"Group {n}",
            group__facilitator=counselor,
        )
    client.force_login(supervisor)

    one = client.get(f"/?counselor={counselor.pk}").content.decode()
    everyone = client.get("/").content.decode()

    day = timezone.localdate().isoformat()
    assert "Group 1" in one and "Group 2" not in one
    assert f'and 3 more: <a href="/schedule/?week={day}&counselor={counselor.pk}">' in one
    assert "Group 0" not in everyone and "No sessions today" not in everyone
    assert f'5 sessions across the clinic: <a href="/schedule/?week={day}">' in everyone


def test_the_dashboard_runs_the_same_queries_for_2_and_40_patients(client, counselor):
    client.force_login(counselor)
    for _ in range(2):
        caseload_patient(counselor)
    with_two = queries_for_page(client, "/")
    for _ in range(38):
        caseload_patient(counselor)

    assert queries_for_page(client, "/") == with_two


def test_patients_are_found_by_name_or_mrn_and_filtered(client, supervisor):
    dana = EnrollmentFactory(patient__legal_last_name="Whitfield", program__name="IOP - Day Track").patient
    other = PatientFactory(legal_last_name="Okafor")
    client.force_login(supervisor)

    by_name = client.post("/patients/", {"q": "whitf"}, follow=True).content.decode()
    by_mrn = client.post("/patients/", {"q": other.mrn}, follow=True).content.decode()
    in_care = client.get("/patients/?status=active").content.decode()
    not_in_care = client.get("/patients/?status=ended").content.decode()

    assert dana.mrn in by_name and other.mrn not in by_name
    assert other.mrn in by_mrn and dana.mrn not in by_mrn
    assert dana.mrn in in_care and other.mrn not in in_care and "IOP - Day Track" in in_care
    assert other.mrn in not_in_care and dana.mrn not in not_in_care


def test_a_name_or_mrn_searched_for_stays_out_of_every_url(client, supervisor):
    program = EnrollmentFactory(patient__legal_last_name="Whitfield").program
    for _ in range(30):
        EnrollmentFactory(program=program, patient__legal_last_name="Whitfield")
    other = PatientFactory(legal_last_name="Okafor")
    client.force_login(supervisor)

    response = client.post("/patients/", {"q": "Whitfield", "program": program.pk, "status": "active"})
    page = client.get(response["Location"]).content.decode()
    second = client.get(f"{response['Location']}&page=2").content.decode()
    by_mrn = client.post("/patients/", {"q": other.mrn})

    assert response.status_code == 302 and "Whitfield" not in response["Location"]
    assert f"program={program.pk}" in response["Location"] and "status=active" in response["Location"]
    assert "31 patients" in page and "Page 1 of 2" in page and "Okafor" not in page
    assert 'value="Whitfield"' in page  # the search box still shows what was searched for
    links = re.findall(r'href="([^"]*)"', page + second)
    assert any("page=2" in link for link in links)
    assert not [link for link in links if "Whitfield" in link or "q=" in link]
    assert "Page 2 of 2" in second and "Whitfield" in second and "Okafor" not in second
    assert other.mrn not in by_mrn["Location"]
    assert other.mrn in client.get(by_mrn["Location"]).content.decode()


def test_the_next_page_link_keeps_the_filters_and_the_search(client, supervisor):
    program = EnrollmentFactory(patient__legal_last_name="Whitfield", program__name="IOP - Day Track").program
    for _ in range(30):
        EnrollmentFactory(program=program, patient__legal_last_name="Whitfield")
    PatientFactory.create_batch(30, legal_last_name="Okafor")
    client.force_login(supervisor)
    first = client.post("/patients/", {"q": "Whitfield", "program": program.pk})["Location"]

    [link] = re.findall(r'href="(\?[^"]*page=2)"', client.get(first).content.decode())
    second = client.get(f"/patients/{html.unescape(link)}").content.decode()

    assert f"program={program.pk}" in link and "IOP" not in link  # the program's id, not its name
    assert "Page 2 of 2" in second and "Whitfield" in second and "Okafor" not in second


def test_a_new_search_replaces_the_old_and_clear_shows_everyone(client, supervisor):
    dana = PatientFactory(legal_last_name="Whitfield")
    other = PatientFactory(legal_last_name="Okafor")
    client.force_login(supervisor)

    first = client.post("/patients/", {"q": "Whitfield"})["Location"]
    second = client.post("/patients/", {"q": "Okafor"})["Location"]
    old_link = client.get(first).content.decode()
    new_link = client.get(second).content.decode()
    cleared = client.post("/patients/", {"q": "Okafor", "clear": "1"}, follow=True)

    assert dana.mrn not in new_link and other.mrn in new_link
    assert dana.mrn in old_link and other.mrn in old_link  # a replaced search no longer filters
    assert cleared.redirect_chain == [("/patients/", 302)]
    page = cleared.content.decode()
    assert dana.mrn in page and other.mrn in page and 'value="Okafor"' not in page
    typed = client.get("/patients/?q=Okafor").content.decode()  # a name typed into a URL is not searched for
    assert dana.mrn in typed and other.mrn in typed


def test_the_patient_list_pages_by_25(client, supervisor):
    PatientFactory.create_batch(30)
    client.force_login(supervisor)

    first = client.get("/patients/").content.decode()
    second = client.get("/patients/?page=2").content.decode()

    assert "Page 1 of 2" in first and first.count('href="/patients/') >= 25
    assert "Page 2 of 2" in second


def test_the_patient_list_runs_the_same_queries_for_2_and_40_patients(client, supervisor):
    client.force_login(supervisor)
    # Every name matches the search, so both sizes list rows (random names could leave the small one empty).
    for _ in range(2):
        EnrollmentFactory(patient__legal_last_name="Nakamura")
    with_two = queries_for_page(client, "/patients/")
    searched = client.post("/patients/", {"q": "a", "status": "active"})["Location"]
    searched_two = queries_for_page(client, searched)
    for _ in range(38):
        EnrollmentFactory(patient__legal_last_name="Nakamura")

    assert queries_for_page(client, "/patients/") == with_two
    assert queries_for_page(client, searched) == searched_two


def test_the_chart_shows_the_journey_and_notes_and_is_audited(client, counselor):
    enrollment = caseload_patient(counselor)
    client.force_login(counselor)
    chart = f"/patients/{enrollment.patient_id}/"

    summary = client.get(chart).content.decode()
    journey = client.get(f"{chart}?section=journey").content.decode()
    notes = client.get(f"{chart}?section=notes").content.decode()

    assert enrollment.program.name in summary and 'id="care"' in summary
    assert enrollment.program.name in journey and "in care" in journey
    assert "Progress notes" in notes and "draft" in notes and "Progress notes" not in journey
    audits = AuditEvent.objects.filter(action="patient.view").order_by("pk")
    assert [a.detail["section"] for a in audits] == ["summary", "journey", "notes"]
    assert {(a.actor, a.patient_id, a.ip_address) for a in audits} == {(counselor, enrollment.patient_id, "127.0.0.1")}


def test_the_chart_pages_its_notes_and_keeps_the_section_in_its_links(client, counselor, monkeypatch):
    monkeypatch.setattr("sessions.selectors.chart.NOTES_PER_PAGE", 1)
    enrollment = caseload_patient(counselor)
    group = enrollment.group_memberships.get().group
    ProgressNoteFactory(
        attendance__session=GroupSessionFactory(group=group, starts_at=timezone.now() - datetime.timedelta(days=3)),
        attendance__enrollment=enrollment,
        author=counselor,
        data="An older session's data.",
    )
    client.force_login(counselor)

    first = client.get(f"/patients/{enrollment.patient_id}/?section=notes").content.decode()
    second = client.get(f"/patients/{enrollment.patient_id}/?section=notes&page=2").content.decode()

    assert "An older session" not in first and "An older session" in second
    assert 'href="?section=notes&page=2"' in first
    assert 'aria-current="page">Notes</a>' in second


def test_front_desk_sees_the_chart_without_clinical_notes(client, front_desk, counselor):
    enrollment = caseload_patient(counselor)
    client.force_login(front_desk)

    page = client.get(f"/patients/{enrollment.patient_id}/").content.decode()

    assert enrollment.patient.mrn in page
    assert "Progress notes" not in page and 'href="?section=notes"' not in page
    attendance = client.get(f"/patients/{enrollment.patient_id}/?section=attendance").content.decode()
    assert "Weekly hours" in attendance and 'id="attendance"' not in attendance  # hours, not who attended what
    assert "Progress notes" not in client.get(f"/patients/{enrollment.patient_id}/?section=notes").content.decode()


def test_a_counselor_gets_404_for_a_patient_outside_their_caseload(client, counselor):
    other = EnrollmentFactory()
    client.force_login(counselor)

    assert client.get(f"/patients/{other.patient_id}/").status_code == 404
    assert not AuditEvent.objects.filter(action="patient.view").exists()


def test_the_chart_runs_the_same_queries_for_a_short_and_a_long_history(client, counselor):
    short = caseload_patient(counselor)
    long = caseload_patient(counselor)
    for days in range(2, 40):
        session = GroupSessionFactory(
            group=long.group_memberships.get().group, starts_at=timezone.now() - datetime.timedelta(days=days)
        )
        note = ProgressNoteFactory(author=counselor, attendance__session=session, attendance__enrollment=long)
        note.addenda.create(author=counselor, text="later")
    client.force_login(counselor)

    assert queries_for_page(client, f"/patients/{short.patient_id}/") == queries_for_page(
        client, f"/patients/{long.patient_id}/"
    )


def test_each_session_on_the_charts_attendance_opens_the_session(client, counselor):
    enrollment = caseload_patient(counselor)
    session = enrollment.attendances.get().session
    client.force_login(counselor)

    attendance = client.get(f"/patients/{enrollment.patient_id}/?section=attendance").content.decode()

    assert f'<a href="/sessions/{session.pk}/">{session.title}</a>' in attendance
