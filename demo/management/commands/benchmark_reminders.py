"""Benchmark: plan and send N reminders through a real Celery worker to an SMTP sink on loopback.

Prints reminders per second end to end (beat plans them, the worker claims, re-checks, renders and sends each
one exactly once) and the duplicate count, then times a plain smtplib loop sending the same messages to the same
sink, and prints the ratio. It writes thousands of rows, so it runs only on a database made for it by
bin/throwaway_db.py (bin/benchmark-reminders makes one and drops it after), and its broker keys carry a prefix of
their own, deleted at the end: it never touches what it did not make.
"""

import datetime
import os
import secrets
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from clinic.models import User
from patients.models import Patient, new_mrn
from programs.models import Enrollment, Program
from sessions import emails
from sessions.models import GroupMembership, Reminder, SessionKind, TherapyGroup, TherapySession

ROOT = Path(settings.BASE_DIR)


# The comment bin/throwaway_db.py puts on the databases it makes (its MARK).
THROWAWAY_MARK = "clinic benchmark: throwaway database, made and dropped by bin/throwaway_db.py"


def _is_throwaway() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
        )
        return cursor.fetchone()[0] == THROWAWAY_MARK


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=5000)
        parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14"))

    def handle(self, *args, count, broker, **options):
        try:
            from tests.smtp import SMTPSink
        except ImportError as error:
            raise CommandError(
                "The benchmark needs the dev requirements (aiosmtpd): make test installs them."
            ) from error
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (DATABASE_URL): the worker shares the database.")
        if not _is_throwaway():
            raise CommandError(
                "This database was not made for the benchmark, which adds thousands of rows: run "
                "bin/benchmark-reminders, which makes a throwaway database and drops it after."
            )
        import redis

        # Its own key prefix on the broker, deleted at the end: other keys in that Redis database stay as they are.
        prefix = f"bench-reminders-{secrets.token_hex(6)}:"
        sink = SMTPSink().start()
        workdir = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
        worker = self._start_worker(broker, prefix, sink.port, workdir)
        try:
            time.sleep(6)  # let the worker boot before the clock starts
            started = time.monotonic()
            self._make_due_session(count)
            self.stdout.write(f"{count} patients on the roster of a session whose reminder is due; timing...")
            while Reminder.objects.filter(status="sent").count() < count:
                if worker.poll() is not None:
                    raise CommandError(f"The worker stopped; see {workdir / 'worker.log'}")
                if time.monotonic() - started > 1800:
                    raise CommandError("Gave up after 30 minutes.")
                time.sleep(0.5)
            elapsed = time.monotonic() - started
            time.sleep(3)  # a few more beats: anything sent twice would show
            received = sink.recorder.message_ids()
            duplicates = len(received) - len(set(received))
            worker_rate = count / elapsed
            plain_rate = self._plain_loop(sink.port, count)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)  # the worker and its embedded beat
            worker.wait(timeout=30)
            sink.stop()
            client = redis.Redis.from_url(broker)
            for key in client.scan_iter(match=f"{prefix}*"):
                client.delete(key)
        self.stdout.write(
            f"worker: {count} reminders planned and sent in {elapsed:.1f} s = {worker_rate:.0f}/s; "
            f"received {len(received)}, duplicates {duplicates}"
        )
        self.stdout.write(f"plain smtplib loop, same messages, same sink: {plain_rate:.0f}/s")
        self.stdout.write(f"ratio plain/worker: {plain_rate / worker_rate:.1f}x")
        if duplicates or len(set(received)) != count:
            raise CommandError("Reminders were lost or doubled.")

    def _start_worker(self, broker: str, prefix: str, port: int, workdir: Path) -> subprocess.Popen:
        env = {
            **os.environ,
            "CELERY_BROKER_URL": broker,
            "CELERY_BROKER_KEY_PREFIX": prefix,
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "VAR_DIR": str(workdir),
            "REMINDER_BEAT_SECONDS": "1",
            "REMINDER_QUIET_START": "00:00",
            "REMINDER_QUIET_END": "00:00",
        }
        log = open(workdir / "worker.log", "w")  # noqa: SIM115 - lives as long as the worker
        return subprocess.Popen(  # noqa: S603 - a fixed command line
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "clinic",
                "worker",
                "--beat",
                "--pool=solo",
                "--loglevel=WARNING",
                "--schedule",
                str(workdir / "beat"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @transaction.atomic
    def _make_due_session(self, count: int) -> None:
        """One group of `count` consenting patients whose session's 24-hour reminder fell due a minute ago."""
        counselor, _ = User.objects.get_or_create(username="bench-counselor", defaults={"role": "counselor"})
        program = Program.objects.create(
            name=f"Bench {time.time()}", level_of_care="2.1", site="Bench", capacity=count, reminder_lead_hours=[24]
        )
        today = timezone.localdate()
        mrns = set()
        while len(mrns) < count:
            mrns.add(new_mrn())
        patients = Patient.objects.bulk_create(
            Patient(
                mrn=mrn,
                legal_first_name="Pat",
                legal_last_name=f"Bench{n}",
                date_of_birth=datetime.date(1990, 1, 1),
                email=f"pat{n}@example.com",
                intake_date=today,
                reminder_consent_given_at=timezone.now(),
            )
            for n, mrn in enumerate(mrns)
        )
        enrollments = Enrollment.objects.bulk_create(
            Enrollment(patient=p, program=program, admitted_on=today) for p in patients
        )
        group = TherapyGroup.objects.create(
            program=program,
            title="Bench group",
            facilitator=counselor,
            weekdays=[1],
            start_time=datetime.time(9),
            duration_minutes=60,
            location="Room 1",
            capacity=count,
            starts_on=today,
        )
        GroupMembership.objects.bulk_create(
            GroupMembership(group=group, patient=e.patient, enrollment=e, joined_on=today) for e in enrollments
        )
        TherapySession.objects.create(
            kind=SessionKind.GROUP,
            program=program,
            group=group,
            occurrence_date=today + datetime.timedelta(days=1),
            starts_at=timezone.now() + datetime.timedelta(hours=24, minutes=-1),
            duration_minutes=60,
            facilitator=counselor,
            location="Room 1",
            billing_code="90853",
        )

    def _plain_loop(self, port: int, count: int) -> float:
        """The same rendered messages, sent one after another over one smtplib connection."""
        sent = list(Reminder.objects.filter(status="sent").select_related("patient", "session")[:count])
        messages = [
            emails.session_reminder(r, message_id=r.message_id).message().as_bytes(linesep="\r\n") for r in sent
        ]
        started = time.monotonic()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for reminder, message in zip(sent, messages, strict=True):
                smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [reminder.patient.email], message)
        return count / (time.monotonic() - started)
