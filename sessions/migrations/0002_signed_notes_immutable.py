"""On PostgreSQL the database refuses to change or delete a signed progress note or an addendum, whatever the
client; the model layer refuses the same everywhere."""

from django.db import migrations

from clinic.migration_helpers import run_sql_on_postgresql

CREATE = """
CREATE OR REPLACE FUNCTION clinic_sessions_signed_note_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.signed_at IS NOT NULL THEN
        RAISE EXCEPTION 'a signed progress note cannot be changed (%% refused)', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER clinic_sessions_signed_note_immutable
    BEFORE UPDATE OR DELETE ON clinic_sessions_progressnote
    FOR EACH ROW EXECUTE FUNCTION clinic_sessions_signed_note_immutable();

CREATE OR REPLACE FUNCTION clinic_sessions_addendum_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'note addenda are append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER clinic_sessions_addendum_append_only
    BEFORE UPDATE OR DELETE ON clinic_sessions_noteaddendum
    FOR EACH ROW EXECUTE FUNCTION clinic_sessions_addendum_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS clinic_sessions_addendum_append_only ON clinic_sessions_noteaddendum;
DROP FUNCTION IF EXISTS clinic_sessions_addendum_append_only();
DROP TRIGGER IF EXISTS clinic_sessions_signed_note_immutable ON clinic_sessions_progressnote;
DROP FUNCTION IF EXISTS clinic_sessions_signed_note_immutable();
"""



class Migration(migrations.Migration):
    dependencies = [("clinic_sessions", "0001_initial")]

    operations = [run_sql_on_postgresql(CREATE, DROP)]
