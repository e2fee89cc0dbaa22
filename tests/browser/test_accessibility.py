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
def test_the_error_pages_pass_axe(page, live_server, sign_in, clinic, accessibility_violations, width):
    """403 and 404 as the server answers them (DEBUG is off under test); 400 and 500, which no page can be made to
    raise, as Django renders them, served through the live server so that their styles load."""
    from django.template.loader import render_to_string

    page.set_viewport_size({"width": width, "height": 900})
    sign_in("jordan")

    def serve(status: int):
        body = render_to_string(f"{status}.html")
        return lambda route: route.fulfill(status=status, body=body, content_type="text/html")

    for status in (400, 500):
        page.route(f"{live_server.url}/error-{status}/", serve(status))
    expected = {"/patients/new/": 403, "/sessions/999999/": 404, "/error-400/": 400, "/error-500/": 500}
    found = {}
    for path, status in expected.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == status, path
        assert page.get_by_role("navigation", name="Main").locator('a[href="/schedule/"]').count() == 1, path
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path  # no sideways scroll
        if violations := accessibility_violations():
            found[path] = violations

    assert found == {}
