from django.db.models import Q, QuerySet

from clinic.models import Role
from patients.models import Patient


def patients_visible_to(user) -> QuerySet[Patient]:
    """The patients a staff member may see. Counselors see their own caseload: patients whose primary
    counselor they are, or whose active enrollment they carry. Everyone else sees all patients."""
    patients = Patient.objects.all()
    if user.role == Role.COUNSELOR and not user.is_superuser:
        # The reverse lookup names the enrollments relation without importing programs.
        patients = patients.filter(
            Q(primary_counselor=user) | Q(enrollments__counselor=user, enrollments__status="active")
        ).distinct()
    return patients
