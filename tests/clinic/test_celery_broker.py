import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_filesystem_broker_keeps_its_exchange_tables_under_var(tmp_path):
    """kombu's default control folder is ./control, wherever the process starts: it ended up in the repository."""
    var = tmp_path / "var"
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DATABASE_URL"))}
    environment |= {"VAR_DIR": str(var), "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "clinic.settings"}
    script = "from clinic.celery import app; app.send_task('sessions.tasks.plan_reminders')"

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=elsewhere, env=environment, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert (var / "celery" / "control" / "celery.exchange").exists()
    assert list(elsewhere.iterdir()) == []
    assert len(list((var / "celery" / "queue").iterdir())) == 1
