"""The access rules that need groups and sessions: the patient scope, and who runs, cancels or fills what.

Registered with the kernel's policy (`clinic.policy`) when the app is ready, so that lower apps ask the kernel and
never import this one.
"""

from django.db.models import QuerySet, Value

from clinic import policy
from clinic.errors import OutOfScopeError
from clinic.models import Role
from clinic.policy import Action, rule
from patients.models import Patient
from programs.models import Enrollment, EnrollmentStatus
from sessions.models import GroupMembership, ProgressNote, TherapyGroup, TherapySession


def _scope_is_everyone(user) -> bool:
    """Only counselors are held to a caseload; a superuser sees everyone whatever its role (but without notes: see
    `clinic.policy.is_clinician`)."""
    return user.role != Role.COUNSELOR or user.is_superuser


def patients_visible_to(user) -> QuerySet[Patient]:
    """The patients a staff member may see. Counselors see their own caseload (patients whose primary counselor
    they are, or whose active enrollment they carry) and the members of the groups they facilitate. Everyone else
    sees all patients."""
    patients = Patient.objects.all()
    if not _scope_is_everyone(user):
        # Each patient loaded through the scope remembers whose scope it came through (see patient_visible_to).
        patients = patients.filter(pk__in=_caseload_ids(user)).annotate(scoped_for=Value(user.pk))
    return patients


def _caseload_ids(user) -> QuerySet:
    """The ids of a counselor's caseload as a UNION of three index lookups. (One query ORing three left joins
    cannot use an index for any of them: PostgreSQL scans every patient, enrollment and membership.)"""
    primary = Patient.objects.filter(primary_counselor=user).values("pk")
    enrolled = Enrollment.objects.filter(counselor=user, status=EnrollmentStatus.ACTIVE).values("patient_id")
    in_groups = GroupMembership.objects.filter(group__facilitator=user, left_on__isnull=True).values("patient_id")
    return primary.order_by().union(enrolled.order_by(), in_groups.order_by())


def patient_visible_to(user, patient: Patient) -> bool:
    if _scope_is_everyone(user):
        return True  # patients are never deleted: no query needed
    if getattr(patient, "scoped_for", None) == user.pk:
        return True  # loaded through this user's scope while serving this request (the chart's patient)
    return patients_visible_to(user).filter(pk=patient.pk).exists()


@rule(Action.SEE_ALL_PATIENTS, message=OutOfScopeError.default_message, code="out_of_scope", error=OutOfScopeError)
def _sees_all_patients(user, obj=None) -> bool:
    return _scope_is_everyone(user)


@rule(
    Action.RUN_SESSION,
    message="You can {doing} only for sessions you run or for patients in your caseload.",
    code="out_of_scope",
    requires=(Action.CLINICAL_WORK,),
    doing="record attendance",
)
def _runs_session(user, session: TherapySession) -> bool:
    """Who takes a session's attendance and writes its notes (clinicians only, the rule requires): a supervisor
    any session; a counselor the sessions they facilitate and the booked sessions of patients in their caseload."""
    if user.role == Role.SUPERVISOR or session.facilitator_id == user.pk:
        return True
    return session.patient_id is not None and patient_visible_to(user, session.patient)


def may_run_session(user, session: TherapySession) -> bool:
    return policy.allows(user, Action.RUN_SESSION, session)


@rule(
    Action.ADD_TO_NOTE,
    message="You can {doing} only for sessions you run or notes you wrote about patients in your caseload.",
    code="out_of_scope",
    requires=(Action.CLINICAL_WORK,),
    doing="add to progress notes",
)
def _adds_to_note(user, note: ProgressNote) -> bool:
    """Who adds an addendum to a note: whoever may run its session (a supervisor, the facilitator, the counselor of
    the booked patient), and its author while the patient is still in their scope. (Loads nothing when the note
    comes with its session, and the patient through the user's scope.)"""
    attendance = note.attendance
    if _runs_session(user, attendance.session):
        return True
    return note.author_id == user.pk and patient_visible_to(user, attendance.patient)


@rule(
    Action.CANCEL_SESSION,
    message="Counselors cancel their own sessions; ask the front desk or a supervisor.",
    code="not_own",
)
def _cancels_session(user, session: TherapySession) -> bool:
    """Counselors cancel only the sessions they run; front desk and supervisors any."""
    return user.role != Role.COUNSELOR or session.facilitator_id == user.pk


@rule(
    Action.KEEP_ROSTER,
    message="Only {obj.facilitator} or a clinical supervisor manages the roster of {obj.title}.",
    code="not_facilitator",
    error=OutOfScopeError,
    requires=(Action.CLINICAL_WORK,),
    doing="manage group rosters",
)
def _keeps_roster(user, group: TherapyGroup) -> bool:
    """Rosters are clinical: a supervisor manages any group's, a counselor their own groups'. (The patient joining
    or leaving must be in the user's scope too: the services check it, since joining widens who may see them.)"""
    return user.role != Role.COUNSELOR or group.facilitator_id == user.pk


def register() -> None:
    """Called from SessionsConfig.ready(); the rules above registered themselves on import."""
    policy.register_scope(patients=patients_visible_to, patient=patient_visible_to)
