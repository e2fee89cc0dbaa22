"""Every staff page passes axe-core's checks (WCAG rules a machine can test), navigation included, at a desktop's
width and a phone's, as each role sees it: the buttons, forms and columns differ by role."""

import pytest
from django.utils import timezone

from clinic import policy
from clinic.models import User
from clinic.policy import Action
from sessions.models import NoteAddendum, ProgressNote
from tests.browser.plan_data import plan_pages
from tests.browser.test_measures import seed_measures
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def flag_everything(clinic) -> None:
    """Every block of the dashboard's clinical flags, for another patient of Jordan's in a program of its own (so
    Whitfield's chart keeps its own data): a first plan overdue (admitted 20 days ago, none signed), a GAD-7 due, a
    PHQ-9 rising 6 points with item 9 above 0 (an open safety alert) and an unexpected positive screen."""
    import datetime

    from measures.models import MeasureSchedule
    from measures.services import drug_screen_record, measure_record
    from tests.factories import EnrollmentFactory
    from tests.measures.conftest import phq9

    counselor = clinic["counselor"]
    enrollment = EnrollmentFactory(
        counselor=counselor,
        patient__primary_counselor=counselor,
        patient__legal_last_name="Abernathy",
        program__name="IOP - Evening Track",
        program__level_of_care="2.1",
    )
    MeasureSchedule.objects.create(program=enrollment.program, instrument="gad7", at_admission=True)
    today = timezone.localdate()
    for days_ago, answers in ((10, phq9(2)), (1, phq9(8, item9=1))):
        measure_record(
            acting_user=counselor,
            patient=enrollment.patient,
            instrument="phq9",
            answers=answers,
            administered_on=today - datetime.timedelta(days=days_ago),
        )
    drug_screen_record(
        acting_user=counselor,
        patient=enrollment.patient,
        collected_at=timezone.now() - datetime.timedelta(hours=20),
        observed=True,
        results={"coc": "positive"},
    )


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("username", ["jordan", "morgan", "casey", "ada"])
def test_every_staff_page_passes_axe(page, live_server, sign_in, clinic, accessibility_violations, width, username):
    UserFactory(username="ada", role="administrator")
    flag_everything(clinic)
    user = User.objects.get(username=username)
    page.set_viewport_size({"width": width, "height": 900})
    note = clinic["note"]
    ProgressNote.objects.filter(pk=note.pk).update(signed_at=timezone.now())  # signed: the addendum boxes show
    NoteAddendum.objects.create(note=note, author=clinic["counselor"], text="Called back:\nfeeling steadier.")
    note.refresh_from_db()
    seed_measures(clinic["patient"], clinic["counselor"], plan=False)  # plots, tables, an open safety alert
    sign_in(username)
    patient, session = clinic["patient"], clinic["session"]
    pages = [
        "/",
        "/patients/",
        "/patients/new/" if policy.allows(user, Action.REGISTER_PATIENT) else None,
        f"/patients/{patient.pk}/",
        *(f"/patients/{patient.pk}/?section={name}" for name in ("journey", "attendance", "notes", "reminders")),
        f"/patients/{patient.pk}/print/",
        *measure_pages(user, patient),
        f"/patients/{patient.pk}/book/" if policy.allows(user, Action.BOOK_SESSION, patient) else None,
        "/schedule/",
        f"/schedule/?view=day&counselor={clinic['counselor'].pk}",
        "/schedule/?view=day&by=room",
        f"/schedule/book/?counselor={clinic['counselor'].pk}&day={session.local_date}&at=16:00",
        "/census/",
        f"/sessions/{session.pk}/",
        f"/sessions/{session.pk}/attendance/" if policy.allows(user, Action.RUN_SESSION, session) else None,
        *(
            [f"/sessions/{note.attendance.session_id}/attendance/", f"/notes/{note.pk}/print/"]
            if policy.allows(user, Action.RUN_SESSION, session)
            else []
        ),
        f"/notes/{note.pk}/addenda/" if policy.allows(user, Action.ADD_TO_NOTE, note) else None,
        "/groups/",
        f"/groups/{session.group_id}/",
        *plan_pages(clinic, user),
    ]
    found = {}
    for path in filter(None, pages):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        if violations := accessibility_violations():
            found[path] = violations

    assert found == {}


def measure_pages(user, patient) -> list[str]:
    """The Measures section and its forms, for those who may open them."""
    pages = []
    if policy.allows(user, Action.SEE_MEASURES, patient):
        pages.append(f"/patients/{patient.pk}/?section=measures")
    if policy.allows(user, Action.RECORD_MEASURES, patient):
        pages += [f"/patients/{patient.pk}/measures/new/?instrument={code}" for code in ("phq9", "bam")]
        pages.append(f"/patients/{patient.pk}/screens/new/")
    if policy.allows(user, Action.FOLLOW_UP_SAFETY_ALERT, patient):
        pages.append(f"/patients/{patient.pk}/alerts/{patient.safety_alerts.get().pk}/follow-up/")
    return pages


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
