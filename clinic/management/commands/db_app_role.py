"""The PostgreSQL role the application connects as: it reads and writes the clinic's tables, but may only add to
and read the audit trail. The tables' owner (who runs `migrate`) runs this, and again after every `migrate`."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from psycopg import sql

from clinic.models import AuditEvent, AuditEventPatient

# Append-only: the role inserts and reads them; UPDATE, DELETE and TRUNCATE are refused by missing privileges, and
# ALTER TABLE (which could disable the append-only triggers) by not owning them.
AUDIT_TABLES = (AuditEvent._meta.db_table, AuditEventPatient._meta.db_table)
# Written by `migrate` only, which the owner runs.
READ_ONLY_TABLES = ("django_migrations",)


class Command(BaseCommand):
    help = (
        "Create or update the PostgreSQL role the application connects as: read and write on every table and "
        "sequence, but only INSERT and SELECT on the audit tables. Run it as the tables' owner after each migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="The role in the application's DATABASE_URL, e.g. clinic_app.")
        parser.add_argument(
            "--password-env",
            metavar="VARIABLE",
            help="Set the role's password from this environment variable (so it never appears in a command line).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database settings alias.")

    def handle(self, *args, role, password_env, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("db_app_role sets up PostgreSQL roles; this database is not PostgreSQL.")
        password = None
        if password_env:
            password = os.environ.get(password_env, "")
            if not password:
                raise CommandError(f"The environment variable {password_env} is not set or empty.")
        with transaction.atomic(using=database), connection.cursor() as cursor:

            def run(statement: str, **names) -> None:
                composed = sql.SQL(statement).format(**names)
                cursor.execute(composed.as_string(connection.connection))

            cursor.execute("SELECT current_database(), current_schema(), current_user")
            dbname, schema, owner = cursor.fetchone()
            if role == owner:
                raise CommandError(f"{role} is the role running this command, which owns the tables: choose another.")
            missing = set(AUDIT_TABLES) - set(connection.introspection.table_names(cursor))
            if missing:
                raise CommandError(f"{', '.join(sorted(missing))} not found: run `python manage.py migrate` first.")
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            if found is None:
                run("CREATE ROLE {role} LOGIN", role=sql.Identifier(role))
                self.stdout.write(f"Created the role {role}.")
            elif found[0]:
                raise CommandError(f"{role} is a superuser, which bypasses every privilege: use an ordinary role.")
            cursor.execute(
                "SELECT pg_has_role(%s, %s, 'MEMBER') OR EXISTS (SELECT 1 FROM pg_tables WHERE tableowner = %s"
                " AND schemaname = %s)",
                [role, owner, role, schema],
            )
            if cursor.fetchone()[0]:
                raise CommandError(
                    f"{role} owns tables here or is a member of {owner}: an owner may truncate and alter the audit "
                    "tables. Use a role of its own."
                )
            if password:
                run("ALTER ROLE {role} PASSWORD {password}", role=sql.Identifier(role), password=sql.Literal(password))
            names = {"role": sql.Identifier(role), "schema": sql.Identifier(schema)}
            run("GRANT CONNECT ON DATABASE {db} TO {role}", db=sql.Identifier(dbname), **names)
            run("GRANT USAGE ON SCHEMA {schema} TO {role}", **names)
            # From a clean slate each time, so a re-run also takes back what an earlier one granted.
            run("REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}", **names)
            run("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}", **names)
            for table in AUDIT_TABLES:
                run("REVOKE UPDATE, DELETE ON {table} FROM {role}", table=sql.Identifier(table), **names)
            for table in READ_ONLY_TABLES:
                run("REVOKE INSERT, UPDATE, DELETE ON {table} FROM {role}", table=sql.Identifier(table), **names)
            run("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}", **names)
            run("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}", **names)
        self.stdout.write(
            f"{role} may read and write the tables of {dbname}, and only add to and read {', '.join(AUDIT_TABLES)}. "
            "Run this command again after every migrate."
        )
