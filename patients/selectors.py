from django.db.models import Q, QuerySet

from clinic.errors import OutOfScopeError
from clinic.models import Role
from patients.models import Patient


def patients_visible_to(user) -> QuerySet[Patient]:
    """The patients a staff member may see. Counselors see their own caseload (patients whose primary counselor
    they are, or whose active enrollment they carry) and the members of the groups they facilitate. Everyone else
    sees all patients (a superuser too, but without notes: see `clinic.roles.is_clinician`)."""
    patients = Patient.objects.all()
    if user.role == Role.COUNSELOR and not user.is_superuser:
        # Reverse lookups name the relations of higher apps without importing them.
        patients = patients.filter(
            pk__in=Patient.objects.filter(
                Q(primary_counselor=user)
                | Q(enrollments__counselor=user, enrollments__status="active")
                | Q(group_memberships__group__facilitator=user, group_memberships__left_on__isnull=True)
            ).values("pk")
        )
    return patients


def patient_visible_to(user, patient: Patient) -> bool:
    """May this staff member see, and so act on, this patient's record?"""
    return patients_visible_to(user).filter(pk=patient.pk).exists()


def require_patient_visible(user, patient: Patient) -> None:
    """Services call this first: an id posted from any form (staff page or admin) is checked against the acting
    user's scope, not only the choices the form offered."""
    if not patient_visible_to(user, patient):
        raise OutOfScopeError()
