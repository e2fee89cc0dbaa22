"""The Content-Security-Policy in Chromium: no page breaks it, and what the moved scripts did still works."""

import pytest

from sessions.models import Attendance

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def violations(page):
    """Every CSP violation Chromium reports on the console, page after page."""
    seen = []
    page.on("console", lambda message: "Content Security Policy" in message.text and seen.append(message.text))
    return seen


def test_the_staff_pages_and_the_admin_break_no_content_security_policy(
    page, live_server, sign_in, clinic, violations, screenshot
):
    sign_in("morgan")
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


def test_the_moved_scripts_still_work_under_the_policy(page, live_server, sign_in, clinic, violations):
    sign_in("morgan")
    patient, session = clinic["patient"], clinic["session"]
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    # The dashboard's counselor picker suggests as one types (fetched under the policy's connect-src 'self'), and
    # submits as soon as a suggestion is chosen.
    box = page.get_by_role("combobox", name="Counselor")
    box.press_sequentially("Lee", delay=30)
    page.locator('#id_counselor-options option[value="Lee, Jordan (jordan)"]').wait_for(state="attached")
    box.fill("Lee, Jordan (jordan)")
    page.get_by_role("heading", name="Caseload of Jordan Lee").wait_for()
    assert f"counselor={clinic['counselor'].pk}" in page.url

    # htmx saves one row of the attendance sheet in place.
    page.goto(f"{live_server.url}/sessions/{session.pk}/attendance/")
    page.locator(f"#status-{patient.pk}").select_option("present")
    page.locator(f"#row-{patient.pk}").get_by_role("button", name="Save row").click()
    page.locator(f"#row-{patient.pk}").get_by_text("Saved", exact=True).wait_for()
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
