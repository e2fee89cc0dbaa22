"""Who sees, writes and co-signs treatment plans: clinicians only (front desk and administrators none); a counselor
for the patients in their scope, a supervisor for every patient. Registered with `clinic.policy` on import."""

from clinic.models import Role
from clinic.policy import Action, rule, scope_rule

scope_rule(Action.SEE_PLAN, requires=(Action.CLINICAL_WORK,), doing="see treatment plans")
scope_rule(Action.WRITE_PLAN, requires=(Action.CLINICAL_WORK,), doing="write treatment plans")


@rule(Action.COSIGN_PLAN, message="Only a clinical supervisor co-signs treatment plans.", code="not_supervisor")
def _cosigns_plan(user, obj=None) -> bool:
    return user.role == Role.SUPERVISOR and not user.is_superuser
