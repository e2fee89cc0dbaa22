"""Helpers for hand-written migrations."""

from django.db import migrations


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


def run_sql_on_postgresql(forward: str, backward: str) -> migrations.RunPython:
    """Run SQL (a trigger, say) on PostgreSQL only; on SQLite the model layer enforces the same rule alone."""
    return migrations.RunPython(_on_postgresql(forward), _on_postgresql(backward), elidable=False)
