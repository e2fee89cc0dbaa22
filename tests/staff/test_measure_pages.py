"""The chart's Measures section: safety alerts on top with their follow-up form, each instrument's scores plotted
against its bands with the plan's signatures marked and the numbers as a table, what is due, the drug screens as a
timeline and a table with unexpected positives flagged. Clinicians only, a constant number of queries."""

import datetime

import pytest
from django.utils import timezone

from clinic.models import AuditAction, AuditEvent
from measures.models import MeasureSchedule
from measures.services import drug_screen_record, measure_record
from tests.factories import EnrollmentFactory
from tests.helpers import assert_same_load, page_load
from tests.measures.conftest import bam, gad7, phq9

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_care(counselor):
    """An IOP patient of the counselor's caseload, admitted 60 days ago."""
    return EnrollmentFactory(
        counselor=counselor,
        patient__primary_counselor=counselor,
        program__level_of_care="2.1",
        admitted_on=timezone.localdate() - datetime.timedelta(days=60),
    )


def url(enrollment) -> str:
    return f"/patients/{enrollment.patient_id}/?section=measures"


def record(user, enrollment, instrument, answers, days_ago):
    return measure_record(
        acting_user=user,
        patient=enrollment.patient,
        instrument=instrument,
        answers=answers,
        administered_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def screen(user, enrollment, days_ago, **results):
    return drug_screen_record(
        acting_user=user,
        patient=enrollment.patient,
        collected_at=timezone.now() - datetime.timedelta(days=days_ago, hours=1),
        observed=True,
        results={"coc": "negative", "bup": "negative", **results},
    )


def test_a_counselor_sees_scores_plotted_with_their_table_and_the_latest_band(client, counselor, in_care):
    record(counselor, in_care, "phq9", phq9(18), 40)
    record(counselor, in_care, "phq9", phq9(12), 20)
    record(counselor, in_care, "bam", bam(i4=5, i8=3), 10)
    client.force_login(counselor)

    page = client.get(url(in_care)).content.decode()

    assert 'id="phq9-total-plot"' in page and 'role="img"' in page and 'aria-labelledby="phq9-total-caption"' in page
    assert page.count('class="plot-point"') == 2 + 3  # two PHQ-9 points, one per BAM subscale
    assert "PHQ-9 total over time, 2 scores" in page and "latest 12, Moderate" in page
    assert "<caption>PHQ-9 scores, newest first</caption>" in page
    assert '12 <span class="text-body-secondary">moderate</span>' in page
    assert 'id="bam-use-plot"' in page and 'id="bam-risk-plot"' in page and 'id="bam-protective-plot"' in page
    # GAD-7 never given: words, not an empty plot
    assert 'id="gad7-total-plot"' not in page
    assert 'GAD-7</th>\n      <td>\u2013</td><td class="text-body-secondary">No scores yet</td>' in page


def test_the_plans_signatures_are_marked_on_the_plots(client, counselor, in_care, monkeypatch):
    day = timezone.localdate() - datetime.timedelta(days=15)
    monkeypatch.setattr("staff.views.chart_measures.signed_dates", lambda patient: [(day, 2)])
    record(counselor, in_care, "phq9", phq9(18), 30)
    record(counselor, in_care, "phq9", phq9(8), 5)
    client.force_login(counselor)

    page = client.get(url(in_care)).content.decode()

    assert page.count('class="plot-marker"') == 1
    assert "Plan version 2 signed" in page and "dashed lines: 1 plan signature" in page


def test_an_open_safety_alert_shows_on_top_with_its_follow_up_form(client, counselor, in_care):
    response = record(counselor, in_care, "phq9", phq9(6, item9=1), 1)
    client.force_login(counselor)

    page = client.get(url(in_care)).content.decode()

    alerts = page.index('id="alerts"')
    assert alerts < page.index('id="phq9-history"')
    assert "item 9 (thoughts of self-harm) above 0" in page
    assert f'action="/patients/{in_care.patient_id}/alerts/{response.safety_alert.pk}/follow-up/"' in page


def test_the_drug_screens_show_as_a_timeline_and_a_table_flagging_unexpected_positives(client, counselor, in_care):
    screen(counselor, in_care, 14)
    screen(counselor, in_care, 7, bup="expected")
    screen(counselor, in_care, 1, coc="positive", bup="expected")
    client.force_login(counselor)

    page = client.get(url(in_care)).content.decode()

    assert 'id="screens-plot"' in page
    # lanes: the whole screen, then buprenorphine and cocaine (each ever positive)
    assert ">Whole screen</text>" in page and ">Buprenorphine</text>" in page and ">Cocaine</text>" in page
    assert page.count("mark-positive") == 2 + 1  # the legend's, and the 3rd screen's whole-screen and cocaine marks
    assert page.count('<tr class="screen-unexpected">') == 1
    assert (
        '<span class="badge text-bg-danger">Unexpected positive</span> '
        "Buprenorphine positive as expected, Cocaine positive" in page
    )
    assert "All negative (2 tested)" in page


def test_what_is_due_in_this_stay_is_listed(client, counselor, in_care):
    MeasureSchedule.objects.create(program=in_care.program, instrument="gad7", at_admission=True)
    client.force_login(counselor)

    page = client.get(url(in_care)).content.decode()

    assert "GAD-7 (depression)" not in page
    assert "GAD-7 (anxiety): at admission, due" in page and '<span class="flag">overdue</span>' in page


def test_an_empty_history_says_so_in_words(client, counselor, in_care):
    client.force_login(counselor)

    page = client.get(url(in_care)).content.decode()

    assert "<svg" not in page.split('id="alerts"')[1]
    assert page.count("No scores yet.") == 3 and "No drug screens yet." in page


def test_opening_the_section_is_audited(client, counselor, in_care):
    client.force_login(counselor)
    client.get(url(in_care))

    event = AuditEvent.objects.get(action=AuditAction.PATIENT_VIEW)
    assert (event.patient_id, event.detail.get("section")) == (in_care.patient_id, "measures")


def test_front_desk_has_no_measures_section(client, front_desk, in_care, counselor):
    record(counselor, in_care, "phq9", phq9(14), 3)
    client.force_login(front_desk)

    page = client.get(url(in_care)).content.decode()

    assert "?section=measures" not in page and "PHQ-9" not in page


def test_another_counselors_patient_is_not_found(client, other_counselor, in_care):
    client.force_login(other_counselor)

    assert client.get(url(in_care)).status_code == 404


def test_the_supervisor_sees_the_section(client, supervisor, in_care, counselor):
    record(counselor, in_care, "gad7", gad7(16), 3)
    client.force_login(supervisor)

    assert "GAD-7 recorded" not in (page := client.get(url(in_care)).content.decode())
    assert 'id="gad7-total-plot"' in page


def test_the_attendance_section_plots_the_weekly_hours_against_the_programs_band(client, counselor, in_care):
    client.force_login(counselor)

    page = client.get(f"/patients/{in_care.patient_id}/?section=attendance").content.decode()

    assert 'id="hours-plot"' in page and 'class="plot-band band-0"' in page
    assert "<title>The program&#x27;s band: " in page


def test_the_section_is_the_same_size_for_a_short_and_a_long_history(client, counselor, in_care, monkeypatch):
    monkeypatch.setattr("staff.views.chart_measures.HISTORY_LIMIT", 5)

    def history(first, last):
        for days_ago in range(first, last):
            record(counselor, in_care, "phq9", phq9(days_ago % 24), days_ago)
            record(counselor, in_care, "bam", bam(i4=days_ago % 30), days_ago)
            screen(counselor, in_care, days_ago, coc="positive" if days_ago % 2 else "negative")

    history(1, 8)
    client.force_login(counselor)
    small = page_load(client, url(in_care))
    history(8, 41)

    assert_same_load(small, page_load(client, url(in_care)))


def test_the_section_runs_the_same_queries_for_3_and_40_responses_and_screens(client, counselor, in_care):
    """At the real limit (52), so both sizes are under it: the rows grow, the queries do not."""

    def history(first, last):
        for days_ago in range(first, last):
            record(counselor, in_care, "gad7", gad7(days_ago % 21), days_ago)
            screen(counselor, in_care, days_ago, coc="positive" if days_ago % 3 else "negative")

    history(1, 4)
    client.force_login(counselor)
    small = page_load(client, url(in_care))
    history(4, 41)
    large = page_load(client, url(in_care))

    assert small[0] == large[0]
    assert large[1] < 200_000  # forty weeks of scores and screens: plots and tables, well under 200 kB


@pytest.mark.parametrize("path", ["measures/new/?instrument=bam", "screens/new/"])
def test_the_form_pages_do_not_grow_with_the_history(client, counselor, in_care, path):
    client.force_login(counselor)
    small = page_load(client, f"/patients/{in_care.patient_id}/{path}")
    for days_ago in range(1, 30):
        record(counselor, in_care, "bam", bam(), days_ago)
        screen(counselor, in_care, days_ago)

    assert_same_load(small, page_load(client, f"/patients/{in_care.patient_id}/{path}"))
