"""On PostgreSQL the database itself refuses to update or delete audit rows, whatever the client.

TRUNCATE stays possible: it needs table ownership, and the test runner empties tables with it."""

from django.db import migrations

from clinic.migration_helpers import run_sql_on_postgresql

CREATE = """
CREATE OR REPLACE FUNCTION clinic_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER clinic_auditevent_append_only
    BEFORE UPDATE OR DELETE ON clinic_auditevent
    FOR EACH ROW EXECUTE FUNCTION clinic_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS clinic_auditevent_append_only ON clinic_auditevent;
DROP FUNCTION IF EXISTS clinic_auditevent_append_only();
"""



class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]

    operations = [run_sql_on_postgresql(CREATE, DROP)]
