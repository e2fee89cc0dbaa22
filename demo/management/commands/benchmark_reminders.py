"""Benchmark: plan and send N reminders through 1, 2 and 4 Celery worker processes to an SMTP sink on loopback.

For each number of workers, a new session with N patients on its roster falls due; beat plans the reminders and
the workers claim, re-check, render and send each one exactly once. It prints the rate (reminders a second from
the moment they fell due until the last was recorded as sent), the duplicates, then the rate of a plain smtplib
loop sending the same messages over one connection to the same sink a moment later, and their ratio. It writes
thousands of rows, so it runs only on a database made for it by bin/throwaway_db.py (bin/benchmark-reminders
makes one and drops it after, or uses the one named in BENCH_DATABASE_NAME, which it checks and leaves), and its
broker keys carry a prefix of their own, deleted at the end: it never touches what it did not make.
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
        parser.add_argument("--workers", default="1,2,4", help="Worker processes per run, comma-separated.")
        parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14"))
        parser.add_argument(
            "--smtp-port", type=int, default=int(os.environ.get("BENCH_SMTP_PORT") or 0), help="0: any free port."
        )

    def handle(self, *args, count, workers, broker, smtp_port, **options):
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
        sink = SMTPSink(port=smtp_port or None).start()
        workdir = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
        failed = []
        try:
            for processes in [int(n) for n in workers.split(",")]:
                result = self._run(sink, broker, prefix, workdir, count, processes)
                ratio = result["rate"] / result["plain"]
                self.stdout.write(
                    f"{processes} worker(s): {count} reminders planned and sent in {result['elapsed']:.1f} s = "
                    f"{result['rate']:.0f}/s; received {result['received']}, duplicates {result['duplicates']} | "
                    f"plain smtplib loop: {result['plain']:.0f}/s | ratio worker/plain {ratio:.2f} "
                    f"(plain/worker {1 / ratio:.1f}x)"
                )
                if result["duplicates"] or result["received"] != count:
                    failed.append(processes)
        finally:
            sink.stop()
            client = redis.Redis.from_url(broker)
            for key in client.scan_iter(match=f"{prefix}*"):
                client.delete(key)
        if failed:
            raise CommandError(f"Reminders were lost or doubled with {failed} worker(s).")

    def _run(self, sink, broker: str, prefix: str, workdir: Path, count: int, processes: int) -> dict:
        with sink.recorder.lock:
            sink.recorder.messages.clear()
        workers = [
            self._start_worker(broker, prefix, sink.port, workdir / f"w{processes}-{n}", beat=n == 0)
            for n in range(processes)
        ]
        try:
            time.sleep(6)  # let the workers boot before the clock starts
            session = self._make_due_session(count)
            started = time.monotonic()
            mine = Reminder.objects.filter(session=session)
            while mine.filter(status="sent").count() < count:
                if stopped := [w for w in workers if w.poll() is not None]:
                    raise CommandError(f"A worker stopped; see {stopped[0].args[-1]}.log in {workdir}")
                if time.monotonic() - started > 1800:
                    raise CommandError("Gave up after 30 minutes.")
                time.sleep(0.2)
            elapsed = time.monotonic() - started
            time.sleep(3)  # a few more beats: anything sent twice would show
        finally:
            for worker in workers:
                os.killpg(worker.pid, signal.SIGTERM)  # the worker (and the embedded beat)
            for worker in workers:
                worker.wait(timeout=60)
        received = sink.recorder.message_ids()
        expected = set(mine.values_list("message_id", flat=True))
        return {
            "elapsed": elapsed,
            "rate": count / elapsed,
            "received": len(set(received) & expected),
            "duplicates": len(received) - len(set(received)),
            "plain": self._plain_loop(sink.port, mine),
        }

    def _start_worker(self, broker: str, prefix: str, port: int, workdir: Path, *, beat: bool) -> subprocess.Popen:
        workdir.mkdir(parents=True)
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
        log = open(workdir.with_suffix(".log"), "w")  # noqa: SIM115 - lives as long as the worker
        return subprocess.Popen(  # noqa: S603 - a fixed command line
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "clinic",
                "worker",
                *(["--beat", "--schedule", str(workdir / "beat")] if beat else []),
                "--pool=solo",
                "--loglevel=WARNING",
                "--hostname",
                f"{workdir.name}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @transaction.atomic
    def _make_due_session(self, count: int) -> TherapySession:
        """One group of `count` consenting patients whose session's 24-hour reminder fell due a minute ago."""
        counselor, _ = User.objects.get_or_create(username="bench-counselor", defaults={"role": "counselor"})
        # Patient emails and names unique to this session: runs in one database do not collide.
        run = secrets.token_hex(3)
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
                legal_last_name=f"Bench{run}{n}",
                date_of_birth=datetime.date(1990, 1, 1),
                email=f"pat{run}-{n}@example.com",
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
        return TherapySession.objects.create(
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

    def _plain_loop(self, port: int, reminders) -> float:
        """The same rendered messages, sent one after another over one smtplib connection."""
        sent = list(reminders.select_related("patient", "session"))
        messages = [
            emails.session_reminder(r, message_id=r.message_id).message().as_bytes(linesep="\r\n") for r in sent
        ]
        started = time.monotonic()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for reminder, message in zip(sent, messages, strict=True):
                smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [reminder.patient.email], message)
        return len(sent) / (time.monotonic() - started)
