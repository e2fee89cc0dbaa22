"""The staff's patient list: search and filters over the patients a user may see."""

from collections.abc import Mapping

from django.db.models import OuterRef, Subquery

from clinic.policy import patients_visible_to
from programs.filters import PatientFilter
from programs.models import Enrollment, EnrollmentStatus


def patients_search(*, user, params: Mapping[str, str] | None) -> PatientFilter:
    """The patients `user` may see, in name order, each with the program and level of care of their current
    enrollment (`program_name`, `level`), filtered by `params` (PatientFilter's fields; none: everyone). The
    filter set's `qs` is the list, in two queries a page (count and rows); its `form` shows the filters given."""
    current = Enrollment.objects.filter(patient=OuterRef("pk"), status=EnrollmentStatus.ACTIVE)
    patients = (
        patients_visible_to(user)
        .select_related("primary_counselor")
        .annotate(
            program_name=Subquery(current.values("program__name")[:1]),
            level=Subquery(current.values("program__level_of_care")[:1]),
        )
        .order_by("legal_last_name", "legal_first_name", "pk")
    )
    return PatientFilter(params or None, queryset=patients)
