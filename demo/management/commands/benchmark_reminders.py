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
import json
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
from django.db.models import Max, Min
from django.utils import timezone

from clinic.models import User
from patients.models import Patient, new_mrn
from programs.models import Enrollment, Program
from sessions import emails
from sessions.models import GroupMembership, Reminder, SessionKind, TherapyGroup, TherapySession

ROOT = Path(settings.BASE_DIR)
# The plain loop, run in a process of its own: argv = the messages (JSON), the sink's port, the sender.
PLAIN_LOOP = """
import json, smtplib, socket, sys, time
messages = json.load(open(sys.argv[1]))
started = time.monotonic()
with smtplib.SMTP("127.0.0.1", int(sys.argv[2])) as smtp:
    smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for to, message in messages:
        smtp.sendmail(sys.argv[3], [to], message.encode())
print(len(messages) / (time.monotonic() - started))
"""


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
                    f"{result['rate']:.0f}/s (first to last sent: {result['sending']:.0f}/s); "
                    f"received {result['received']}, duplicates {result['duplicates']} | "
                    f"plain smtplib loop {result['plain']:.0f}/s "
                    f"(in the sink's process {result['plain_in_sink']:.0f}/s)"
                    f" | ratio worker/plain {ratio:.2f} (plain/worker {1 / ratio:.1f}x)"
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
        first, last = mine.aggregate(Min("sent_at"), Max("sent_at")).values()
        result = {
            "sending": count / max((last - first).total_seconds(), 0.001),
            "elapsed": elapsed,
            "rate": count / elapsed,
            "received": len(set(received) & expected),
            "duplicates": len(received) - len(set(received)),
        }
        with sink.recorder.lock:
            sink.recorder.messages.clear()
        result["plain"], result["plain_in_sink"] = self._plain_loop(sink.port, mine, workdir)
        return result

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
        while len(mrns) < count:  # new ones, not those of an earlier run in this database
            mrns |= {new_mrn() for _ in range(count - len(mrns))}
            mrns -= set(Patient.objects.filter(mrn__in=mrns).values_list("mrn", flat=True))
        patients = [
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
        ]
        for patient in patients:
            patient.refresh_search_name()  # bulk_create does not run save()
        patients = Patient.objects.bulk_create(patients)
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

    def _plain_loop(self, port: int, reminders, workdir: Path) -> tuple[float, float]:
        """The same rendered messages, sent one after another over one smtplib connection: from a process of its
        own, as a worker sends (each SMTP round trip wakes the sink's process), and from the sink's own process
        (a round trip is a switch between its threads: the figure this benchmark printed before)."""
        sent = list(reminders.select_related("patient", "session"))
        messages = [
            (r.patient.email, emails.session_reminder(r, message_id=r.message_id).message().as_bytes(linesep="\r\n"))
            for r in sent
        ]
        batch = workdir / "plain-loop.json"
        batch.write_text(json.dumps([[to, message.decode()] for to, message in messages]))
        run = subprocess.run(  # noqa: S603 - a fixed command line
            [sys.executable, "-c", PLAIN_LOOP, str(batch), str(port), settings.DEFAULT_FROM_EMAIL],
            capture_output=True,
            text=True,
            check=True,
        )
        own_process = float(run.stdout)
        started = time.monotonic()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for to, message in messages:
                smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [to], message)
        return own_process, len(messages) / (time.monotonic() - started)
