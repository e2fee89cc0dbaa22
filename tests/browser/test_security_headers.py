"""The Content-Security-Policy in Chromium: no page breaks it, and what the moved scripts did still works."""

import datetime

import pytest
from django.utils import timezone

from sessions.models import Attendance
from tests.factories import EnrollmentFactory, GroupSessionFactory, MembershipFactory, TherapyGroupFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery"


@pytest.fixture
def violations(page):
    """Every CSP violation Chromium reports on the console, page after page."""
    seen = []
    page.on("console", lambda message: "Content Security Policy" in message.text and seen.append(message.text))
    return seen


@pytest.fixture
def clinic():
    supervisor = UserFactory(username="morgan", role="supervisor", first_name="Morgan", last_name="Diaz")
    counselor = UserFactory(username="jordan", role="counselor", first_name="Jordan", last_name="Lee")
    enrollment = EnrollmentFactory(
        counselor=counselor,
        patient__primary_counselor=counselor,
        patient__legal_last_name="Whitfield",
        program__name="IOP - Day Track",
        program__level_of_care="2.1",
    )
    EnrollmentFactory(patient__legal_last_name="Okafor", program=enrollment.program)
    group = TherapyGroupFactory(program=enrollment.program, facilitator=counselor, title="IOP Morning Group")
    MembershipFactory(group=group, enrollment=enrollment)
    session = GroupSessionFactory(group=group, starts_at=timezone.now() - datetime.timedelta(minutes=30))
    return {"supervisor": supervisor, "counselor": counselor, "patient": enrollment.patient, "session": session}


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").wait_for()


def test_the_staff_pages_and_the_admin_break_no_content_security_policy(
    page, live_server, clinic, violations, screenshot
):
    sign_in(page, live_server, "morgan")
    patient, session = clinic["patient"], clinic["session"]

    for path in [
        "/",
        "/patients/",
        f"/patients/{patient.pk}/",
        "/schedule/",
        "/census/",
        f"/sessions/{session.pk}/",
        f"/sessions/{session.pk}/attendance/",
        f"/patients/{patient.pk}/book/",
        f"/patients/{patient.pk}/transition/",
        "/patients/new/",
        "/password/",
        "/admin/",
        "/admin/patients/patient/",
        f"/admin/patients/patient/{patient.pk}/change/",
        "/admin/clinic_sessions/therapysession/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")

        assert response.status == 200, path
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert violations == [], path
    page.goto(f"{live_server.url}/census/")
    screenshot("census")


def test_the_moved_scripts_still_work_under_the_policy(page, live_server, clinic, violations):
    sign_in(page, live_server, "morgan")
    patient, session = clinic["patient"], clinic["session"]
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    # The dashboard's counselor switch submits as soon as a counselor is chosen.
    page.get_by_label("Counselor").select_option(label=str(clinic["counselor"]))
    page.get_by_role("heading", name="Caseload of Jordan Lee").wait_for()
    assert f"counselor={clinic['counselor'].pk}" in page.url

    # htmx saves one row of the attendance sheet in place.
    page.goto(f"{live_server.url}/sessions/{session.pk}/attendance/")
    page.locator(f"#status-{patient.pk}").select_option("present")
    page.locator(f"#row-{patient.pk}").get_by_role("button", name="Save row").click()
    page.locator(f"#row-{patient.pk}").get_by_text("Saved").wait_for()
    assert Attendance.objects.get(session=session, patient=patient).status == "present"

    # The patient search posts the name: the list shows the match, and no URL the browser asked for has the name.
    page.goto(f"{live_server.url}/patients/")
    page.get_by_label("Name or MRN").fill("Whitfield")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("1 patient").wait_for()
    assert "Okafor" not in page.locator("#patients").inner_text()
    page.get_by_role("button", name="Clear").click()
    page.get_by_text("2 patients").wait_for()
    assert not [url for url in requested if "Whitfield" in url]
    assert violations == []
