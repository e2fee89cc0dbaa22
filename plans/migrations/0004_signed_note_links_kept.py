"""On PostgreSQL the database refuses to change or delete the objective links of a signed progress note: they are
part of the signed record, as the note is (the model layer refuses the same everywhere). A link is still inserted
freely here: the service refuses a new link on a signed note, and the demo loads past links of signed notes."""

from django.db import migrations

from clinic.migration_helpers import run_sql_on_postgresql

CREATE = """
CREATE OR REPLACE FUNCTION plans_signed_note_links_kept() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM clinic_sessions_progressnote n WHERE n.id = OLD.note_id AND n.signed_at IS NOT NULL)
       OR (TG_OP = 'UPDATE' AND EXISTS (
           SELECT 1 FROM clinic_sessions_progressnote n WHERE n.id = NEW.note_id AND n.signed_at IS NOT NULL)) THEN
        RAISE EXCEPTION 'the objectives of a signed progress note cannot be changed (%% refused)', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER plans_signed_note_links_kept
    BEFORE UPDATE OR DELETE ON plans_noteobjective
    FOR EACH ROW EXECUTE FUNCTION plans_signed_note_links_kept();
"""

DROP = """
DROP TRIGGER IF EXISTS plans_signed_note_links_kept ON plans_noteobjective;
DROP FUNCTION IF EXISTS plans_signed_note_links_kept();
"""


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_plan_agreed_by_representative"), ("clinic_sessions", "0002_signed_notes_immutable")]

    operations = [run_sql_on_postgresql(CREATE, DROP)]
