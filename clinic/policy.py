"""Who may see or do what: the one place that answers "may this user ...?".

Each rule is a named predicate of a user (and, for some, of a patient, a session or a group). Services enforce a
rule with `require()`, which raises the rule's refusal; templates ask `allows()` through `{% may %}` before they
draw a button, so a button never shows for an action the service would refuse; views and the admin ask the same
names. An unknown name is an error, never a silent yes.

The rules that need only the user's role are defined here. The patient scope (a counselor's caseload and groups)
and the rules about sessions and groups belong to the app that knows groups: `sessions/policy.py` registers them
when the apps are ready, so this module imports no app.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from clinic.errors import DomainError, OutOfScopeError
from clinic.models import CLINICAL_ROLES, Role


class Action(enum.StrEnum):
    """Every rule's name. Templates write the value ("session.cancel"); Python code the member."""

    # The patient scope; the object is a patient.
    SEE_PATIENT = "patient.see"
    CHANGE_PATIENT = "patient.change"  # demographics, screening, reminder consent
    SEE_ALL_PATIENTS = "patient.see_all"  # no object: whose scope is every patient
    REGISTER_PATIENT = "patient.register"
    # Clinical content and clinical work.
    SEE_CLINICAL = "clinical.see"  # notes and attendance detail on the staff pages
    SEE_CLINICAL_IN_ADMIN = "clinical.see_in_admin"
    CLINICAL_WORK = "clinical.work"
    CHANGE_ENROLLMENT = "enrollment.change"  # admit, move between programs, discharge
    OVERRIDE_WITHDRAWAL_RULE = "enrollment.override_withdrawal_rule"
    RESOLVE_REVIEW = "review.resolve"
    # Caseloads (the dashboard).
    SEE_CASELOADS = "caseload.see"
    CHOOSE_CASELOAD = "caseload.choose"
    PICK_COUNSELOR = "counselor.pick"  # search counselors by name, for a form's counselor picker
    # Sessions and groups; the object is a session (a patient for booking, a group for its roster).
    HOLD_SESSIONS = "session.hold"  # may facilitate a session
    BOOK_SESSION = "session.book"
    RUN_SESSION = "session.run"  # take attendance, write notes
    ADD_TO_NOTE = "note.add_addendum"  # the object is a signed progress note
    CANCEL_SESSION = "session.cancel"
    KEEP_ROSTER = "group.keep_roster"
    SEE_GROUPS = "group.see"  # no object: the groups list and a group's page (its roster within the patient scope)
    # Measurement-based care (measures/policy.py); the object is a patient.
    SEE_MEASURES = "measure.see"  # scores, answers, drug screens, safety alerts
    RECORD_MEASURES = "measure.record"  # enter a measure or a drug screen
    FOLLOW_UP_SAFETY_ALERT = "safety_alert.follow_up"
    # Treatment plans (plans/policy.py); the object is the plan's patient.
    SEE_PLAN = "plan.see"
    WRITE_PLAN = "plan.write"  # start, draft, sign, review
    COSIGN_PLAN = "plan.cosign"  # no object: a clinical supervisor's co-signature


@dataclass(frozen=True)
class Rule:
    name: Action
    test: Callable[[Any, Any], bool]
    message: str  # the refusal; may name {doing} and {obj}
    code: str
    error: type[DomainError] | None  # None: the class the calling service passes (DomainError if none)
    doing: str
    requires: tuple[Action, ...]


_rules: dict[Action, Rule] = {}


def rule(
    name: Action,
    *,
    message: str,
    code: str,
    error: type[DomainError] | None = None,
    doing: str = "do this",
    requires: tuple[Action, ...] = (),
):
    """Register the decorated `test(user, obj) -> bool` as the rule `name`. `requires` names rules that must hold
    first (their refusal comes first too)."""
    try:
        name = Action(name)
    except ValueError:
        raise ImproperlyConfigured(f"{name!r} is not an Action: add it to clinic.policy.Action.") from None

    def register(test):
        known = _rules.get(name)
        if known is not None and (known.test.__module__, known.test.__qualname__) != (
            test.__module__,
            test.__qualname__,
        ):
            raise ImproperlyConfigured(
                f"Two rules are named {name!r}: {known.test.__qualname__} and {test.__qualname__}."
            )
        _rules[name] = Rule(name, test, message, code, error, doing, tuple(Action(r) for r in requires))
        return test

    return register


def _rule(name) -> Rule:
    try:
        return _rules[Action(name)]
    except ValueError:
        raise ImproperlyConfigured(f"No access rule is named {name!r}.") from None
    except KeyError:
        raise ImproperlyConfigured(f"The access rule {name!r} is not registered: is its app installed?") from None


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def allows(user, name: Action | str, obj=None) -> bool:
    """May `user` do `name` (to `obj`)? An anonymous visitor may do nothing."""
    found = _rule(name)
    if not _signed_in(user):
        return False
    return all(allows(user, required) for required in found.requires) and bool(found.test(user, obj))


def require(
    user, name: Action | str, obj=None, *, error: type[DomainError] = DomainError, doing: str | None = None
) -> None:
    """Raise the rule's refusal unless `user` may do `name` (to `obj`). A rule that names no error class of its own
    raises `error`, the calling app's (e.g. SessionError); `doing` completes messages such as "Only counselors and
    clinical supervisors can {doing}."."""
    found = _rule(name)
    for required in found.requires:
        require(user, required, error=error, doing=doing or found.doing)
    if _signed_in(user) and found.test(user, obj):
        return
    error_class = found.error or error
    raise error_class(found.message.format(doing=doing or found.doing, obj=obj), code=found.code)


def missing() -> list[str]:
    """What no app has registered: rules, and the patient scope. A system check reports them."""
    return [str(name) for name in Action if name not in _rules] + ([] if _scope else ["the patient scope"])


# --- The patient scope, registered by the app that knows groups ------------------------------------------------

_scope: dict[str, Callable] = {}


def register_scope(*, patients: Callable[[Any], QuerySet], patient: Callable[[Any, Any], bool]) -> None:
    """`patients(user)`: the patients the user may see; `patient(user, patient)`: may they see this one."""
    _scope.update(patients=patients, patient=patient)


def _scope_function(name: str) -> Callable:
    try:
        return _scope[name]
    except KeyError:
        raise ImproperlyConfigured("No patient scope is registered (sessions/policy.py registers it).") from None


def patients_visible_to(user) -> QuerySet:
    """The patients a staff member may see: a counselor their caseload and their groups' members, others all."""
    return _scope_function("patients")(user)


def patient_visible_to(user, patient) -> bool:
    """May this staff member see, and so act on, this patient's record?"""
    return _scope_function("patient")(user, patient)


def visible_patient_ids(user) -> QuerySet:
    """The ids of `patients_visible_to(user)`, as a subquery for `patient__in=`."""
    return patients_visible_to(user).values("pk")


def sees_every_patient(user) -> bool:
    """Is the user's scope every patient (a supervisor, front desk, an administrator)?"""
    return allows(user, Action.SEE_ALL_PATIENTS)


def in_scope(queryset: QuerySet, user, lookup: str = "patient") -> QuerySet:
    """The rows of `queryset` whose patient (at `lookup`, e.g. "attendance__patient") the user may see. A user who
    sees every patient gets the queryset as it is: `patient IN (every patient)` filters nothing, yet makes
    PostgreSQL join every row to the patients before it can count or sort."""
    if sees_every_patient(user):
        return queryset
    return queryset.filter(**{f"{lookup}__in": visible_patient_ids(user)})


def visible_among(user, patient_ids) -> set[int]:
    """Those of `patient_ids` the user may see: one query, none when the user sees every patient."""
    patient_ids = set(patient_ids)
    if not patient_ids or sees_every_patient(user):
        return patient_ids
    return set(patients_visible_to(user).filter(pk__in=patient_ids).values_list("pk", flat=True))


def _in_scope(user, patient) -> bool:
    return patient_visible_to(user, patient)


def scope_rule(name: Action, *, requires: tuple[Action, ...] = (), doing: str = "do this") -> None:
    """Register `name` as a patient-scope rule: it holds for the patients the user may see (once `requires` holds),
    and its refusal is the out-of-scope one, which says nothing of whether the patient exists."""
    rule(
        name,
        message=OutOfScopeError.default_message,
        code="out_of_scope",
        error=OutOfScopeError,
        requires=requires,
        doing=doing,
    )(_in_scope)


scope_rule(Action.SEE_PATIENT)
scope_rule(Action.CHANGE_PATIENT)
scope_rule(Action.BOOK_SESSION)  # any role books sessions (front desk included), for the patients it may see


# --- Rules of the user's role alone ------------------------------------------------------------------------------


def is_clinician(user) -> bool:
    """Counselors and supervisors see clinical content (notes, attendance detail); front desk and administrators
    do not. Nor does a superuser, whatever its role: it is a break-glass setup account, and the flag alone must not
    open every patient's notes on the staff pages."""
    return getattr(user, "role", None) in CLINICAL_ROLES and not getattr(user, "is_superuser", False)


@rule(
    Action.SEE_CLINICAL, message="Only counselors and clinical supervisors see clinical content.", code="not_clinical"
)
def _sees_clinical(user, obj=None) -> bool:
    return is_clinician(user)


@rule(
    Action.SEE_CLINICAL_IN_ADMIN,
    message="Only counselors and clinical supervisors see clinical content.",
    code="not_clinical",
)
def _sees_clinical_in_admin(user, obj=None) -> bool:
    """In the admin a superuser sees clinical content too: every page it opens there is audited."""
    return user.is_superuser or is_clinician(user)


@rule(Action.CLINICAL_WORK, message="Only counselors and clinical supervisors can {doing}.", code="not_clinical")
def _does_clinical_work(user, obj=None) -> bool:
    return is_clinician(user)


@rule(
    Action.CHANGE_ENROLLMENT,
    message="Only counselors and clinical supervisors can {doing}.",
    code="not_clinical",
    doing="admit, move or discharge patients",
)
def _changes_enrollments(user, obj=None) -> bool:
    return is_clinician(user)


@rule(
    Action.OVERRIDE_WITHDRAWAL_RULE,
    message="Only a clinical supervisor can override the withdrawal-management rule.",
    code="override_not_allowed",
)
def _overrides_withdrawal_rule(user, obj=None) -> bool:
    """A patient flagged for withdrawal management goes to a level without it only on a supervisor's word."""
    return user.role == Role.SUPERVISOR


@rule(
    Action.RESOLVE_REVIEW,
    message="Only counselors and clinical supervisors can {doing}.",
    code="not_clinical",
    doing="resolve absence reviews",
)
def _resolves_reviews(user, obj=None) -> bool:
    return is_clinician(user)


@rule(
    Action.REGISTER_PATIENT,
    message="Registering patients is for front desk, supervisors and administrators.",
    code="not_allowed",
)
def _registers_patients(user, obj=None) -> bool:
    """A permission, not a role: an administrator may widen it in the role's group."""
    return user.has_perm("patients.add_patient")


@rule(
    Action.HOLD_SESSIONS,
    message="Sessions are held by a counselor or a clinical supervisor.",
    code="not_clinical",
)
def _holds_sessions(user, obj=None) -> bool:
    return is_clinician(user)


@rule(Action.SEE_CASELOADS, message="Caseloads are for clinicians and administrators.", code="not_allowed")
def _sees_caseloads(user, obj=None) -> bool:
    return is_clinician(user) or user.role == Role.ADMINISTRATOR


@rule(
    Action.CHOOSE_CASELOAD,
    message="Only supervisors and administrators look at another counselor's caseload.",
    code="not_allowed",
)
def _chooses_caseload(user, obj=None) -> bool:
    return user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR)


@rule(Action.PICK_COUNSELOR, message="Your role chooses no counselors.", code="not_allowed")
def _picks_counselors(user, obj=None) -> bool:
    """Every role opens a page with a counselor picker: the schedule's and the patient list's filters and booking
    (all roles), registering (front desk, supervisors, administrators), admitting and moving (clinicians), the
    dashboard's caseload switch (supervisors, administrators). The suggestions name staff only, never a patient."""
    return user.role in (Role.ADMINISTRATOR, Role.SUPERVISOR, Role.COUNSELOR, Role.FRONT_DESK)


@rule(Action.SEE_GROUPS, message="Your role sees no therapy groups.", code="not_allowed")
def _sees_groups(user, obj=None) -> bool:
    """Every staff role: front desk and administrators see schedules and seats; rosters name only patients in the
    user's scope."""
    return user.role in (Role.ADMINISTRATOR, Role.SUPERVISOR, Role.COUNSELOR, Role.FRONT_DESK)
