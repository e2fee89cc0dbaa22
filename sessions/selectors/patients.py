"""The staff's patient list: search and filters over the patients a user may see."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.forms import Form

from clinic.policy import patients_visible_to
from programs.filters import PatientFilter
from programs.models import Enrollment, EnrollmentStatus

PAGE_SIZE = 25


@dataclass
class PatientList:
    form: Form  # the filters given, with their errors
    page: Page  # of patients, each with `program_name` and `level` of their current enrollment (None: not in care)


def patients_search(*, user, params: Mapping[str, str] | None) -> PatientFilter:
    """The patients `user` may see, in name order, filtered by `params` (PatientFilter's fields; none: everyone).
    The filter set's `qs` is the list; its `form` shows the filters given."""
    patients = (
        patients_visible_to(user)
        .select_related("primary_counselor")
        .order_by("legal_last_name", "legal_first_name", "pk")
    )
    return PatientFilter(params or None, queryset=patients)


def patients_list(*, user, params: Mapping[str, str] | None, page: str | int | None) -> PatientList:
    """Page `page` of `patients_search`, PAGE_SIZE a page, each patient with the program and level of care of their
    current enrollment. Three queries (the count, the page's rows, their enrollments): the current program and the
    counselor are looked up for the page's rows only, so a deep page does not evaluate them for every row it skips."""
    found = patients_search(user=user, params=params)
    # Page through bare ids (the skipped rows need no join), then load the page's rows in the same query.
    one_page = Paginator(found.qs.values_list("pk", flat=True), PAGE_SIZE).get_page(page)
    patients = list(found.qs.filter(pk__in=one_page.object_list))
    current = {
        patient_id: (name, level)
        for patient_id, name, level in Enrollment.objects.filter(
            patient__in=patients, status=EnrollmentStatus.ACTIVE
        ).values_list("patient_id", "program__name", "program__level_of_care")
    }
    for patient in patients:
        patient.program_name, patient.level = current.get(patient.pk, (None, None))
    one_page.object_list = patients
    return PatientList(form=found.form, page=one_page)
