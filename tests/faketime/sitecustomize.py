"""Keep `time.sleep` working when the suite runs under libfaketime (see the README's "Tests at any hour").

With FAKETIME_DONT_FAKE_MONOTONIC=1, which threads and timeouts need, Debian's libfaketime still shifts the absolute
CLOCK_MONOTONIC deadline that Python 3.11's `time.sleep` passes to clock_nanosleep, and every sleep fails with
EINVAL. Waiting on a lock with a timeout uses the real monotonic clock and does the same job. Imported by
tests/conftest.py, and as `sitecustomize` by the processes the tests start (PYTHONPATH), so only under libfaketime.
"""

import os
import threading
import time


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    held = threading.Lock()
    held.acquire()
    held.acquire(timeout=seconds)  # times out: nobody releases it


def _install() -> None:
    if "faketime" not in os.environ.get("LD_PRELOAD", ""):
        return
    try:
        time.sleep(0)
    except OSError:
        time.sleep = _sleep


_install()
