"""Attendance is clinical: front desk and administrators see whether a session is scheduled, held or cancelled,
never how many attended."""

import datetime

import pytest
from django.utils import timezone

from tests.clock import clinic_time
from tests.factories import AttendanceFactory, EnrollmentFactory, book_counseling

# Mid-afternoon in the clinic, so that "an hour ago" is today and the session shows on today's dashboard.
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(clinic_time("2026-11-25 15:00"), tick=False)]


@pytest.fixture
def held_individual_session(counselor):
    """An individual session held an hour ago, the patient present."""
    enrollment = EnrollmentFactory(counselor=counselor)
    start = timezone.localtime() - datetime.timedelta(hours=1)  # the clock is pinned to mid-afternoon above
    [session] = book_counseling(
        acting_user=counselor,
        patient=enrollment.patient,
        day=start.date(),
        at=start.time().replace(second=0, microsecond=0),
    )
    AttendanceFactory(session=session, enrollment=enrollment, status="present", minutes_attended=50)
    session.status = "held"
    session.save(update_fields=["status"])
    return session


def pages(client, session):
    week = timezone.localtime(session.starts_at).date().isoformat()
    return {
        "schedule": client.get(f"/schedule/?week={week}").content.decode(),
        "session": client.get(f"/sessions/{session.pk}/").content.decode(),
        "dashboard": client.get("/").content.decode(),
    }


@pytest.mark.parametrize("role", ["front_desk", "administrator"])
def test_non_clinicians_see_the_status_but_no_attendance_count(client, request, role, held_individual_session):
    client.force_login(request.getfixturevalue(role))

    shown = pages(client, held_individual_session)

    assert {name: "attended" in page for name, page in shown.items()} == dict.fromkeys(shown, False)
    assert "· held" in shown["schedule"]
    assert "Held" in shown["session"] and "Held" in shown["dashboard"]
    assert "attendance to take" not in shown["dashboard"]


def test_the_counselor_sees_how_many_attended(client, counselor, held_individual_session):
    client.force_login(counselor)

    shown = pages(client, held_individual_session)

    assert "held, 1 attended" in shown["schedule"]
    assert "1 attended" in shown["session"] and "1 attended" in shown["dashboard"]
