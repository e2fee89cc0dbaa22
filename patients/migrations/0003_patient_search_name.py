"""Accent- and case-blind patient search and the duplicate check at registration.

`search_name` holds the names folded in Python (patients.models.fold), the same on SQLite and PostgreSQL. On
PostgreSQL a trigram GIN index lets `search_name LIKE '%jose%'` use an index; the extensions unaccent and pg_trgm
give the duplicate check its similarity. On SQLite the extensions and the index are skipped."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models

from patients.models import fold

TRIGRAM_INDEX = "patient_search_name_trgm"


class PostgreSQLOnly:
    """Django's extension operations skip SQLite going forwards but not backwards (they look for pg_extension)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Unaccent(PostgreSQLOnly, UnaccentExtension):
    pass


class Trigram(PostgreSQLOnly, TrigramExtension):
    pass


def fill_search_names(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    batch = []
    for patient in Patient.objects.only("legal_last_name", "legal_first_name", "preferred_name").iterator(2000):
        patient.search_name = fold(f"{patient.legal_last_name} {patient.legal_first_name} {patient.preferred_name}")
        batch.append(patient)
        if len(batch) == 2000:
            Patient.objects.bulk_update(batch, ["search_name"])
            batch = []
    Patient.objects.bulk_update(batch, ["search_name"])


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {TRIGRAM_INDEX} ON patients_patient USING gin (search_name gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0002_patient_name_with_id"),
    ]

    operations = [
        Unaccent(),
        Trigram(),
        migrations.AddField(
            model_name="patient",
            name="search_name",
            field=models.CharField(default="", editable=False, max_length=250),
        ),
        migrations.AddIndex(
            model_name="patient",
            index=models.Index(fields=["date_of_birth"], name="patient_birth_date"),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
