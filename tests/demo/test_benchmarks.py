"""The benchmarks never destroy, or fill with their rows, a database or Redis keys they did not make."""

import importlib.util
import os
import secrets
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from demo.management.commands import benchmark_reminders
from patients.models import Patient
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
pytestmark = pytest.mark.postgres


def throwaway_db():
    spec = importlib.util.spec_from_file_location("throwaway_db", ROOT / "bin" / "throwaway_db.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def server_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


def exists(name: str) -> bool:
    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


@pytest.mark.django_db
def test_the_reminder_benchmark_refuses_a_database_it_did_not_make_and_leaves_redis_alone():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        require_service(False, f"needs Redis at {REDIS_URL}")
    sentinel = f"not-the-benchmarks-{secrets.token_hex(4)}"
    client.set(sentinel, "real data")
    try:
        with pytest.raises(CommandError, match="not made for the benchmark"):
            call_command("benchmark_reminders", "--count", "3", "--broker", REDIS_URL)

        assert client.get(sentinel) == b"real data"
        assert not Patient.objects.exists()
    finally:
        client.delete(sentinel)


def test_throwaway_databases_get_unique_names_and_only_they_are_dropped():
    script = throwaway_db()
    assert script.MARK == benchmark_reminders.THROWAWAY_MARK
    first, second = script.create(server_url()), script.create(server_url())
    other = f"clinic_not_a_bench_{secrets.token_hex(4)}"
    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(other)))
    try:
        assert first != second and exists(first.rsplit("/", 1)[1]) and exists(second.rsplit("/", 1)[1])

        with pytest.raises(SystemExit, match="Refusing to drop"):
            script.drop(f"{server_url()}/{other}")
        script.drop(first)

        assert exists(other) and not exists(first.rsplit("/", 1)[1]) and exists(second.rsplit("/", 1)[1])
    finally:
        script.drop(second)
        with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(other)))


def test_the_reminder_benchmark_script_checks_a_named_database_before_writing_to_it():
    """BENCH_DATABASE_NAME reuses a database: one not made by bin/throwaway_db.py is refused before the migrations
    run, and one made there is used and left in place (the script did not make it, so it does not drop it)."""
    other = f"clinic_not_a_bench_{secrets.token_hex(4)}"
    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(other)))
    try:
        run = subprocess.run(
            ["bash", "bin/benchmark-reminders"],
            cwd=ROOT,
            env={**os.environ, "BENCH_POSTGRES_URL": server_url(), "BENCH_DATABASE_NAME": other, "COUNT": "1"},
            capture_output=True,
            text=True,
            timeout=120,
        )

        assert run.returncode != 0
        assert "Refusing to use" in run.stderr
        with psycopg.connect(f"{server_url()}/{other}") as refused:
            tables = refused.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
        assert tables == 0  # not migrated: nothing was written
        assert exists(other)
    finally:
        with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(other)))


def test_a_database_made_for_the_benchmarks_passes_the_check():
    script = throwaway_db()
    made = script.create(server_url())
    try:
        script.check(made)
    finally:
        script.drop(made)
