import os

import pytest
import time_machine
from django.db import connection

from tests.clock import ORDINARY, clinic_time
from tests.factories import UserFactory
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
def _clinic_clock(request):
    """Every test runs at a stated clinic-local instant (tests/clock.py), never at the real clock's; a module or a
    test moves it (the time_machine fixture, or a `_clinic_clock` of its own). Not where the clock is another
    process's too: the integration tests' Celery workers and the browser tests' Chromium keep the real clock."""
    if {"integration", "browser"} & set(request.path.parts):
        yield
        return
    with time_machine.travel(clinic_time(ORDINARY), tick=False):
        yield


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


@pytest.fixture
def supervisor(db):
    return UserFactory(role="supervisor")


@pytest.fixture
def counselor(db):
    return UserFactory(role="counselor")


@pytest.fixture
def front_desk(db):
    return UserFactory(role="front_desk")


@pytest.fixture
def administrator(db):
    return UserFactory(role="administrator", is_staff=True)


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
