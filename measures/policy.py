"""Who sees and records measures, drug screens and safety alerts: clinicians, within the patient scope (a counselor
their caseload and groups, a supervisor everyone). Front desk and administrators neither see nor record them.
Registered with the kernel's policy on import (MeasuresConfig.ready)."""

from clinic.errors import OutOfScopeError
from clinic.policy import Action, patient_visible_to, rule


@rule(
    Action.SEE_MEASURES,
    message=OutOfScopeError.default_message,
    code="out_of_scope",
    error=OutOfScopeError,
    requires=(Action.SEE_CLINICAL,),
    doing="see measures and drug screens",
)
def _sees_measures(user, patient) -> bool:
    return patient_visible_to(user, patient)


@rule(
    Action.RECORD_MEASURES,
    message=OutOfScopeError.default_message,
    code="out_of_scope",
    error=OutOfScopeError,
    requires=(Action.CLINICAL_WORK,),
    doing="record measures and drug screens",
)
def _records_measures(user, patient) -> bool:
    return patient_visible_to(user, patient)


@rule(
    Action.FOLLOW_UP_SAFETY_ALERT,
    message=OutOfScopeError.default_message,
    code="out_of_scope",
    error=OutOfScopeError,
    requires=(Action.CLINICAL_WORK,),
    doing="record a safety alert's follow-up",
)
def _follows_up(user, patient) -> bool:
    return patient_visible_to(user, patient)
