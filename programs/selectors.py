"""Reads of programs and enrollments."""

from patients.models import Patient
from programs.models import Enrollment, EnrollmentStatus


def enrollment_current(patient: Patient) -> Enrollment | None:
    """The patient's active enrollment (at most one: the database sees to it), with its program."""
    return Enrollment.objects.filter(patient=patient, status=EnrollmentStatus.ACTIVE).select_related("program").first()
