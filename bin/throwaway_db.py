"""Throwaway PostgreSQL databases for the benchmarks, which never touch a database they did not make.

    python bin/throwaway_db.py create [SERVER_URL]   # makes clinic_bench_<unique>, prints its URL
    python bin/throwaway_db.py drop DATABASE_URL     # drops it, only if this script made it
    python bin/throwaway_db.py check DATABASE_URL    # fails unless this script made it

A database made here carries a comment (MARK) that `drop` and the benchmark commands check, so a mistyped URL
or a real clinic's database is refused rather than dropped or filled with benchmark rows.
"""

import secrets
import sys
import time

import psycopg
from psycopg import sql

# Also checked by demo/management/commands/benchmark_reminders.py.
MARK = "clinic benchmark: throwaway database, made and dropped by bin/throwaway_db.py"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"


def create(server: str = DEFAULT_SERVER) -> str:
    name = f"clinic_bench_{time.strftime('%Y%m%d%H%M%S')}_{secrets.token_hex(3)}"
    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as connection:
        # No IF EXISTS anywhere: if the name were taken, CREATE fails and nothing is touched.
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(MARK)))
    return f"{server.rstrip('/')}/{name}"


def is_throwaway(connection, name: str) -> bool:
    row = connection.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
    ).fetchone()
    return row is not None and row[0] == MARK


def drop(url: str) -> None:
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        if not is_throwaway(connection, name):
            raise SystemExit(f"Refusing to drop {name!r}: it was not made by bin/throwaway_db.py.")
        connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def check(url: str) -> None:
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        if not is_throwaway(connection, name):
            raise SystemExit(f"Refusing to use {name!r}: it was not made by bin/throwaway_db.py.")


if __name__ == "__main__":
    match sys.argv[1:]:
        case ["create"]:
            print(create())
        case ["create", server]:
            print(create(server))
        case ["drop", url]:
            drop(url)
        case ["check", url]:
            check(url)
        case _:
            raise SystemExit(__doc__)
