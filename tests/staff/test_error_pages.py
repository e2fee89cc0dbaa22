"""With DEBUG off, a refusal, a missing page, a bad request and a server error each get a friendly page that keeps
the navigation; none says whether a patient exists. And the browser's /favicon.ico is the site's icon."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousOperation
from django.test import Client, RequestFactory
from django.urls import include, path
from django.views import defaults

from clinic.errors import OutOfScopeError
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

NAVIGATION = ('href="/patients/"', 'href="/schedule/"', 'href="/census/"')


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def without_tokens(html: bytes) -> str:
    """The page without its CSRF tokens, which are masked afresh on every response."""
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html.decode())


def shows_navigation(html: str) -> bool:
    return all(link in html for link in NAVIGATION)


def test_a_refusal_shows_the_friendly_403_page_with_the_navigation(client, counselor):
    client.force_login(counselor)

    response = client.get("/patients/new/")  # registering is for front desk, supervisors and administrators
    html = response.content.decode()

    assert response.status_code == 403
    assert "Not allowed" in html and shows_navigation(html)
    assert "<title>Not allowed" in html


def test_another_counselors_patient_is_the_same_404_page_as_no_patient(client, counselor, other_counselor):
    theirs = EnrollmentFactory(counselor=other_counselor, patient__primary_counselor=other_counselor).patient
    client.force_login(counselor)

    hidden = client.get(f"/patients/{theirs.pk}/")
    missing = client.get(f"/patients/{theirs.pk + 1000}/")

    assert hidden.status_code == missing.status_code == 404
    assert without_tokens(hidden.content) == without_tokens(
        missing.content
    )  # nothing tells a hidden patient from no patient
    html = hidden.content.decode()
    assert "Not found" in html and shows_navigation(html)
    assert theirs.legal_last_name not in html


def test_another_clinicians_session_sheet_is_the_friendly_404_page(client, other_counselor, session):
    client.force_login(other_counselor)

    response = client.get(f"/sessions/{session.pk}/attendance/")

    assert response.status_code == 404 and shows_navigation(response.content.decode())


def test_an_unknown_page_is_the_friendly_404_page_signed_out_too(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404 and "Not found" in response.content.decode()


def test_the_500_page_runs_no_query_and_still_shows_the_navigation(django_assert_num_queries):
    request = RequestFactory().get("/census/")

    with django_assert_num_queries(0):
        response = defaults.server_error(request)
    html = response.content.decode()

    assert response.status_code == 500
    assert "Something went wrong" in html and shows_navigation(html)


def test_a_bad_request_is_the_friendly_400_page():
    request = RequestFactory().get("/")

    response = defaults.bad_request(request, SuspiciousOperation("probe"))
    html = response.content.decode()

    assert response.status_code == 400
    assert "Request not understood" in html and shows_navigation(html) and "probe" not in html


def test_the_favicon_is_linked_from_every_page_and_served_at_favicon_ico(client, counselor):
    client.force_login(counselor)

    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/").content.decode()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 302 and icon["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg")


def test_an_expired_form_says_nothing_was_saved_and_keeps_the_navigation(counselor, session):
    client = Client(enforce_csrf_checks=True)
    client.force_login(counselor)

    response = client.post(f"/sessions/{session.pk}/cancel/", {"reason": "Snow day"})
    html = response.content.decode()

    assert response.status_code == 403
    assert "Nothing was saved" in html and shows_navigation(html) and "CSRF verification" not in html
    session.refresh_from_db()
    assert session.status == "scheduled"


def _view_that_forgets_the_scope(request):
    raise OutOfScopeError()


urlpatterns = [path("forgetful/", _view_that_forgets_the_scope), path("", include("clinic.urls"))]


@pytest.mark.urls(__name__)
def test_an_out_of_scope_refusal_a_view_forgot_is_the_plain_not_found_page(client, counselor):
    client.force_login(counselor)

    response = client.get("/forgetful/")

    assert response.status_code == 404
    assert "Not found" in response.content.decode() and OutOfScopeError.default_message not in response.content.decode()
