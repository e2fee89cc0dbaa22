"""A digest planned after its hour (a clinician added in the afternoon, the workers down at 07:00) still goes out
the same day, since the day's sessions and unsigned notes are still worth reading, but it is not worded for a
morning it missed: its greeting follows the clinic's clock when it is sent."""

import pytest
from django.core import mail
from django.utils import timezone

from sessions.models import Reminder
from sessions.services.reminder_plan import reminders_plan
from sessions.services.reminder_send import reminders_send_due
from tests.clock import clinic_time

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinician(counselor):
    counselor.email = "jordan@staff.example"
    counselor.save()
    return counselor


def digest_sent():
    """Plan and send at the pinned clock's time; the digest that went out."""
    reminders_plan(now=timezone.now())
    reminders_send_due(now=timezone.now())
    [digest] = [m for m in mail.outbox if m.subject.startswith("Your day")]
    return digest


@pytest.mark.time_machine(clinic_time("2026-11-18 15:25"), tick=False)
def test_a_digest_sent_at_3_25_pm_does_not_say_good_morning(clinician):
    digest = digest_sent()

    html = digest.alternatives[0][0]
    assert "Good morning" not in digest.body and "Good morning" not in html
    assert "Good afternoon" in digest.body and "Good afternoon" in html
    assert Reminder.objects.get(kind="daily_digest").status == "sent"


@pytest.mark.time_machine(clinic_time("2026-11-18 07:00"), tick=False)
def test_a_digest_on_time_says_good_morning(clinician):
    assert "Good morning" in digest_sent().body


@pytest.mark.time_machine(clinic_time("2026-11-18 18:10"), tick=False)
def test_a_digest_sent_in_the_evening_says_good_evening(clinician):
    body = digest_sent().body

    assert "Good evening" in body and "Good morning" not in body


@pytest.mark.time_machine(clinic_time("2026-11-18 21:05"), tick=False)
def test_no_digest_is_planned_after_nine_in_the_evening(clinician):
    reminders_plan(now=timezone.now())

    assert not Reminder.objects.filter(kind="daily_digest").exists()
