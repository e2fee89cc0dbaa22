"""As a counselor meets them in the browser: another clinician's session offers no button, the page one reaches
anyway is a plain "Not found" that keeps the menu and leads back by keyboard, and the site has its icon."""

import pytest
from django.utils import timezone

from tests.factories import GroupSessionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_counselor_on_another_clinicians_session_finds_no_button_and_a_plain_page_back(
    page, live_server, sign_in, clinic
):
    colleague = UserFactory(username="riley", role="counselor", first_name="Riley", last_name="Park")
    theirs = GroupSessionFactory(group__facilitator=colleague, group__title="Evening Group", starts_at=timezone.now())
    MembershipFactory(group=theirs.group, enrollment__patient__primary_counselor=clinic["counselor"])
    sign_in("jordan")

    page.goto(f"{live_server.url}/sessions/{theirs.pk}/")
    page.get_by_role("heading", name="Evening Group").wait_for()
    assert page.get_by_role("link", name="Attendance and notes").count() == 0
    assert page.get_by_role("button", name="Cancel session").count() == 0

    response = page.goto(f"{live_server.url}/sessions/{theirs.pk}/attendance/")
    assert response.status == 404
    page.get_by_role("heading", name="Not found").wait_for()
    assert "Evening Group" not in page.content()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    back = page.get_by_role("link", name="Back to the dashboard")
    back.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert icon.endswith(".svg")
    assert page.request.get(f"{live_server.url}/favicon.ico").ok  # redirected to the icon, served by WhiteNoise
