"""The staff pages in headless Chromium, as a counselor and as front desk would use them."""

import datetime

import pytest
from django.utils import timezone

from sessions.models import Attendance, ProgressNote
from tests.factories import EnrollmentFactory, GroupSessionFactory, MembershipFactory, TherapyGroupFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery"


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def clinic():
    counselor = UserFactory(username="jordan", role="counselor", first_name="Jordan", last_name="Lee")
    enrollment = EnrollmentFactory(counselor=counselor, patient__primary_counselor=counselor,
                                   patient__legal_last_name="Whitfield", program__name="IOP - Day Track",
                                   program__level_of_care="2.1")  # fmt: skip
    group = TherapyGroupFactory(program=enrollment.program, facilitator=counselor, title="IOP Morning Group")
    member = MembershipFactory(group=group, enrollment=enrollment)
    session = GroupSessionFactory(group=group, starts_at=timezone.now() - datetime.timedelta(days=1))
    attendance = Attendance.objects.create(session=session, patient=member.patient, enrollment=enrollment,
                                           status="present", minutes_attended=180)  # fmt: skip
    note = ProgressNote.objects.create(attendance=attendance, author=counselor, data="Shared a trigger.",
                                       assessment="Insightful.", plan="Practise urge surfing.")  # fmt: skip
    UserFactory(username="casey", role="front_desk")
    return {"counselor": counselor, "patient": enrollment.patient, "note": note}


def test_a_counselor_signs_in_sees_the_caseload_and_opens_the_chart(page, live_server, clinic, screenshot):
    sign_in(page, live_server, "jordan")

    caseload = page.locator("#caseload")
    caseload.get_by_text("Whitfield").wait_for()
    assert "IOP - Day Track" in caseload.inner_text()
    screenshot("dashboard")

    caseload.get_by_role("link", name="Whitfield").click()
    page.get_by_role("heading", name="Level-of-care journey").wait_for()
    assert "Practise urge surfing." in page.locator("#notes").inner_text()
    assert "IOP - Day Track" in page.locator("#journey").inner_text()
    screenshot("chart")


def test_front_desk_cannot_open_a_note(page, live_server, clinic):
    sign_in(page, live_server, "casey")
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Whitfield").click()
    page.get_by_role("heading", name="Level-of-care journey").wait_for()

    assert page.locator("#notes").count() == 0
    assert "urge surfing" not in page.content()
    response = page.goto(f"{live_server.url}/admin/clinic_sessions/progressnote/{clinic['note'].pk}/change/")
    assert response.status == 403
