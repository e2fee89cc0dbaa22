"""Every staff page passes axe-core's checks (WCAG rules a machine can test), navigation included, at a desktop's
width and a phone's, as the counselor who runs the sessions sees it."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1366, 390])
def test_every_staff_page_passes_axe(page, live_server, sign_in, clinic, accessibility_violations, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in("jordan")
    patient, session = clinic["patient"], clinic["session"]
    pages = [
        "/",
        "/patients/",
        f"/patients/{patient.pk}/",
        "/schedule/",
        "/census/",
        f"/sessions/{session.pk}/",
        f"/sessions/{session.pk}/attendance/",
    ]
    found = {}
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        if violations := accessibility_violations():
            found[path] = violations

    assert found == {}


@pytest.mark.parametrize("width", [1366, 390])
def test_the_duplicate_warning_and_the_past_time_confirmation_pass_axe(
    page, live_server, sign_in, clinic, accessibility_violations, width, settings
):
    """States of the registration and booking forms that only a sent form shows."""
    import datetime

    from django.utils import timezone

    settings.BOOKING_PAST = "warn"  # the live server runs in this process
    page.set_viewport_size({"width": width, "height": 900})
    patient = clinic["patient"]
    sign_in("morgan")
    page.goto(f"{live_server.url}/patients/new/")
    page.get_by_label("Legal first name").fill(patient.legal_first_name.upper())
    page.get_by_label("Legal last name").fill(patient.legal_last_name)
    page.get_by_label("Date of birth").fill(patient.date_of_birth.isoformat())
    page.get_by_role("button", name="Register").click()
    page.get_by_role("button", name="Register anyway").wait_for()
    found = {"register": accessibility_violations()}

    page.goto(f"{live_server.url}/patients/{patient.pk}/book/")
    found["book"] = accessibility_violations()
    page.get_by_label("Day").fill((timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Save").click()
    page.get_by_label("Book it although this time has passed").wait_for()
    found["book, past"] = accessibility_violations()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll

    assert found == {"register": [], "book": [], "book, past": []}
