import contextlib
import datetime
import os
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from clinic.clock import local_start
from tests.conftest import require_service
from tests.factories import (
    PASSWORD,
    EnrollmentFactory,
    GroupSessionFactory,
    MembershipFactory,
    ProgressNoteFactory,
    TherapyGroupFactory,
    UserFactory,
)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Without the networking flags Chromium keeps trying hosts it cannot reach from here.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require_service(sync_playwright is not None, "needs the playwright package (requirements-dev.txt)")
    require_service(shutil.which(CHROMIUM) is not None, f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in the test thread until the session ends; the ORM must stay usable
    # there (in these tests and the ones after them).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with _real_clock():
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()
    playwright.stop()


@contextlib.contextmanager
def _real_clock():
    """Playwright's driver and Chromium start without libfaketime (the suite run at another clock time), which
    stalls them: they keep the real clock, as a user's browser would. Session and CSRF cookies carry a Max-Age, so
    the server's faked clock does not expire them. Processes started later (the integration tests' workers) keep it."""
    preload = os.environ.pop("LD_PRELOAD", None)
    try:
        yield
    finally:
        if preload is not None:
            os.environ["LD_PRELOAD"] = preload


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


@pytest.fixture
def accessibility_violations(page):
    """axe-core's violations in the part of the page `within` (the whole page, navigation included, by default), as
    it stands: "rule: help [targets]" each. The script is evaluated through the DevTools protocol, which the page's
    Content-Security-Policy (no inline scripts) does not govern."""

    def check(within: str = "html") -> list[str]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE.read_text())
        found = page.evaluate(
            "within => axe.run(within, {resultTypes: ['violations']}).then(r => r.violations)", within
        )
        return [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}" for v in found]

    return check


@pytest.fixture
def sign_in(page, live_server):
    """Signs a user in through the sign-in page, with the factories' password; returns on the signed-in page."""

    def sign_in(username: str):
        page.goto(f"{live_server.url}/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("navigation", name="Main").wait_for()

    return sign_in


# The people and the day the browser tests walk through. The browser keeps the real clock (tests/conftest.py).


@pytest.fixture
def jordan():
    """Jordan Lee, a counselor, who signs in as "jordan"."""
    return UserFactory(username="jordan", role="counselor", first_name="Jordan", last_name="Lee")


@pytest.fixture
def clinic(jordan):
    """Jordan's patient Whitfield in IOP - Day Track, on the roster of the IOP Morning Group: present at yesterday's
    session, with a draft note, and expected at today's, which started half an hour ago (or at midnight). Okafor,
    another patient of the program. Morgan, a supervisor, and Casey, front desk, sign in too."""
    supervisor = UserFactory(username="morgan", role="supervisor", first_name="Morgan", last_name="Diaz")
    UserFactory(username="casey", role="front_desk")
    enrollment = EnrollmentFactory(
        counselor=jordan,
        patient__primary_counselor=jordan,
        patient__legal_last_name="Whitfield",
        program__name="IOP - Day Track",
        program__level_of_care="2.1",
    )
    EnrollmentFactory(patient__legal_last_name="Okafor", program=enrollment.program)
    group = TherapyGroupFactory(program=enrollment.program, facilitator=jordan, title="IOP Morning Group")
    MembershipFactory(group=group, enrollment=enrollment)
    # Today's began half an hour ago, or at midnight when that was yesterday (the browser keeps the real clock, at
    # any hour, and the dashboard lists today's sessions); yesterday's at 10 AM.
    today = timezone.localdate()
    started = max(timezone.now() - datetime.timedelta(minutes=30), local_start(today, datetime.time(0)))
    yesterday = GroupSessionFactory(
        group=group, starts_at=local_start(today - datetime.timedelta(days=1), datetime.time(10))
    )
    note = ProgressNoteFactory(
        attendance__session=yesterday,
        attendance__enrollment=enrollment,
        author=jordan,
        data="Shared a trigger.",
        assessment="Insightful.",
        plan="Practise urge surfing.",
    )
    session = GroupSessionFactory(group=group, starts_at=started)
    return {
        "supervisor": supervisor,
        "counselor": jordan,
        "patient": enrollment.patient,
        "session": session,
        "note": note,
    }
