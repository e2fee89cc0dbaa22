"""The sender never prints a room, a link or a setting that would reveal treatment, whatever slipped into the data."""

import datetime

import pytest
from django.core import mail

from clinic.discretion import revealing_word
from sessions.emails import opt_out_token
from sessions.models import Reminder
from sessions.services.reminder_plan import reminders_plan
from sessions.services.reminder_send import reminders_send_due
from tests.clock import REMINDER_MORNING as NOW
from tests.factories import GroupSessionFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


@pytest.fixture(autouse=True)
def _discreet_settings(settings):
    settings.CLINIC_DISCREET_NAME, settings.CLINIC_PHONE = "Harbor Light Health", "(555) 010-2400"


def due_reminder_for(**place):
    """A reminder due now (24 hours ahead of its session) for a session whose row was written straight to the
    database (legacy data, say)."""
    member = MembershipFactory(consenting=True, group__program__reminder_lead_hours=[24])
    GroupSessionFactory(group=member.group, starts_at=NOW + datetime.timedelta(hours=24), **place)
    reminders_plan(now=NOW)
    return Reminder.objects.get()


@pytest.mark.parametrize(
    "place",
    [
        {"location": "Detox wing, room 4"},
        {"location": "", "video_link": "https://meet.example/recovery-group"},
        {"location": "Sobriety suite", "video_link": "https://meet.example/aa-tuesday"},
    ],
)
def test_a_revealing_room_or_link_is_left_out_and_the_patient_is_asked_to_call(place):
    reminder = due_reminder_for(**place)

    reminders_send_due(now=NOW)

    [sent] = mail.outbox
    reminder.refresh_from_db()
    assert reminder.status == "sent"
    for text in (sent.subject, sent.body, sent.alternatives[0][0]):
        assert not revealing_word(text), text
        assert "Where: please call us at (555) 010-2400 and we will tell you." in text or text == sent.subject
        assert "meet.example" not in text


def test_a_neutral_link_is_still_printed_when_only_the_room_reveals():
    due_reminder_for(location="Detox wing", video_link="https://meet.example/j/482-193")

    reminders_send_due(now=NOW)

    [sent] = mail.outbox
    assert "Join by video: https://meet.example/j/482-193" in sent.body
    assert "Detox" not in sent.body and "Detox" not in sent.alternatives[0][0]


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("CLINIC_DISCREET_NAME", "Harbor Light Recovery"),
        ("CLINIC_PHONE", "1-800-DETOX-NOW"),
        ("SITE_URL", "https://harborlightrecovery.example"),
        ("DEFAULT_FROM_EMAIL", "reminders@rehab.example"),
    ],
)
def test_patient_emails_are_held_while_a_setting_would_reveal_treatment(settings, time_machine, setting, value):
    reminder = due_reminder_for(location="Room 2")
    neutral = getattr(settings, setting)
    setattr(settings, setting, value)

    reminders_send_due(now=NOW)

    reminder.refresh_from_db()
    assert mail.outbox == []
    assert reminder.status == "pending" and reminder.due_at > NOW  # retried later, when the setting may be fixed
    assert f"{setting} would reveal treatment" in reminder.last_error
    setattr(settings, setting, neutral)
    time_machine.shift(datetime.timedelta(minutes=5))
    reminders_send_due(now=NOW + datetime.timedelta(minutes=5))
    assert len(mail.outbox) == 1


def test_the_opt_out_page_never_prints_a_revealing_setting(client, settings):
    patient = MembershipFactory(consenting=True).patient
    settings.CLINIC_DISCREET_NAME, settings.CLINIC_PHONE = "Harbor Light Recovery", "1-800-DETOX-NOW"

    page = client.get(f"/stop/{opt_out_token(patient)}/").content.decode()

    assert "Stop reminder emails" in page
    assert "Recovery" not in page and "DETOX" not in page
