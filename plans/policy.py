"""Who sees, writes and co-signs treatment plans: clinicians only (front desk and administrators none); a counselor
for the patients in their scope, a supervisor for every patient. Registered with `clinic.policy` on import."""

from clinic.errors import OutOfScopeError
from clinic.models import Role
from clinic.policy import Action, patient_visible_to, rule


@rule(
    Action.SEE_PLAN,
    message=OutOfScopeError.default_message,
    code="out_of_scope",
    error=OutOfScopeError,
    requires=(Action.CLINICAL_WORK,),
    doing="see treatment plans",
)
def _sees_plan(user, patient) -> bool:
    return patient_visible_to(user, patient)


@rule(
    Action.WRITE_PLAN,
    message=OutOfScopeError.default_message,
    code="out_of_scope",
    error=OutOfScopeError,
    requires=(Action.CLINICAL_WORK,),
    doing="write treatment plans",
)
def _writes_plan(user, patient) -> bool:
    return patient_visible_to(user, patient)


@rule(Action.COSIGN_PLAN, message="Only a clinical supervisor co-signs treatment plans.", code="not_supervisor")
def _cosigns_plan(user, obj=None) -> bool:
    return user.role == Role.SUPERVISOR and not user.is_superuser
