"""`bin/serve-prod` (`make serve-prod`) end to end: gunicorn, two Celery workers and a beat on the test's own
PostgreSQL database, Redis and an SMTP server on loopback; a supervisor signs in over HTTP and loads the dashboard,
a due reminder arrives through the started workers, and SIGTERM to the script leaves no process behind."""

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection

from patients.models import Patient
from tests.conftest import require_service
from tests.factories import PASSWORD, UserFactory
from tests.integration.test_reminder_delivery import REDIS_URL, due_reminders, wait_for
from tests.smtp import SMTPSink, free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bin" / "serve-prod"
# What the script reads from its environment: a developer's or CI's own values must not leak into the test.
OWN_SETTINGS = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "HOST",
    "SITE_URL",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CELERY_TASK_ALWAYS_EAGER",
    "WEB_WORKERS",
    "WORKER_CONCURRENCY",
    "CELERY_BROKER_KEY_PREFIX",
)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in OWN_SETTINGS}
    return {**env, **extra}


def test_it_refuses_to_pick_a_database_of_its_own(tmp_path):
    env = clean_env(VAR_DIR=str(tmp_path / "var"), PY=sys.executable)
    env.pop("DATABASE_URL", None)
    done = subprocess.run([SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "DATABASE_URL is not set" in done.stderr
    assert not (tmp_path / "var").exists()  # nothing migrated, collected or generated

    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    done = subprocess.run([SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "must be a PostgreSQL URL" in done.stderr


def redis_reachable() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


def session_processes(sid: int) -> dict[int, str]:
    """The live processes of session `sid` (the script and all it started), by id, with their command lines."""
    found = {}
    for proc in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError):
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()  # after "(comm)": state, ppid, pgrp, sid
            if int(fields[3]) == sid and fields[0] != "Z":
                found[int(proc.name)] = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    return found


class Browser:
    """Just enough of a browser: cookies, the CSRF token of the last form, redirects followed."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()

    def post(self, path: str, data: dict) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode()
        with self.opener.open(self.base + path, data=body, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()


class Started:
    def __init__(self, process: subprocess.Popen, port: int, log_path: Path):
        self.process, self.port, self.log_path = process, port, log_path

    def output(self) -> str:
        return self.log_path.read_text()


@pytest.fixture
def serve_prod(tmp_path):
    """start(port) runs bin/serve-prod against the test database, a Redis key prefix of its own and an SMTP sink
    (`start.sink`); at the end anything it left is killed and its Redis keys are removed."""
    require_service(connection.vendor == "postgresql", "serve-prod shares the test database: needs PostgreSQL")
    require_service(redis_reachable(), f"needs Redis at {REDIS_URL}")
    db = connection.settings_dict
    prefix = f"serve-prod-test-{uuid.uuid4().hex}:"
    sink = SMTPSink().start()
    started = []

    def start(port: int) -> Started:
        env = clean_env(
            PY=sys.executable,
            DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            CELERY_BROKER_URL=REDIS_URL,
            CELERY_BROKER_KEY_PREFIX=prefix,  # its own keys in the test Redis database, removed at the end
            EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
            PORT=str(port),
            VAR_DIR=str(tmp_path / "var"),
            WEB_WORKERS="2",
            WORKER_CONCURRENCY="1",
            STOP_SECONDS="20",
            REMINDER_BEAT_SECONDS="1",
            REMINDER_QUIET_START="00:00",
            REMINDER_QUIET_END="00:00",  # no quiet hours: the test may run at any hour
            # Under libfaketime the processes share the faked clock; their time.sleep needs the tests' fix.
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "tests" / "faketime"), os.getenv("PYTHONPATH")])),
        )
        log_path = tmp_path / f"serve-prod{len(started)}.log"
        with open(log_path, "w") as log:
            # A session of its own: all it starts can be found by the session id, however it groups them.
            process = subprocess.Popen(
                [SCRIPT], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        started.append(process)
        return Started(process, port, log_path)

    start.sink = sink
    yield start
    for process in started:
        for pid in [process.pid, *session_processes(process.pid)]:  # only if a test failed before it stopped
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)
    sink.stop()
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for name in client.scan_iter(match=f"{prefix}*"):
        client.delete(name)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_serve_prod_serves_sends_a_reminder_and_stops_everything(serve_prod, tmp_path):
    hasher = Argon2PasswordHasher()  # the server's hasher: the tests' own (MD5) is not in its list
    user = UserFactory(username="supervisor1", role="supervisor")
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    (patient_id,) = due_reminders(1)
    server = serve_prod(free_port())
    browser = Browser(f"http://127.0.0.1:{server.port}")

    def answers() -> bool:
        assert server.process.poll() is None, f"serve-prod exited early:\n{server.output()[-5000:]}"
        with contextlib.suppress(OSError):
            return browser.get("/login/")[0] == 200
        return False

    wait_for(answers, seconds=120, what="serve-prod to answer")

    status, _, page = browser.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, url, page = browser.post(
        "/login/", {"username": "supervisor1", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert (status, urllib.parse.urlsplit(url).path) == (200, "/")
    assert "All caseloads" in page
    assert "Sign out" in page
    stylesheet = re.search(r'href="(/static/css/clinic\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the page names the hashed stylesheet of the collected manifest"
    assert browser.get(stylesheet.group(1))[0] == 200
    with pytest.raises(urllib.error.HTTPError) as error:
        browser.get("/no-such-page/")
    assert error.value.code == 404
    assert "Traceback" not in error.value.read().decode()  # DEBUG is off

    key = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_text().strip()) >= 50

    sink = serve_prod.sink
    wait_for(lambda: sink.recorder.messages, seconds=90, what="the reminder")
    assert [m["To"] for m in sink.recorder.messages] == [Patient.objects.get(pk=patient_id).email]

    server.process.send_signal(signal.SIGTERM)  # to the script alone, as a service manager would
    assert server.process.wait(timeout=60) == 143
    left = session_processes(server.process.pid)
    assert left == {}, f"left running after SIGTERM: {left}"
    assert "worker1@" in server.output() and "worker2@" in server.output() and "beat" in server.output()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_when_one_process_dies_serve_prod_stops_the_others(serve_prod):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        # gunicorn cannot bind the port: it gives up after a few tries while the Celery processes run.
        server = serve_prod(taken.getsockname()[1])
        assert server.process.wait(timeout=120) == 1

    assert "a process exited" in server.output()
    left = session_processes(server.process.pid)
    assert left == {}, f"left running after gunicorn failed: {left}"
