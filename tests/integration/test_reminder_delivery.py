"""Reminders end to end: a real Redis broker, real `celery worker --beat` processes, PostgreSQL shared with them,
and a real SMTP server on loopback. Beat plans and sends every second here."""

import contextlib
import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from clinic.clock import local_start
from sessions.models import Reminder
from sessions.services.reminder_plan import TOO_LATE, due_before, reminders_plan
from tests.conftest import require_service
from tests.factories import GroupSessionFactory, MembershipFactory, TherapyGroupFactory, UserFactory
from tests.reminders.test_digest_flags import flagged_patient
from tests.smtp import SMTPSink

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def redis_available() -> bool:
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.flushdb()  # a clean broker: no task left over from an earlier run
        return True
    except redis.RedisError:
        return False


@pytest.fixture
def sink():
    smtp = SMTPSink().start()
    yield smtp
    smtp.stop()


@pytest.fixture
def workers(sink, tmp_path):
    """start() launches a `celery worker --beat` process against the test database, Redis and the SMTP sink."""
    require_service(connection.vendor == "postgresql", "the worker shares the test database: needs PostgreSQL")
    require_service(redis_available(), f"needs Redis at {REDIS_URL}")
    db = connection.settings_dict
    started = []

    def start():
        n = len(started)
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": REDIS_URL,
            "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
            "VAR_DIR": str(tmp_path / f"var{n}"),
            "REMINDER_BEAT_SECONDS": "1",
            "REMINDER_RETRY_SECONDS": "1",
            "REMINDER_MAX_ATTEMPTS": "30",
            "REMINDER_CLAIM_TIMEOUT_SECONDS": "3",
            "REMINDER_QUIET_START": "00:00",
            "REMINDER_QUIET_END": "00:00",  # no quiet hours: the test may run at any hour
            "DEBUG": "true",
            # Under libfaketime (the suite run at another clock time) the worker shares the faked clock; its
            # time.sleep needs the same fix as the tests'.
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "tests" / "faketime"), os.getenv("PYTHONPATH")])),
        }
        log = open(tmp_path / f"worker{n}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "clinic",
                "worker",
                "--beat",
                "--pool=solo",
                "--loglevel=INFO",
                "--hostname",
                f"test{n}@%h",
                "--schedule",
                str(tmp_path / f"beat{n}"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the embedded beat is a child process
        )
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        kill(process)
        log.close()


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the worker and its embedded beat at once, as a crash would: no cleanup, no acknowledgement."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def wait_for(condition, *, seconds: float, what: str, logs: Path | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    worker_logs = "".join(p.read_text()[-3000:] for p in sorted(logs.glob("worker*.log"))) if logs else ""
    pytest.fail(f"timed out waiting for {what}\n{worker_logs}")


def due_reminders(count: int) -> list[int]:
    """`count` patients on the roster of a session whose reminder fell due a few minutes ago: the worker's beat
    plans their reminders and sends them. Lead times are on the clinic's wall clock, so near a daylight-saving
    change "24 hours before" may be 23 or 25 real hours or a time that does not exist: the session is placed from
    the due time, with a 2-hour lead when a 24-hour one cannot fall due now. Holds at any hour."""
    now = timezone.now()
    due = timezone.localtime(now - datetime.timedelta(minutes=5))
    for lead in (24, 2):
        later = due.replace(tzinfo=None) + datetime.timedelta(hours=lead)
        starts = local_start(later.date(), later.time())
        if now - TOO_LATE < due_before(starts, lead) <= now:
            break
    group = TherapyGroupFactory(capacity=count, program__reminder_lead_hours=[lead])
    GroupSessionFactory(group=group, starts_at=starts)
    members = MembershipFactory.create_batch(count, group=group, consenting=True)
    if not now - TOO_LATE < due_before(starts, lead) <= now:
        # In the repeated hour of the fall-back night a wall-clock due time is the first of the two, an hour ago:
        # too late for the planner. Plan them as beat did when they fell due.
        reminders_plan(now=due_before(starts, lead))
    return [m.patient_id for m in members]


def assert_each_sent_exactly_once(sink, patients):
    reminders = list(Reminder.objects.filter(kind="session_reminder"))
    received = sink.recorder.message_ids()
    assert len(reminders) == len(patients)
    assert {r.status for r in reminders} == {"sent"}
    assert sorted(received) == sorted(r.message_id for r in reminders)  # each exactly once, none missing
    assert len(received) == len(set(received)) == len(patients)


def test_two_hundred_due_reminders_arrive_exactly_once(workers, sink, tmp_path):
    patients = due_reminders(200)

    workers()
    wait_for(
        lambda: len(sink.recorder.messages) >= 200 and not Reminder.objects.exclude(status="sent").exists(),
        seconds=90,
        what="200 reminders",
        logs=tmp_path,
    )
    time.sleep(2)  # a few more beats: nothing more may arrive

    assert_each_sent_exactly_once(sink, patients)


@pytest.mark.parametrize(
    "stage",
    [
        "rcpt",  # before the message went: the claim is released after the timeout and the next worker sends it
        "data",  # the server has the whole message and the row says sent: nobody sends it again
    ],
)
def test_killing_the_worker_mid_batch_loses_and_doubles_nothing(workers, sink, tmp_path, stage):
    """The worker is killed (SIGKILL) while the mail server holds its 60th message at a known step, so the test
    says the same thing every run. What is left to chance by design is only the one round trip between recording
    a message as sent and writing its final "." (see clinic/email.py); a kill timed at random lands there now and
    then, and that message is lost, so the test does not time its kill at random."""
    sink.recorder.hold_at = (stage, 60)
    patients = due_reminders(300)

    first = workers()
    wait_for(sink.recorder.held.is_set, seconds=90, what=f"the 60th reminder's {stage}", logs=tmp_path)
    kill(first)
    sink.recorder.release.set()
    assert len(sink.recorder.messages) < 300, "the worker finished before it could be killed mid-batch"

    workers()
    wait_for(lambda: not Reminder.objects.exclude(status="sent").exists(), seconds=120, what="the rest", logs=tmp_path)
    time.sleep(2)

    assert_each_sent_exactly_once(sink, patients)


def test_reminders_wait_out_an_smtp_outage_and_are_delivered_once(workers, sink, tmp_path):
    sink.stop()  # the mail server is down: connections are refused
    patients = due_reminders(20)

    workers()
    # A row back to pending after two failed attempts: a settled state (a row merely claimed again counts one
    # attempt more until its batch gives it back).
    retried = []

    def failed_twice() -> bool:
        retried[:] = Reminder.objects.filter(status="pending", attempts__gte=2).exclude(last_error="")[:1]
        return bool(retried)

    wait_for(failed_twice, seconds=60, what="failed attempts while the server is down", logs=tmp_path)
    assert sink.recorder.messages == []
    assert not Reminder.objects.filter(status="sent").exists()
    assert "refused" in retried[0].last_error.lower()

    sink.start()  # back, on the same port
    wait_for(
        lambda: not Reminder.objects.exclude(status="sent").exists(),
        seconds=90,
        what="delivery after the outage",
        logs=tmp_path,
    )
    time.sleep(2)

    assert_each_sent_exactly_once(sink, patients)


def test_a_digest_with_the_plans_and_measures_sections_is_delivered(workers, sink, tmp_path):
    counselor = UserFactory(role="counselor", email="digest@staff.example")
    patient = flagged_patient(counselor, "Quintero", today=timezone.localdate())
    digest = Reminder.objects.create(
        kind="daily_digest", staff=counselor, for_date=timezone.localdate(), due_at=timezone.now()
    )

    workers()
    wait_for(
        lambda: Reminder.objects.filter(pk=digest.pk, status="sent").exists(),
        seconds=60,
        what="the digest",
        logs=tmp_path,
    )

    digest.refresh_from_db()
    [message] = [m for m in sink.recorder.messages if m["Message-ID"] == digest.message_id]
    [text] = [p.get_payload(decode=True).decode() for p in message.walk() if p.get_content_type() == "text/plain"]
    assert f"Marisol Q. (MRN {patient.mrn}): raised" in text
    assert "URGENT: safety alerts to follow up (1)" in text and "Treatment plans due or overdue (1)" in text
    assert message["Subject"].startswith("Your day,")
