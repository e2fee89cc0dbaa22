"""A counselor drafts a treatment plan in the browser (a problem, a goal, an objective), signs it, starts a review,
marks the objective met, signs the review, and reads version 2 with what changed."""

import datetime

import pytest
from django.utils import timezone

from plans.models import PlanStatus, TreatmentPlan

pytestmark = pytest.mark.django_db(transaction=True)


def _open(page, summary: str):
    page.get_by_text(summary, exact=True).first.click()


def test_a_counselor_drafts_signs_and_reviews_a_plan(page, live_server, sign_in, clinic, screenshot):
    patient = clinic["patient"]
    sign_in("jordan")
    page.goto(f"{live_server.url}/patients/{patient.pk}/?section=plan")
    page.get_by_text("No plan yet for this stay.").wait_for()
    page.get_by_role("button", name="Start the plan").click()

    page.get_by_text("Plan started.").wait_for()
    _open(page, "Add a problem")
    form = page.locator("#form-problem")
    form.get_by_label("ASAM dimension").select_option(label="5 Relapse, continued use or continued problem potential")
    form.get_by_label("Severity (0 to 4)").select_option("3")
    form.get_by_label("Problem").fill("Returns to use under stress at work.")
    form.get_by_role("button", name="Add the problem").click()
    page.get_by_text("Problem added.").wait_for()

    _open(page, "Add a goal to this problem")
    page.get_by_label("Goal, in the patient's own words").fill("I want to handle stress without using.")
    page.get_by_role("button", name="Add the goal").click()
    page.get_by_text("Goal added.").wait_for()

    _open(page, "Add an objective to this goal")
    page.get_by_label("Objective (measurable)").fill("Name 3 triggers and a coping skill for each.")
    target = timezone.localdate() + datetime.timedelta(days=21)
    page.get_by_label("Target date").fill(target.isoformat())
    page.get_by_role("button", name="Add the objective").click()
    page.get_by_text("Objective added.").wait_for()
    assert page.get_by_text("“I want to handle stress without using.”").is_visible()
    screenshot("plan-draft")

    page.get_by_label("How the patient agreed").select_option(label="Signed on paper")
    page.get_by_role("button", name="Sign the plan").click()
    page.get_by_text("Plan signed.").wait_for()
    status = page.locator("#plan-status")
    assert "signed version 1" in " ".join(status.inner_text().split())
    assert page.get_by_text("Name 3 triggers and a coping skill for each.").is_visible()
    screenshot("plan-signed")

    page.get_by_role("button", name="Start a review").click()
    page.get_by_text("Review started").wait_for()
    assert page.get_by_role("heading", name="Treatment plan: draft version 2").is_visible()
    page.get_by_label("Status of “Name 3 triggers").select_option(label="Met")
    page.get_by_role("button", name="Set status of “Name 3 triggers").click()
    page.get_by_text("Objective status saved.").wait_for()
    page.get_by_label("How the patient agreed").select_option(label="Agreed verbally")
    page.get_by_role("button", name="Sign the plan").click()
    page.get_by_text("Plan signed.").wait_for()

    page.get_by_role("link", name="Version 2").click()
    page.get_by_role("heading", name="What changed since version 1").wait_for()
    changes = page.locator("#changes").inner_text()
    assert "Name 3 triggers and a coping skill for each." in changes and "status: open → met" in changes
    screenshot("plan-version-2")
    assert list(TreatmentPlan.objects.order_by("version").values_list("version", "status")) == [
        (1, PlanStatus.SIGNED),
        (2, PlanStatus.SIGNED),
    ]


def test_the_plan_pages_fit_a_phone(page, live_server, sign_in, clinic, screenshot):
    from clinic.models import User
    from tests.browser.plan_data import plan_pages

    paths = plan_pages(clinic, User.objects.get(username="jordan"))
    page.set_viewport_size({"width": 390, "height": 900})
    sign_in("jordan")
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    screenshot("plan-print-phone")
