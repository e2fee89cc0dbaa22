"""On PostgreSQL the database refuses to change or delete a signed treatment plan or any of its parts, whatever the
client (as with signed progress notes); the model layer refuses the same everywhere. The one change a signed plan
takes is its supervisor's co-signature, once."""

from django.db import migrations

from clinic.migration_helpers import run_sql_on_postgresql

CREATE = """
CREATE OR REPLACE FUNCTION plans_signed_plan_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        IF TG_OP = 'UPDATE' AND OLD.cosigned_at IS NULL
           AND to_jsonb(NEW) - 'cosigned_by_id' - 'cosigned_at' = to_jsonb(OLD) - 'cosigned_by_id' - 'cosigned_at' THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'a signed treatment plan cannot be changed (%% refused)', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER plans_signed_plan_immutable
    BEFORE UPDATE OR DELETE ON plans_treatmentplan
    FOR EACH ROW EXECUTE FUNCTION plans_signed_plan_immutable();

CREATE OR REPLACE FUNCTION plans_plan_is_signed(plan bigint) RETURNS boolean AS $$
    SELECT EXISTS (SELECT 1 FROM plans_treatmentplan WHERE id = plan AND status = 'signed');
$$ LANGUAGE sql STABLE;

-- TG_ARGV[0]: how the part's row leads to its plan: 'plan' (plan_id), 'problem' (problem_id) or 'goal' (goal_id).
CREATE OR REPLACE FUNCTION plans_part_of_signed_plan(via text, part_id bigint) RETURNS boolean AS $$
    SELECT CASE via
        WHEN 'plan' THEN plans_plan_is_signed(part_id)
        WHEN 'problem' THEN EXISTS (
            SELECT 1 FROM plans_problem p WHERE p.id = part_id AND plans_plan_is_signed(p.plan_id))
        WHEN 'goal' THEN EXISTS (
            SELECT 1 FROM plans_goal g JOIN plans_problem p ON p.id = g.problem_id
            WHERE g.id = part_id AND plans_plan_is_signed(p.plan_id))
    END;
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION plans_signed_part_immutable() RETURNS trigger AS $$
DECLARE
    via text := TG_ARGV[0];
    column_name text := via || '_id';
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE')
       AND plans_part_of_signed_plan(via, (to_jsonb(OLD) ->> column_name)::bigint) THEN
        RAISE EXCEPTION 'a signed treatment plan cannot be changed (%% of a part refused)', TG_OP;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT')
       AND plans_part_of_signed_plan(via, (to_jsonb(NEW) ->> column_name)::bigint) THEN
        RAISE EXCEPTION 'a signed treatment plan cannot be changed (%% of a part refused)', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER plans_problem_immutable BEFORE INSERT OR UPDATE OR DELETE ON plans_problem
    FOR EACH ROW EXECUTE FUNCTION plans_signed_part_immutable('plan');
CREATE TRIGGER plans_intervention_immutable BEFORE INSERT OR UPDATE OR DELETE ON plans_intervention
    FOR EACH ROW EXECUTE FUNCTION plans_signed_part_immutable('plan');
CREATE TRIGGER plans_deferreddimension_immutable BEFORE INSERT OR UPDATE OR DELETE ON plans_deferreddimension
    FOR EACH ROW EXECUTE FUNCTION plans_signed_part_immutable('plan');
CREATE TRIGGER plans_goal_immutable BEFORE INSERT OR UPDATE OR DELETE ON plans_goal
    FOR EACH ROW EXECUTE FUNCTION plans_signed_part_immutable('problem');
CREATE TRIGGER plans_objective_immutable BEFORE INSERT OR UPDATE OR DELETE ON plans_objective
    FOR EACH ROW EXECUTE FUNCTION plans_signed_part_immutable('goal');
"""

DROP = """
DROP TRIGGER IF EXISTS plans_objective_immutable ON plans_objective;
DROP TRIGGER IF EXISTS plans_goal_immutable ON plans_goal;
DROP TRIGGER IF EXISTS plans_deferreddimension_immutable ON plans_deferreddimension;
DROP TRIGGER IF EXISTS plans_intervention_immutable ON plans_intervention;
DROP TRIGGER IF EXISTS plans_problem_immutable ON plans_problem;
DROP FUNCTION IF EXISTS plans_signed_part_immutable();
DROP FUNCTION IF EXISTS plans_part_of_signed_plan(text, bigint);
DROP FUNCTION IF EXISTS plans_plan_is_signed(bigint);
DROP TRIGGER IF EXISTS plans_signed_plan_immutable ON plans_treatmentplan;
DROP FUNCTION IF EXISTS plans_signed_plan_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [run_sql_on_postgresql(CREATE, DROP)]
