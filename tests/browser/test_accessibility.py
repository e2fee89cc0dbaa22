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
        "/groups/",
        f"/groups/{session.group_id}/",
    ]
    found = {}
    for path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        if violations := accessibility_violations():
            found[path] = violations

    assert found == {}
