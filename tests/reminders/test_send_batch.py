"""Sending in batches: a sender claims many due rows at once and sends them over one SMTP connection, committing
each message as the server takes it. Still each reminder exactly once, whatever fails in the middle."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from sessions.models import Reminder
from sessions.services.reminder_plan import reminders_plan
from sessions.services.reminder_send import reminders_send_due
from tests.clock import TODAY, at
from tests.factories import MembershipFactory

# Planned at 10:00 (the conftest's clock): the 24-hour reminders of tomorrow's 14:00 session are due at 14:00.
DUE = at(TODAY, 14)


@pytest.fixture
def due_reminders(group, tomorrow_session):
    """Five patients of tomorrow's session whose 24-hour reminders are due, in the order they are sent."""

    def make(count=5):
        group.capacity = count
        group.save()
        MembershipFactory.create_batch(count, consenting=True, group=group)
        reminders_plan()
        return list(Reminder.objects.filter(lead_hours=24).select_related("patient").order_by("due_at", "id"))

    return make


def sent_once(sink, reminders) -> bool:
    """The server received each reminder's message exactly once, and nothing else."""
    for reminder in reminders:
        reminder.refresh_from_db()
    received = sink.recorder.message_ids()
    return sorted(received) == sorted(r.message_id for r in reminders) and {r.status for r in reminders} == {"sent"}


@pytest.mark.django_db
@pytest.mark.parametrize("synchronous", [True, False], ids=["waiting-for-disk", "not-waiting"])
def test_a_batch_goes_over_one_connection_in_one_claim(
    due_reminders, smtp_sink, settings, django_assert_num_queries, synchronous
):
    reminders = due_reminders(5)
    settings.REMINDER_CLAIM_SIZE = 10
    settings.REMINDER_SYNCHRONOUS_COMMIT = synchronous

    # Per message, the commit that records it as sent; per run, the release of stale claims, the claim (two
    # statements in a savepoint), the claimed rows and their roster; on PostgreSQL with REMINDER_SYNCHRONOUS_COMMIT
    # off, turning synchronous commits off and on again.
    without_waiting = connection.vendor == "postgresql" and not settings.REMINDER_SYNCHRONOUS_COMMIT
    with django_assert_num_queries(5 + 7 + (2 if without_waiting else 0)):
        counts = reminders_send_due(now=DUE)

    assert counts["sent"] == 5
    assert sent_once(smtp_sink, reminders)
    assert smtp_sink.recorder.connections == 1


@pytest.mark.django_db
def test_one_deferred_recipient_is_retried_and_the_rest_of_the_batch_is_sent(due_reminders, smtp_sink, settings):
    settings.REMINDER_RETRY_SECONDS = 60
    reminders = due_reminders(5)
    busy = reminders[1]
    smtp_sink.recorder.defer.add(busy.patient.email)

    counts = reminders_send_due(now=DUE)

    busy.refresh_from_db()
    assert (counts["sent"], counts["retried"]) == (4, 1)
    assert (busy.status, busy.attempts, busy.due_at) == ("pending", 1, DUE + datetime.timedelta(seconds=60))
    assert "451" in busy.last_error
    assert len(smtp_sink.recorder.messages) == 4

    smtp_sink.recorder.defer.clear()  # the mailbox takes mail again: sent at its backoff time, once
    assert reminders_send_due(now=DUE + datetime.timedelta(seconds=59)).get("sent") is None
    assert reminders_send_due(now=busy.due_at).get("sent") == 1
    assert sent_once(smtp_sink, reminders)


@pytest.mark.django_db
def test_two_failures_in_a_row_stop_the_run_and_give_the_rest_back_untouched(due_reminders, smtp_sink):
    reminders = due_reminders(5)
    smtp_sink.recorder.defer.update(r.patient.email for r in reminders[:2])

    counts = reminders_send_due(now=DUE)

    rest = Reminder.objects.filter(pk__in=[r.pk for r in reminders[2:]])
    assert (counts["retried"], counts["given_back"], counts.get("sent")) == (2, 3, None)
    assert {(r.status, r.attempts, r.due_at) for r in rest} == {("pending", 0, DUE)}
    assert smtp_sink.recorder.messages == []


@pytest.mark.django_db
def test_a_connection_dropped_before_a_message_went_retries_that_message_only(due_reminders, smtp_sink, settings):
    settings.REMINDER_RETRY_SECONDS = 60
    reminders = due_reminders(5)
    smtp_sink.recorder.drop_at = ("rcpt", 3)  # the server hangs up as the third message starts

    counts = reminders_send_due(now=DUE)

    third = reminders[2]
    third.refresh_from_db()
    assert (counts["sent"], counts["retried"]) == (4, 1)
    assert (third.status, third.attempts) == ("pending", 1)
    assert reminders_send_due(now=third.due_at).get("sent") == 1
    assert sent_once(smtp_sink, reminders)


@pytest.mark.django_db
def test_a_connection_dropped_after_the_server_took_a_message_sends_nothing_twice(due_reminders, smtp_sink):
    reminders = due_reminders(5)
    smtp_sink.recorder.drop_at = ("data", 3)  # the third message arrives whole, then the server hangs up

    counts = reminders_send_due(now=DUE)
    later = reminders_send_due(now=DUE + datetime.timedelta(hours=1))

    assert (counts["sent"], later.get("sent")) == (5, None)
    assert sent_once(smtp_sink, reminders)


@pytest.mark.django_db
def test_a_reused_connection_the_server_closed_meanwhile_is_opened_again(due_reminders, smtp_sink, settings):
    """Between two messages of a batch the server may hang up (an idle timeout): nothing of the next message had
    gone, so it goes at once on a new connection, not after a retry's backoff."""
    reminders = due_reminders(3)
    smtp_sink.recorder.drop_at = ("mail", 2)

    counts = reminders_send_due(now=DUE)

    assert (counts["sent"], counts.get("retried")) == (3, None)
    assert sent_once(smtp_sink, reminders)
    assert smtp_sink.recorder.connections == 2


@pytest.mark.django_db
def test_rows_claimed_too_long_are_given_back_before_another_sender_may_take_them(due_reminders, settings):
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 0  # every batch is stale at once: nothing may go
    reminders = due_reminders(3)

    counts = reminders_send_due(now=DUE, seconds=0.5)

    assert counts.get("sent") is None
    assert mail.outbox == []
    assert {(r.status, r.attempts) for r in Reminder.objects.filter(pk__in=[r.pk for r in reminders])} == {
        ("pending", 0)
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_senders_racing_claim_disjoint_batches_and_send_each_reminder_once(due_reminders, settings, _clinic_clock):
    from tests.conftest import require_service

    require_service(connection.vendor == "postgresql", "row locks (SKIP LOCKED) need PostgreSQL")
    settings.REMINDER_CLAIM_SIZE = 4
    due_reminders(30)
    # The senders run when the reminders fall due: a claim stamped hours before `now` would look abandoned.
    _clinic_clock.move_to(DUE, tick=False)
    barrier = threading.Barrier(2)
    counts = []

    def sender():
        try:
            barrier.wait(timeout=10)
            counts.append(reminders_send_due(now=DUE))
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    received = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert sum(c.get("sent", 0) for c in counts) == 30
    assert not any(c.get("taken") or c.get("released") for c in counts)  # neither took the other's rows
    assert sorted(received) == sorted(Reminder.objects.filter(status="sent").values_list("message_id", flat=True))
    assert len(set(received)) == len(received) == 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_claim_skips_rows_another_sender_is_claiming(due_reminders):
    """Two claims at the same moment: the second neither waits for the first's rows nor takes them."""
    from sessions.services.reminder_send import _Batch, _claim, _due
    from tests.conftest import require_service

    require_service(connection.vendor == "postgresql", "row locks (SKIP LOCKED) need PostgreSQL")
    due_reminders(10)
    inside, done = threading.Event(), threading.Event()
    first = []

    def first_claimer():
        try:
            with transaction.atomic():
                first.extend(_claim(_due(DUE), 6, timezone.now()))
                inside.set()
                done.wait(10)  # holds its rows' locks, not yet committed
        finally:
            connection.close()

    thread = threading.Thread(target=first_claimer)
    thread.start()
    assert inside.wait(10)
    try:
        second = _Batch(_due(DUE), 6)
    finally:
        done.set()
        thread.join(30)

    second_ids = {r.pk for r in second.reminders}
    assert (len(first), len(second_ids)) == (6, 4)
    assert not set(first) & second_ids
    assert Reminder.objects.filter(status="sending").count() == 10
