"""One time format everywhere ("5:34 PM": pages, messages, emails and the admin, through clinic/clock.py), and a
held session that nobody attended is not shown as a success."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import formats, timezone

from clinic.clock import date_label, time_label, when_label
from programs.services import EnrollmentError, enrollment_admit
from tests.clock import TODAY, at, clinic_time
from tests.factories import AttendanceFactory, EnrollmentFactory, book_counseling

pytestmark = pytest.mark.django_db

EVENING = at(TODAY + datetime.timedelta(days=7), 17, 34)


def test_the_clinic_writes_a_time_of_day_as_us_clinics_do():
    assert time_label(EVENING) == "5:34 PM"
    assert time_label(datetime.time(9, 30)) == "9:30 AM"
    assert when_label(EVENING) == "Wed Nov 25, 5:34 PM"
    # An aware instant is read on the clinic's clock, whatever zone it comes in.
    assert time_label(EVENING.astimezone(datetime.UTC)) == "5:34 PM"


def test_a_day_in_a_message_reads_as_on_the_pages():
    assert date_label(datetime.date(2026, 11, 8)) == "Nov 8, 2026"  # the chart's "M j, Y", not strftime's "Nov 08"


def test_an_enrollment_message_names_the_day_as_the_chart_does(client, counselor):
    enrollment = EnrollmentFactory(
        counselor=counselor, patient__primary_counselor=counselor, admitted_on=datetime.date(2026, 11, 2)
    )
    with pytest.raises(EnrollmentError) as refused:
        enrollment_admit(acting_user=counselor, patient=enrollment.patient, program=enrollment.program)

    assert "since Nov 2, 2026." in refused.value.message
    client.force_login(counselor)
    assert "Nov 2, 2026" in client.get(f"/patients/{enrollment.patient_id}/").content.decode()


def test_no_page_message_or_email_writes_a_24_hour_time_by_hand():
    """strftime's %H and Django's H or G (24-hour) are how "17:34" crept into messages; times go through
    clinic/clock.py (or its clock_time filter) instead."""
    root = Path(settings.BASE_DIR)
    sources = [*(root / "templates").rglob("*.html"), *(root / "templates").rglob("*.txt")] + [
        path
        for app in ("clinic", "patients", "programs", "sessions", "staff")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
    ]
    by_hand = re.compile(r"%H|%k|\b[HG]:i\b")

    assert [str(path.relative_to(root)) for path in sources if by_hand.search(path.read_text())] == []


def test_the_admin_writes_times_the_same_way():
    shown = formats.date_format(timezone.localtime(EVENING), "DATETIME_FORMAT")

    assert shown.endswith("5:34 PM") and "17:34" not in shown


def test_a_message_and_a_page_show_the_same_time(client, counselor):
    enrollment = EnrollmentFactory(counselor=counselor, patient__primary_counselor=counselor)
    [booked] = book_counseling(
        acting_user=counselor, patient=enrollment.patient, day=EVENING.date(), at=datetime.time(17, 34)
    )
    client.force_login(counselor)

    clash = client.post(
        f"/patients/{enrollment.patient_id}/book/",
        {
            "kind": "individual",
            "counselor": counselor.pk,
            "day": EVENING.date().isoformat(),
            "at": "17:34",
            "duration_minutes": "30",
            "location": "Office 4",
            "repeat_every_weeks": "0",
            "occurrences": "1",
        },
        follow=True,
    ).content.decode()
    page = client.get(f"/sessions/{booked.pk}/").content.decode()
    schedule = client.get(f"/schedule/?week={EVENING.date().isoformat()}").content.decode()

    assert "already has a session at Wed Nov 25, 5:34 PM." in clash
    assert "5:34 PM" in page and "5:34 PM" in schedule
    assert "17:34" not in page + schedule  # (the booking form keeps "17:34" as its time input's value)
    assert str(booked).endswith("Wed Nov 25, 5:34 PM")  # the admin's messages name a session this way


@pytest.fixture
def held_today(counselor):
    """An individual session held this morning by the counselor, whose attendance is recorded."""

    def held(status: str):
        enrollment = EnrollmentFactory(counselor=counselor)
        [session] = book_counseling(
            acting_user=counselor, patient=enrollment.patient, day=TODAY, at=datetime.time(8, 0)
        )
        AttendanceFactory(
            session=session, enrollment=enrollment, status=status, minutes_attended=50 if status == "present" else 0
        )
        session.status = "held"
        session.save(update_fields=["status"])
        return session

    return held


@pytest.mark.time_machine(clinic_time("2026-11-18 10:00"), tick=False)
def test_a_held_session_nobody_attended_is_not_a_success_on_the_dashboard(client, counselor, held_today):
    held_today("unexcused")
    client.force_login(counselor)

    today = client.get("/").content.decode().split('id="today"')[1].split("</ul>")[0]

    assert "0 attended" in today
    assert "text-bg-success" not in today and "text-bg-warning" in today


@pytest.mark.time_machine(clinic_time("2026-11-18 10:00"), tick=False)
def test_a_held_session_with_attendees_is_a_success_on_the_dashboard(client, counselor, held_today):
    held_today("present")
    client.force_login(counselor)

    today = client.get("/").content.decode().split('id="today"')[1].split("</ul>")[0]

    assert "1 attended" in today and "text-bg-success" in today
