"""A counselor on a patient's Measures section: enters a PHQ-9 item by item, sees the message and the plot with one
more point (and its table one more row), records a drug screen with an unexpected positive and sees it flagged, then
signs a review of the treatment plan, which the score plot marks. Screenshots go to the test-artifacts folder and
the test's tmp_path."""

import datetime

import pytest
from django.utils import timezone

from measures.services import drug_screen_record, measure_record
from plans.services import plan_add_problem, plan_sign, plan_start
from tests.measures.conftest import bam, gad7, phq9

pytestmark = pytest.mark.django_db(transaction=True)


def seed_measures(patient, counselor, *, alert: bool = True, plan: bool = True) -> None:
    """Three weeks of scores (improving), a BAM, a signed plan (unless `plan` is False: the caller writes its own),
    three weekly drug screens (one with an expected buprenorphine, one with an unexpected cocaine positive) and, if
    `alert`, an open safety alert."""
    today = timezone.localdate()
    for days_ago, total in ((18, 17), (11, 13), (4, 9)):
        answers = phq9(total, item9=1) if alert and days_ago == 4 else phq9(total)
        day = today - datetime.timedelta(days=days_ago)
        measure_record(acting_user=counselor, patient=patient, instrument="phq9", answers=answers, administered_on=day)
        measure_record(
            acting_user=counselor, patient=patient, instrument="gad7", answers=gad7(total - 3), administered_on=day
        )
    measure_record(
        acting_user=counselor,
        patient=patient,
        instrument="bam",
        answers=bam(i3=10, i4=2, i8=2, i9=3, i10=8, i16=12),
        administered_on=today - datetime.timedelta(days=4),
    )
    if plan:
        draft = plan_start(acting_user=counselor, enrollment=patient.enrollments.get())
        if not draft.problems.exists():
            plan_add_problem(acting_user=counselor, plan=draft, dimension=5, severity=2, description="Relapse risk")
        plan_sign(acting_user=counselor, plan=draft, patient_agreed_on=today, agreement_method="paper")
    for days_ago, results in ((15, {}), (8, {"bup": "expected"}), (1, {"bup": "expected", "thc": "positive"})):
        drug_screen_record(
            acting_user=counselor,
            patient=patient,
            collected_at=timezone.now() - datetime.timedelta(days=days_ago),
            observed=True,
            results={"coc": "negative", "bup": "negative", "thc": "negative", **results},
        )


def test_a_counselor_enters_a_phq9_and_a_screen_sees_them_plotted_and_signs_a_plan_review(
    page, live_server, sign_in, clinic, screenshot, tmp_path
):
    patient = clinic["patient"]
    seed_measures(patient, clinic["counselor"], alert=False)
    sign_in("jordan")
    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    page.get_by_role("link", name="Measures").click()
    plot = page.locator("#phq9-total-plot")
    assert plot.locator("circle.plot-point").count() == 3
    assert page.locator("#phq9-table tbody tr").count() == 3
    page.screenshot(path=str(tmp_path / "measures-before.png"), full_page=True)

    page.get_by_role("link", name="Enter a PHQ-9").click()
    today_label = timezone.localdate().strftime("%b %-d, %Y")
    for item, answer in zip(range(1, 10), [2, 2, 1, 1, 1, 1, 1, 0, 0], strict=True):
        group = page.get_by_role("group", name=f"{item}. ", exact=False).first
        group.get_by_label(["Not at all", "Several days", "More than half the days"][answer], exact=True).check()
    page.get_by_role("button", name="Save PHQ-9").click()

    assert page.get_by_role("alert").filter(has_text="PHQ-9 recorded: 9, mild.").is_visible()
    assert plot.locator("circle.plot-point").count() == 4
    assert page.locator("#phq9-table tbody tr").count() == 4
    page.get_by_text("PHQ-9 scores as a table (4)").click()  # the numbers, on toggle
    assert page.locator("#phq9-table tbody tr").first.inner_text().split() == [*today_label.split(), "9", "mild"]
    screenshot("measures-after-phq9")
    page.screenshot(path=str(tmp_path / "measures-after-phq9.png"), full_page=True)

    page.get_by_role("link", name="Record a drug screen").click()
    page.get_by_role("group", name="Collection observed").get_by_label("No, not observed").check()
    page.get_by_role("group", name="Cocaine", exact=True).get_by_label("Positive", exact=True).check()
    page.get_by_role("button", name="Save drug screen").click()

    assert page.get_by_role("alert").filter(has_text="unexpected positive for Cocaine").is_visible()
    newest = page.locator("#screen-table tbody tr").first
    assert "Unexpected positive" in newest.inner_text() and "Cocaine positive" in newest.inner_text()
    assert page.locator("#screens-plot polygon.mark-positive").count() >= 2  # the whole screen's and cocaine's
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("measures-screen-flagged")
    page.screenshot(path=str(tmp_path / "measures-screen-flagged.png"), full_page=True)

    # The scores drive the plan: the counselor reviews it, signs version 2, and the plot marks the review.
    page.get_by_role("link", name="Plan", exact=True).click()
    page.get_by_role("button", name="Start a review").click()
    page.get_by_text("Review started").wait_for()
    page.get_by_label("How the patient agreed").select_option(label="Agreed verbally")
    page.get_by_role("button", name="Sign the plan").click()
    page.get_by_text("Plan signed.").wait_for()
    assert "signed version 2" in " ".join(page.locator("#plan-status").inner_text().split())
    page.get_by_role("link", name="Measures").click()
    markers = plot.locator("line.plot-marker title").evaluate_all("titles => titles.map(t => t.textContent)")
    assert [label.split(" signed")[0] for label in markers] == ["Plan version 1", "Plan version 2"]
    screenshot("measures-after-review")


def test_the_plots_fit_a_phone_and_the_alert_takes_a_follow_up(page, live_server, sign_in, clinic, screenshot):
    patient = clinic["patient"]
    seed_measures(patient, clinic["counselor"])
    page.set_viewport_size({"width": 390, "height": 900})
    sign_in("jordan")
    page.goto(f"{live_server.url}/patients/{patient.pk}/?section=measures#alerts")

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("#phq9-total-plot svg").bounding_box()["width"] <= 390
    screenshot("measures-phone")
    page.get_by_label("What was done").fill("Safety plan agreed; crisis line given.")
    page.get_by_role("button", name="Record follow-up").click()

    assert page.get_by_role("alert").filter(has_text="Follow-up recorded").is_visible()
    assert page.get_by_text("No open safety alerts.").is_visible()
