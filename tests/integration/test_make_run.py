"""`bin/serve` (`make run`, the demo) end to end on SQLite: the development server and its Celery worker, with the
clinic's own error pages rather than Django's debug pages, static files served, and a sign-in over plain HTTP."""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error

import pytest

from tests.integration.test_serve_prod import ROOT, Browser, clean_env, session_processes
from tests.smtp import free_port


def _wait_until_up(base: str, process, log) -> None:
    for _ in range(120):
        with contextlib.suppress(OSError):
            Browser(base).get("/login/")
            return
        assert process.poll() is None, log.read_text()
        time.sleep(0.5)
    raise AssertionError(f"bin/serve did not answer:\n{log.read_text()}")


def test_the_demo_serves_its_own_error_pages_static_files_and_a_sign_in(tmp_path):
    var = tmp_path / "var"
    env = clean_env(
        VAR_DIR=str(var),
        PORT=str(free_port()),
        HOST="127.0.0.1",
        # Under libfaketime the processes share the faked clock; their time.sleep needs the tests' fix.
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "tests" / "faketime"), os.getenv("PYTHONPATH")])),
    )
    env.pop("DATABASE_URL", None)  # the demo's SQLite in VAR_DIR
    env.pop("CELERY_BROKER_URL", None)
    python = [sys.executable, "manage.py"]
    subprocess.run([*python, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    subprocess.run([*python, "seed_demo", "--patients", "40"], cwd=ROOT, env=env, check=True, timeout=120)
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [ROOT / "bin" / "serve"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        _wait_until_up(base, process, log)
        browser = Browser(base)
        with pytest.raises(urllib.error.HTTPError) as missing:
            browser.get("/no-such-page/")
        page = missing.value.read().decode()
        assert missing.value.code == 404 and "Not found" in page and "Traceback" not in page
        assert "Django tried these URL patterns" not in page  # not the debug page
        status, _, css = browser.get("/static/css/clinic.css")
        assert status == 200 and ".flag" in css

        _, _, form = browser.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        status, url, page = browser.post(
            "/login/", {"csrfmiddlewaretoken": token, "username": "counselor", "password": "demo-clinic-2026"}
        )
        assert status == 200 and url == f"{base}/" and "Caseload of" in page  # the session cookie came back over HTTP
        with pytest.raises(urllib.error.HTTPError) as missing:
            browser.get("/patients/999999999/")
        assert missing.value.code == 404 and 'aria-label="Main"' in missing.value.read().decode()  # with navigation
        assert (var / "secret_key").stat().st_mode & 0o077 == 0  # made once, readable by its owner only
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        for pid in session_processes(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
