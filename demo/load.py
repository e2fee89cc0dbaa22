"""Writing the demo's rows fast: COPY on PostgreSQL, bulk inserts elsewhere (SQLite for `make run`).

The seed hands over model instances a chunk at a time. The loader gives them their primary keys itself (counting
on from the table's largest), so that the rows of one chunk can point at each other before they are written, and
on PostgreSQL streams them with `COPY ... FROM STDIN` (psycopg 3's `cursor.copy`), which skips the SQL parsing and
the per-row round trips of INSERT. Check constraints and unique indexes are checked row by row as always; foreign
keys are dropped for the load and added back at the end, which checks every row in one pass; the project's
triggers refuse UPDATE and DELETE, and a part added to a signed treatment plan, so the seed writes a plan's parts
before the plan itself (its keys reserved first), and COPY goes through them unchanged. At the end `finish` also
moves each table's sequence past the keys used and analyzes the tables.
"""

import time
from operator import attrgetter

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import (
    AutoField,
    BigAutoField,
    BooleanField,
    CharField,
    DateField,
    ForeignKey,
    IntegerField,
    Max,
    TextField,
    UUIDField,
)
from django.db.models.base import ModelState
from django.utils import timezone

BATCH = 1000  # rows per INSERT on SQLite
# Fields whose Python values psycopg adapts exactly as the field would (DateField covers DateTimeField; the seed's
# datetimes are aware). A model with any other field goes through get_db_prep_save.
PLAIN = (AutoField, BigAutoField, BooleanField, CharField, DateField, ForeignKey, IntegerField, TextField, UUIDField)


class Rows:
    """Model instances made cheaply for the large tables: Model.__init__ costs more than writing the row, so the
    instance gets its fields' (constant) defaults and the values given, by column attribute (`session_id`, not
    `session`), the way a row read from the database does. Only for models without callable defaults that matter
    and without behaviour in __init__."""

    def __init__(self, model):
        self.model = model
        self.defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields}

    def __call__(self, **values):
        obj = self.model.__new__(self.model)
        obj.__dict__.update(self.defaults)
        obj.__dict__.update(values)
        obj._state = ModelState()
        return obj


class Loader:
    """Use inside one transaction: on PostgreSQL the foreign keys of `models` are dropped while they load and
    added back (and so checked, all rows at once) by `finish`; if anything fails, the rollback restores them."""

    def __init__(self, models: list[type]):
        self.postgres = connection.vendor == "postgresql"
        self.next_id: dict[type, int] = {}
        self.models: list[type] = []
        self.rows = 0
        self.largest_write = 0  # the most rows handed over at once: bounded by the chunk size, not the clinic's
        self.started = time.monotonic()
        self.foreign_keys: list[tuple[str, str, str]] = []
        if self.postgres:
            with connection.cursor() as cursor:
                # Run the checks deferred so far (a table with pending ones cannot be altered), and check
                # the remaining keys as each statement ends rather than queueing one event per row to the commit.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self._drop_foreign_keys([m._meta.db_table for m in models])

    def _drop_foreign_keys(self, tables: list[str]) -> None:
        """A foreign key checks each inserted row with a query of its own (and locks the row it points at),
        millions of them at 100,000 patients. As PostgreSQL's manual advises for bulk loads ("Populating a
        Database"), drop them and add them back at the end, where one join per key checks every row."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid, conname",
                [tables],
            )
            self.foreign_keys = cursor.fetchall()
            for table, name, _ in self.foreign_keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")

    def _restore_foreign_keys(self) -> None:
        with connection.cursor() as cursor:
            for table, name, definition in self.foreign_keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
        self.foreign_keys = []

    def _assign_keys(self, model, objs) -> None:
        if model not in self.next_id:
            self.next_id[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
            self.models.append(model)
        first = self.next_id[model]
        for key, obj in enumerate(objs, first):
            obj.pk = key
        self.next_id[model] = first + len(objs)

    def reserve(self, model, objs: list) -> list:
        """Give the instances their primary keys now, to write them later: rows written first can point at them
        (the foreign keys are checked at the end)."""
        self._assign_keys(model, objs)
        return objs

    def write(self, model, objs: list) -> list:
        """Insert the instances, which get their primary keys (unless `reserve` gave them); returns them."""
        if not objs:
            return objs
        if objs[0].pk is None:
            self._assign_keys(model, objs)
        if self.postgres:
            self._copy(model, objs)
        else:
            model.objects.bulk_create(objs, batch_size=BATCH)
        self.rows += len(objs)
        self.largest_write = max(self.largest_write, len(objs))
        return objs

    def _copy(self, model, objs) -> None:
        fields = model._meta.concrete_fields
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        now = timezone.now()
        for f in fields:  # what bulk_create would do: auto_now(_add) filled in (one instant for the batch)
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                for obj in objs:
                    setattr(obj, f.attname, now)
        if all(isinstance(f, PLAIN) for f in fields):
            # psycopg adapts these Python values as the fields would: read them straight off the instances.
            values = attrgetter(*(f.attname for f in fields))
        else:
            db = connections[DEFAULT_DB_ALIAS]

            def values(obj):
                return [f.get_db_prep_save(getattr(obj, f.attname), db) for f in fields]

        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for obj in objs:
                copy.write_row(values(obj))

    def rate(self) -> float:
        return self.rows / max(time.monotonic() - self.started, 1e-6)

    def reset_sequences(self) -> None:
        """Sequences past the keys handed out, before anything else inserts into these tables (PostgreSQL; SQLite
        follows the largest key by itself)."""
        if self.postgres and self.models:
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), self.models):
                    cursor.execute(statement)

    def finish(self) -> None:
        """Foreign keys back (each checked against every row) and sequences reset. See `settle`."""
        if self.postgres:
            self._restore_foreign_keys()
        self.reset_sequences()

    def settle(self) -> None:
        """Once the load is committed: fresh planner statistics for every table (the staff and groups the seed
        made through the ORM too: a planner that believes there are 72 users hashes them all) and, outside a
        transaction, a visibility map, so that covering indexes answer without reading the table from the first
        request on rather than after autovacuum's next round."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
