import datetime

import pytest
from django.core import mail

from patients.services import patient_revoke_reminder_consent
from programs.services import enrollment_discharge
from sessions.models import Reminder
from sessions.services.groups import group_update
from sessions.services.reminder_plan import reminders_plan
from sessions.services.reminder_send import in_quiet_hours, reminders_send_due
from tests.clock import TODAY, TOMORROW, at
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
# Planned at 10:00 (the conftest's clock): the 24-hour reminder of tomorrow's 14:00 session is due at 14:00 today.
DUE = at(TODAY, 14)


@pytest.fixture
def due_reminder(group, tomorrow_session):
    member = MembershipFactory(consenting=True, group=group, enrollment__patient__legal_first_name="Dana")
    reminders_plan()
    reminder = Reminder.objects.get(patient=member.patient, lead_hours=24)
    assert reminder.due_at == DUE
    return reminder


def test_a_due_reminder_is_sent_once_and_recorded(due_reminder):
    first = reminders_send_due(now=DUE)
    second = reminders_send_due(now=DUE)

    due_reminder.refresh_from_db()
    assert (first.get("sent"), second.get("sent")) == (1, None)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [due_reminder.patient.email]
    assert (due_reminder.status, due_reminder.address, due_reminder.attempts) == ("sent", message.to[0], 1)
    assert due_reminder.message_id == message.extra_headers["Message-ID"]
    assert due_reminder.sent_at is not None


def test_reminders_not_yet_due_wait(due_reminder):
    reminders_send_due(now=DUE - datetime.timedelta(minutes=5))

    assert mail.outbox == []


def test_patient_email_waits_out_quiet_hours(due_reminder):
    late_evening, early_morning, morning = at(TODAY, 22, 30), at(TOMORROW, 7, 59), at(TOMORROW, 8)

    counts = [reminders_send_due(now=late_evening), reminders_send_due(now=early_morning)]
    reminders_plan(now=early_morning)  # planning meanwhile changes nothing

    due_reminder.refresh_from_db()
    assert counts == [{"released": 0, "waiting": 1}, {"released": 0, "waiting": 1}]
    assert (mail.outbox, due_reminder.status, due_reminder.attempts) == ([], "pending", 0)
    assert reminders_send_due(now=morning).get("sent") == 1


def test_quiet_hours_can_be_switched_off(due_reminder, settings):
    settings.REMINDER_QUIET_START = settings.REMINDER_QUIET_END = "00:00"

    assert reminders_send_due(now=at(TODAY, 23, 30)).get("sent") == 1


def test_planning_leaves_the_backoff_of_a_failed_attempt_alone(due_reminder):
    later = DUE + datetime.timedelta(minutes=8)
    Reminder.objects.filter(pk=due_reminder.pk).update(attempts=1, due_at=later, last_error="OSError: refused")

    reminders_plan(now=DUE)

    due_reminder.refresh_from_db()
    assert (due_reminder.status, due_reminder.due_at) == ("pending", later)


def test_staff_alerts_are_not_held_by_quiet_hours(counselor, group, tomorrow_session):
    counselor.email = "counselor@staff.example"
    counselor.save()
    member = MembershipFactory(consenting=True, group=group)
    Reminder.objects.create(
        kind="absence_alert", session=tomorrow_session, staff=counselor, patient=member.patient, due_at=DUE
    )

    reminders_send_due(now=at(TODAY, 23))

    assert [m.to for m in mail.outbox] == [["counselor@staff.example"]]


def test_revoked_consent_stops_a_planned_reminder_at_send_time(due_reminder, front_desk):
    patient_revoke_reminder_consent(acting_user=front_desk, patient=due_reminder.patient)

    reminders_send_due(now=DUE)

    due_reminder.refresh_from_db()
    assert mail.outbox == []
    assert (due_reminder.status, due_reminder.cancelled_reason) == (
        "cancelled",
        "The patient has not consented to reminder emails.",
    )


def test_a_discharged_patient_is_not_reminded(due_reminder, counselor):
    enrollment = due_reminder.patient.enrollments.get(status="active")
    enrollment_discharge(acting_user=counselor, enrollment=enrollment, reason=1)
    type(due_reminder).objects.filter(pk=due_reminder.pk).update(status="pending")  # as if planned just before

    reminders_send_due(now=DUE)

    due_reminder.refresh_from_db()
    assert mail.outbox == []
    assert due_reminder.cancelled_reason == "The patient is no longer expected at this session."


def test_a_cancelled_session_sends_no_reminder(due_reminder):
    type(due_reminder.session).objects.filter(pk=due_reminder.session_id).update(status="cancelled")

    reminders_send_due(now=DUE)

    assert mail.outbox == []


def test_a_real_smtp_server_receives_it(due_reminder, smtp_sink):
    reminders_send_due(now=DUE)

    due_reminder.refresh_from_db()
    assert smtp_sink.recorder.message_ids() == [due_reminder.message_id]
    assert smtp_sink.recorder.messages[0]["To"] == due_reminder.patient.email


def test_an_unreachable_server_is_retried_with_backoff_then_fails(due_reminder, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    settings.REMINDER_MAX_ATTEMPTS, settings.REMINDER_RETRY_SECONDS = 3, 60

    now = DUE
    for attempt, delay in ((1, 60), (2, 120)):
        assert reminders_send_due(now=now).get("retried") == 1
        due_reminder.refresh_from_db()
        assert (due_reminder.status, due_reminder.attempts) == ("pending", attempt)
        assert due_reminder.due_at == now + datetime.timedelta(seconds=delay)
        assert "refused" in due_reminder.last_error.lower()
        now = due_reminder.due_at
    reminders_send_due(now=now)

    due_reminder.refresh_from_db()
    assert (due_reminder.status, due_reminder.attempts) == ("failed", 3)


def test_a_refused_address_fails_at_once_with_the_servers_answer(due_reminder, smtp_sink):
    smtp_sink.recorder.refuse.add(due_reminder.patient.email)

    reminders_send_due(now=DUE)

    due_reminder.refresh_from_db()
    assert (due_reminder.status, due_reminder.attempts) == ("failed", 1)
    assert "550" in due_reminder.last_error
    assert smtp_sink.recorder.messages == []


def test_a_claim_left_by_a_dead_worker_is_released_and_sent_once(due_reminder, settings):
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 60
    Reminder.objects.filter(pk=due_reminder.pk).update(
        status="sending", claimed_at=DUE - datetime.timedelta(minutes=5), attempts=1
    )

    counts = reminders_send_due(now=DUE)

    due_reminder.refresh_from_db()
    assert (counts["released"], counts["sent"]) == (1, 1)
    assert (due_reminder.status, due_reminder.attempts, len(mail.outbox)) == ("sent", 2, 1)


def test_a_fresh_claim_is_left_to_its_worker(due_reminder, settings):
    Reminder.objects.filter(pk=due_reminder.pk).update(status="sending", claimed_at=DUE)

    assert reminders_send_due(now=DUE).get("sent") is None
    assert mail.outbox == []


def test_a_session_moved_just_before_the_old_due_time_is_reminded_at_the_new_one(
    due_reminder, group, tomorrow_session, counselor, _clinic_clock
):
    _clinic_clock.move_to(DUE - datetime.timedelta(minutes=1), tick=False)  # the planner has not run since
    group_update(acting_user=counselor, group=group, start_time=datetime.time(17, 0))
    tomorrow_session.refresh_from_db()
    assert tomorrow_session.starts_at == at(TOMORROW, 17)

    at_old_due = reminders_send_due(now=DUE)

    due_reminder.refresh_from_db()
    assert (at_old_due.get("sent"), mail.outbox) == (None, [])
    assert (due_reminder.status, due_reminder.due_at, due_reminder.attempts) == ("pending", at(TODAY, 17), 0)
    reminders_plan(now=DUE + datetime.timedelta(minutes=1))  # the planner agrees with the sender
    due_reminder.refresh_from_db()
    assert (due_reminder.status, due_reminder.due_at) == ("pending", at(TODAY, 17))
    reminders_send_due(now=at(TODAY, 16, 59))
    due_reminder.refresh_from_db()
    assert due_reminder.status == "pending"
    reminders_send_due(now=at(TODAY, 17))
    due_reminder.refresh_from_db()
    [email] = [m for m in mail.outbox if m.extra_headers["Message-ID"] == due_reminder.message_id]
    assert due_reminder.status == "sent"
    assert "Thursday, November 19 at 5:00 PM" in email.body


def test_a_retried_reminder_of_a_session_that_did_not_move_keeps_its_backoff(due_reminder):
    backoff = DUE + datetime.timedelta(minutes=2)
    Reminder.objects.filter(pk=due_reminder.pk).update(attempts=1, due_at=backoff, last_error="OSError: refused")

    assert reminders_send_due(now=backoff).get("sent") == 1


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (at(TODAY, 20, 59), False),
        (at(TODAY, 21), True),
        (at(TOMORROW, 7, 59), True),
        (at(TOMORROW, 8), False),
        (at(datetime.date(2026, 3, 8), 1, 59), True),  # spring forward: the next minute is 03:00
        (at(datetime.date(2026, 3, 8), 3), True),
        (at(datetime.date(2026, 11, 1), 1, 30), True),  # fall back: 01:30 comes twice
        (at(datetime.date(2026, 11, 1), 1, 30) + datetime.timedelta(hours=1), True),
        (at(datetime.date(2026, 12, 31), 23, 59), True),
        (at(datetime.date(2027, 1, 1), 0, 15), True),
        (at(datetime.date(2027, 1, 1), 8), False),
    ],
)
def test_quiet_hours_hold_on_any_night(moment, quiet):
    assert in_quiet_hours(moment) is quiet
