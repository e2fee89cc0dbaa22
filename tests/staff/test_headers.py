"""Every page carries a Content-Security-Policy without inline script or style, and no page is cached."""

import re
from pathlib import Path

import pytest

from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def test_staff_pages_and_the_admin_send_the_policy_and_are_never_stored(client, administrator):
    patient = EnrollmentFactory().patient
    client.force_login(administrator)

    for url in ["/", "/patients/", f"/patients/{patient.pk}/", f"/admin/patients/patient/{patient.pk}/change/"]:
        response = client.get(url)

        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == POLICY, url
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url


def test_the_sign_in_page_and_the_opt_out_page_send_the_policy(client):
    for url in ["/login/", "/stop/not-a-token/"]:
        response = client.get(url)

        assert response["Content-Security-Policy"] == POLICY, url
        assert "no-store" in response["Cache-Control"], url


# Email bodies are not served under the policy.
NOT_PAGES = {"emails"}
PAGES = sorted(
    str(path.relative_to(TEMPLATES))
    for path in TEMPLATES.rglob("*.html")
    if not NOT_PAGES & {path.relative_to(TEMPLATES).parts[0], str(path.relative_to(TEMPLATES))}
)


@pytest.mark.parametrize("path", PAGES)
def test_no_page_template_has_inline_script_handlers_or_styles(path):
    text = (TEMPLATES / path).read_text()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>: move it to static/js/"
    assert not re.search(r"<style\b", text), "<style> block: move it to static/css/clinic.css"
    assert not re.search(r"\sstyle=", text), 'style="": use a class in static/css/clinic.css'
    assert not re.search(r"\son[a-z]+=", text), "on* handler: use a data attribute and static/js/clinic.js"
