"""A button never shows for an action the service would refuse: for each one, a user the policy refuses does not
see it (and is refused if they try), and a user it allows does."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from clinic.policy import Action
from sessions.models import AbsenceReview
from tests.factories import (
    EnrollmentFactory,
    GroupSessionFactory,
    MembershipFactory,
    PatientFactory,
    UserFactory,
    book_counseling,
)

pytestmark = pytest.mark.django_db


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def in_care(counselor):
    return EnrollmentFactory(counselor=counselor, patient__primary_counselor=counselor)


@pytest.fixture
def not_in_care(counselor):
    return PatientFactory(primary_counselor=counselor)


def test_only_clinicians_see_step_down_and_discharge(client, counselor, front_desk, administrator, in_care):
    chart = f"/patients/{in_care.patient_id}/"

    assert "Step down / up" in page(client, counselor, chart) and "Discharge" in page(client, counselor, chart)
    for refused in (front_desk, administrator):
        shown = page(client, refused, chart)
        assert "Step down / up" not in shown and ">Discharge<" not in shown
        assert client.get(f"{chart}transition/").status_code == 403
        assert client.get(f"{chart}discharge/").status_code == 403


def test_only_clinicians_see_admit(client, supervisor, front_desk, not_in_care):
    chart = f"/patients/{not_in_care.pk}/"

    assert ">Admit<" in page(client, supervisor, chart)
    assert ">Admit<" not in page(client, front_desk, chart)
    assert client.get(f"{chart}admit/").status_code == 403


def test_book_shows_to_any_role_for_a_patient_in_care_only(client, counselor, front_desk, in_care, not_in_care):
    assert "Book a session" in page(client, front_desk, f"/patients/{in_care.patient_id}/")
    assert "Book a session" in page(client, counselor, f"/patients/{in_care.patient_id}/")
    assert "Book a session" not in page(client, front_desk, f"/patients/{not_in_care.pk}/")


def test_consent_buttons_show_to_whoever_may_see_the_patient(client, counselor, other_counselor, front_desk, in_care):
    chart = f"/patients/{in_care.patient_id}/"

    assert "Record reminder consent" in page(client, front_desk, chart)
    assert "Record reminder consent" in page(client, counselor, chart)
    client.force_login(other_counselor)
    assert client.get(chart).status_code == 404
    assert client.post(f"{chart}consent/", {"action": "give"}).status_code == 404


def test_only_clinicians_see_resolve_review(client, counselor, front_desk, in_care):
    review = AbsenceReview.objects.create(enrollment=in_care, unexcused_absences=3)
    chart = f"/patients/{in_care.patient_id}/"

    assert "Resolve review" in page(client, counselor, chart)
    assert "Resolve review" not in page(client, front_desk, chart)
    refused = client.post(f"{chart}reviews/{review.pk}/resolve/", {"outcome": "Called."}, follow=True)
    assert "Only counselors and clinical supervisors can resolve absence reviews" in refused.content.decode()
    review.refresh_from_db()
    assert review.resolved_at is None


def test_the_cancel_form_shows_to_whoever_may_cancel_the_session(
    client, counselor, other_counselor, front_desk, supervisor, later
):
    url = f"/sessions/{later.pk}/"

    for allowed in (counselor, front_desk, supervisor):
        assert "Cancel session" in page(client, allowed, url)
    assert "Cancel session" not in page(client, other_counselor, url)
    refused = client.post(f"{url}cancel/", {"reason": "Snow day"}, follow=True)
    assert "Counselors cancel their own sessions" in refused.content.decode()


def test_a_held_session_has_no_cancel_form(client, supervisor):
    session = GroupSessionFactory(status="held")

    assert "Cancel session" not in page(client, supervisor, f"/sessions/{session.pk}/")


def test_the_attendance_link_shows_to_whoever_may_run_the_session(
    client, counselor, other_counselor, supervisor, front_desk, session
):
    url = f"/sessions/{session.pk}/"

    for allowed in (counselor, supervisor):
        assert "Attendance and notes" in page(client, allowed, url)
    for refused in (other_counselor, front_desk, UserFactory(role="supervisor", is_superuser=True)):
        assert "Attendance and notes" not in page(client, refused, url)
        assert client.get(f"{url}attendance/").status_code == 404


def test_another_clinicians_session_today_shows_no_button_and_refuses_in_plain_pages(
    client, settings, counselor, other_counselor
):
    """The counselor's patient is on another clinician's group today: the counselor sees the session and their
    patient, but neither runs nor cancels it, so no button; tried anyway, a friendly page or a message, no change."""
    settings.DEBUG = False
    theirs = GroupSessionFactory(group__facilitator=other_counselor, starts_at=timezone.now())
    MembershipFactory(group=theirs.group, enrollment__patient__primary_counselor=counselor)
    later = GroupSessionFactory(group=theirs.group, starts_at=timezone.now() + datetime.timedelta(days=2))
    client.force_login(counselor)

    for session in (theirs, later):
        shown = page(client, counselor, f"/sessions/{session.pk}/")
        assert "Attendance and notes" not in shown and "Cancel session" not in shown
    sheet = client.get(f"/sessions/{theirs.pk}/attendance/")
    assert sheet.status_code == 404 and 'href="/schedule/"' in sheet.content.decode()  # the page keeps the menu
    refused = client.post(f"/sessions/{later.pk}/cancel/", {"reason": "Snow day"}, follow=True).content.decode()
    assert "Counselors cancel their own sessions" in refused
    later.refresh_from_db()
    assert later.status == "scheduled"


def test_a_session_booked_for_my_patient_with_a_colleague_opens_its_sheet_but_does_not_cancel(
    client, counselor, other_counselor, front_desk
):
    """The policy lets a counselor cover the booked sessions of their caseload (attendance and notes), while only
    the clinician who runs a session, the front desk or a supervisor cancels it."""
    mine = EnrollmentFactory(counselor=counselor, patient__primary_counselor=counselor).patient
    [booked] = book_counseling(acting_user=front_desk, patient=mine, counselor=other_counselor)

    shown = page(client, counselor, f"/sessions/{booked.pk}/")

    assert "Attendance and notes" in shown and "Cancel session" not in shown


def test_the_register_link_shows_to_whoever_may_register(client, counselor, front_desk, administrator):
    for allowed in (front_desk, administrator):
        assert "Register a patient" in page(client, allowed, "/patients/")
    assert "Register a patient" not in page(client, counselor, "/patients/")
    assert client.get("/patients/new/").status_code == 403


def test_the_dashboard_links_todays_sessions_to_their_attendance_only_for_whoever_may_run_them(
    client, counselor, front_desk, administrator
):
    session = GroupSessionFactory(group__facilitator=counselor, facilitator=counselor, starts_at=timezone.now())
    sheet = f'href="/sessions/{session.pk}/attendance/"'

    mine = page(client, counselor, "/")
    assert sheet in mine and "attendance to take" in mine
    for refused in (front_desk, administrator):
        theirs = page(client, refused, "/")
        assert session.group.title in theirs and sheet not in theirs and "attendance to take" not in theirs


def test_the_dashboard_shows_caseloads_to_clinicians_and_administrators_only(
    client, counselor, front_desk, administrator
):
    for allowed in (counselor, administrator):
        assert "Patients in care" in page(client, allowed, "/")
    assert "Patients in care" not in page(client, front_desk, "/")


def test_every_rule_a_template_asks_is_an_action():
    asked = {
        name
        for template in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for name in re.findall(r'{%\s*may\s+"([^"]+)"', template.read_text())
    }

    assert asked and asked <= {str(action) for action in Action}
