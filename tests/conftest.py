import datetime
import os

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from clinic.levels import LevelOfCare
from tests.clock import CLINIC_ZONE, ORDINARY, clinic_time
from tests.factories import EnrollmentFactory, GroupSessionFactory, MembershipFactory, TherapyGroupFactory, UserFactory
from tests.faketime import sitecustomize  # noqa: F401 - time.sleep under libfaketime

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_service(available: bool, why: str) -> None:
    """Skip locally when a service is missing, saying why; with CI=true a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {why}", pytrace=False)
    pytest.skip(why)


@pytest.fixture(autouse=True)
def _clinic_clock(request, settings):
    """Every test runs at a stated clinic-local instant (tests/clock.py), in the clinic's time zone, never at the
    real clock's; a module or a test moves it (the time_machine fixture, this fixture's traveller, or a
    `_clinic_clock` of its own), or states its own instant with `pytest.mark.time_machine(instant, tick=False)`.
    Not where the clock is another process's too: the integration tests' Celery workers and the browser tests'
    Chromium keep the real clock."""
    if {"integration", "browser"} & set(request.path.parts):
        yield None
        return
    settings.TIME_ZONE = CLINIC_ZONE.key
    if request.node.get_closest_marker("time_machine"):
        # time_machine's fixture, set up first, already stands at the marked instant; it also shifts it.
        yield request.getfixturevalue("time_machine")
        return
    with time_machine.travel(clinic_time(ORDINARY), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 is deliberately slow; the tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _postgres_marker(request):
    if request.node.get_closest_marker("postgres"):
        require_service(
            connection.vendor == "postgresql",
            "this test needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic",
        )


# Staff: one user per role, and a second counselor, the outsider whose patients and groups are not the first's.


@pytest.fixture
def supervisor(db):
    return UserFactory(role="supervisor")


@pytest.fixture
def counselor(db):
    return UserFactory(role="counselor")


@pytest.fixture
def other_counselor(db):
    return UserFactory(role="counselor")


@pytest.fixture
def front_desk(db):
    return UserFactory(role="front_desk")


@pytest.fixture
def administrator(db):
    """An administrator as the clinic makes them: staff, not a superuser."""
    return UserFactory(role="administrator", is_staff=True, is_superuser=False)


@pytest.fixture
def users(administrator, supervisor, counselor, front_desk):
    """The four staff users above, by role."""
    return {"administrator": administrator, "supervisor": supervisor, "counselor": counselor, "front_desk": front_desk}


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return client


# Patients in care.


@pytest.fixture
def residential(counselor):
    """A patient of the counselor's caseload on day 46 of a stay at Maple House, a residential program (3.5)."""
    return EnrollmentFactory(
        counselor=counselor,
        patient__primary_counselor=counselor,
        program__name="Maple House",
        program__level_of_care=LevelOfCare.CLINICALLY_MANAGED_HIGH_INTENSITY,
        admitted_on=timezone.localdate() - datetime.timedelta(days=45),
    )


# A group and its people: the counselor's group, a session of it (and a later one) and a patient on its roster.


@pytest.fixture
def group(counselor):
    """The counselor's group: three hours from 09:30 on Mondays, Wednesdays and Thursdays, in Room 2; its program
    reminds patients 24 and 2 hours ahead."""
    return TherapyGroupFactory(
        facilitator=counselor, duration_minutes=180, location="Room 2", program__reminder_lead_hours=[24, 2]
    )


@pytest.fixture
def session(group):
    """A session of the group that started an hour ago."""
    return GroupSessionFactory(group=group)


@pytest.fixture
def later(group):
    """A session of the group two days from now."""
    return GroupSessionFactory(group=group, starts_at=timezone.now() + datetime.timedelta(days=2))


@pytest.fixture
def member(group, counselor):
    """A patient of the counselor's caseload on the group's roster, who agreed to reminder emails."""
    return MembershipFactory(group=group, consenting=True, enrollment__patient__primary_counselor=counselor)


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on loopback, with Django's SMTP backend pointed at it."""
    from tests.smtp import SMTPSink

    sink = SMTPSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    sink.stop()
