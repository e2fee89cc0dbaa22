"""Who sees and records measures, drug screens and safety alerts: clinicians, within the patient scope (a counselor
their caseload and groups, a supervisor everyone). Front desk and administrators neither see nor record them.
Registered with the kernel's policy on import (MeasuresConfig.ready)."""

from clinic.policy import Action, scope_rule

scope_rule(Action.SEE_MEASURES, requires=(Action.SEE_CLINICAL,), doing="see measures and drug screens")
scope_rule(Action.RECORD_MEASURES, requires=(Action.CLINICAL_WORK,), doing="record measures and drug screens")
scope_rule(Action.FOLLOW_UP_SAFETY_ALERT, requires=(Action.CLINICAL_WORK,), doing="record a safety alert's follow-up")
