"""The dashboard's clinical flags from plans and measures: urgent safety alerts on top, plans due and overdue,
measures due, unexpected positive screens and score rises; each for the clinicians who may see the patient."""

import datetime

import pytest
from django.utils import timezone

from clinic.models import AuditEvent
from measures.models import MeasureSchedule, SafetyAlert
from measures.services import drug_screen_record, measure_record, safety_alert_follow_up
from staff.care_flags import care_flags_for
from tests.clock import TODAY
from tests.factories import EnrollmentFactory, UserFactory
from tests.measures.conftest import gad7, phq9
from tests.staff.test_page_sizes import flagged

pytestmark = pytest.mark.django_db


def in_care(counselor, *, days: int = 20, last_name: str = "Okafor", **fields):
    """An IOP patient of the counselor's caseload (primary counselor and the enrollment's), admitted `days` ago."""
    defaults = {
        "counselor": counselor,
        "patient__primary_counselor": counselor,
        "patient__legal_last_name": last_name,
        "program__level_of_care": "2.1",  # first plan within 7 days
        "admitted_on": TODAY - datetime.timedelta(days=days),
    }
    return EnrollmentFactory(**{**defaults, **fields})


def dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def top(page: str) -> str:
    """The safety-alert region, which comes before the rest of the page's content."""
    start = page.index('<section aria-labelledby="safety-title"')
    assert start < page.index('id="caseload-title"') or 'id="caseload-title"' not in page
    return page[start : page.index("</section>", start)]


def test_an_item_9_alert_reaches_the_counselor_and_supervisors_on_top_until_followed_up(
    client, counselor, other_counselor, supervisor, front_desk, users
):
    enrollment = in_care(counselor, last_name="Okafor")
    measure_record(acting_user=counselor, patient=enrollment.patient, instrument="phq9", answers=phq9(12, item9=1))
    link = f'href="/patients/{enrollment.patient_id}/?section=measures#alerts"'

    for user in (counselor, supervisor):
        region = top(dashboard(client, user))
        assert "Urgent: safety alert to follow up" in region
        assert link in region and "Okafor" in region
    assert "Okafor" not in dashboard(client, other_counselor)
    for user in (front_desk, users["administrator"]):  # they may see the caseload, never the alert
        assert 'id="safety-alerts"' not in dashboard(client, user)

    safety_alert_follow_up(
        acting_user=supervisor, alert=SafetyAlert.objects.get(), note="Called; safety plan reviewed with the patient."
    )
    assert 'id="safety-alerts"' not in dashboard(client, counselor)
    assert 'id="safety-alerts"' not in dashboard(client, supervisor)


def test_the_alert_reaches_the_enrollments_counselor_when_the_primary_counselor_is_another(
    client, counselor, other_counselor
):
    enrollment = in_care(counselor, patient__primary_counselor=other_counselor)
    measure_record(acting_user=counselor, patient=enrollment.patient, instrument="phq9", answers=phq9(3, item9=2))

    assert "Okafor" in top(dashboard(client, counselor))
    assert "Okafor" in top(dashboard(client, other_counselor))


def test_plans_overdue_and_due_within_three_days_are_listed_and_one_due_in_four_is_not(client, counselor):
    in_care(counselor, days=9, last_name="Overdue")  # due two days ago
    soon = in_care(counselor, days=4, last_name="Soonest")  # due in three days
    in_care(counselor, days=3, last_name="Later")  # due in four days

    page = dashboard(client, counselor)

    start = page.index('id="plans-due"')
    plans = " ".join(page[start : page.index("</ul>", start)].split())
    assert "Overdue, " in plans and "overdue</strong> since Mon Nov 16" in plans
    assert f'href="/patients/{soon.patient_id}/?section=plan">Soonest, ' in plans
    assert "first plan due Sat Nov 21" in plans
    assert "Later, " not in plans
    assert "Treatment plans due" in page


def test_more_plans_than_fit_say_how_many_more(client, counselor, monkeypatch):
    monkeypatch.setattr("staff.care_flags.FLAG_LIMIT", 2)
    for n in range(5):
        in_care(counselor, days=10 + n)

    page = dashboard(client, counselor)

    assert page[page.index('id="plans-due"') :].count("first plan") == 2
    assert "and 3 more" in page


def test_measures_due_unexpected_positives_and_rises_are_listed_with_links(client, counselor, other_counselor):
    due = in_care(counselor, last_name="Dueford")
    MeasureSchedule.objects.create(program=due.program, instrument="phq9", at_admission=True, every_days=14)
    screened = in_care(counselor, last_name="Screenwell")
    drug_screen_record(
        acting_user=counselor,
        patient=screened.patient,
        collected_at=timezone.now() - datetime.timedelta(days=1),
        observed=True,
        results={"fty": "positive", "bup": "expected"},
    )
    rising = in_care(counselor, last_name="Riser")
    for days_ago, total in ((10, 4), (3, 11)):
        measure_record(
            acting_user=counselor,
            patient=rising.patient,
            instrument="gad7",
            answers=gad7(total),
            administered_on=TODAY - datetime.timedelta(days=days_ago),
        )
    in_care(other_counselor, last_name="Elsewhere")

    page = dashboard(client, counselor)
    flags = page[page.index('id="care-flags"') :]

    measures = flags[flags.index('id="measures-due"') :]
    assert f'href="/patients/{due.patient_id}/?section=measures">Dueford' in measures
    assert "PHQ-9 (depression) <strong>overdue</strong> since" in measures
    positives = flags[flags.index('id="unexpected-positives"') :]
    assert f'href="/patients/{screened.patient_id}/?section=measures">Screenwell' in positives
    assert "Fentanyl positive" in positives and "Buprenorphine" not in positives
    rises = flags[flags.index('id="score-rises"') :]
    assert f'href="/patients/{rising.patient_id}/?section=measures">Riser' in rises
    assert "4 → 11 (up 7)" in rises
    assert "Elsewhere" not in page


@pytest.mark.parametrize("role", ["front_desk", "administrator"])
def test_front_desk_and_administrators_see_no_flags(client, counselor, supervisor, role):
    enrollment = in_care(counselor)
    measure_record(acting_user=counselor, patient=enrollment.patient, instrument="phq9", answers=phq9(12, item9=1))
    MeasureSchedule.objects.create(program=enrollment.program, instrument="gad7", at_admission=True)

    page = dashboard(client, UserFactory(role=role))

    assert 'id="safety-alerts"' not in page and 'id="care-flags"' not in page
    assert "self-harm" not in page and "Treatment plans due" not in page


def test_the_audit_row_names_the_patients_of_the_flags(client, counselor, supervisor, monkeypatch):
    monkeypatch.setattr("sessions.selectors.dashboard.PAGE_SIZE", 1)  # one caseload row: the flags name more
    alerted = in_care(counselor, last_name="Alerted")
    measure_record(acting_user=counselor, patient=alerted.patient, instrument="phq9", answers=phq9(5, item9=1))
    overdue = [in_care(counselor, days=30, last_name=name) for name in ("Aaronson", "Zylberg")]
    client.force_login(counselor)
    client.get("/")

    event = AuditEvent.objects.get(action="dashboard.view")
    named = set(event.patients.values_list("patient_id", flat=True))
    assert {alerted.patient_id, *(e.patient_id for e in overdue)} <= named


def test_a_supervisor_choosing_a_caseload_sees_its_plans_and_every_safety_alert(
    client, counselor, other_counselor, supervisor
):
    in_care(counselor, last_name="Mineplan")
    theirs = in_care(other_counselor, last_name="Theirplan")
    measure_record(acting_user=other_counselor, patient=theirs.patient, instrument="phq9", answers=phq9(5, item9=1))
    client.force_login(supervisor)

    page = client.get(f"/?counselor={counselor.pk}").content.decode()

    flags = page[page.index('id="care-flags"') :]
    assert "Mineplan, " in flags and "Theirplan, " not in flags
    assert "Theirplan, " in top(page)


@pytest.mark.parametrize("role", ["counselor", "supervisor"])
def test_the_flags_take_nine_queries_and_none_for_front_desk(
    counselor, front_desk, users, role, django_assert_num_queries
):
    """The dashboard's cost of the flags (issue 10 measures the page): three for plans (programs, the rows, how
    many), three for measures due, one each for alerts, positives and rises; nothing for the front desk."""
    for _ in range(3):
        flagged(counselor, in_care(counselor))
    with django_assert_num_queries(9):
        flags = care_flags_for(users[role])
    assert all(
        (flags.safety_alerts, flags.plans_due, flags.measures_due, flags.unexpected_positives, flags.score_rises)
    )
    with django_assert_num_queries(0):
        assert not care_flags_for(front_desk).any
