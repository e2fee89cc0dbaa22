"""Filters over patients and their enrollments, declared once (django-filter) for any list that needs them."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from clinic.counselors import CounselorField
from clinic.levels import LevelOfCare
from patients.models import Patient, fold
from programs.models import Enrollment, EnrollmentStatus, Program

ACTIVE = EnrollmentStatus.ACTIVE


class CounselorFilter(django_filters.Filter):
    """A counselor typed into a picker (or an id from a link), not chosen from a list of every clinician."""

    field_class = CounselorField


def _in_care():
    return Exists(Enrollment.objects.filter(patient=OuterRef("pk"), status=ACTIVE))


class PatientFilter(django_filters.FilterSet):
    """Patients by name or MRN, by the program or level of their current enrollment, by primary counselor and by
    whether they are in care. A bad value in any filter filters nothing: the whole list shows, not a part of it
    chosen by the other filters."""

    q = django_filters.CharFilter(label="Name or MRN", method="by_name_or_mrn")
    program = django_filters.ModelChoiceFilter(
        queryset=Program.objects.order_by("name"), label="Program", empty_label="Any program", method="in_program"
    )
    level = django_filters.ChoiceFilter(
        choices=LevelOfCare.choices, label="Level", empty_label="Any level", method="at_level"
    )
    counselor = CounselorFilter(field_name="primary_counselor", label="Counselor", empty_label="Any counselor")
    status = django_filters.ChoiceFilter(
        choices=[("active", "In care"), ("ended", "Not in care")],
        label="Status",
        empty_label="Any status",
        method="by_care",
    )

    class Meta:
        model = Patient
        fields = []  # only the filters declared above

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.form.is_valid() else queryset

    def by_name_or_mrn(self, queryset, name, text):
        """An MRN exactly, or every word of a name somewhere in the patient's names, accents and case ignored:
        "jose garcia" finds José García, "GARCÍA" finds Garcia. Matched against the folded `search_name`, which a
        trigram index serves on PostgreSQL."""
        words = fold(text).split()
        by_name = Q(*(Q(search_name__contains=word) for word in words)) if words else Q(pk__in=[])
        return queryset.filter(Q(mrn=text.strip()) | by_name)

    def in_program(self, queryset, name, program):
        return queryset.filter(enrollments__program=program, enrollments__status=ACTIVE)

    def at_level(self, queryset, name, level):
        return queryset.filter(enrollments__program__level_of_care=level, enrollments__status=ACTIVE)

    def by_care(self, queryset, name, status):
        return queryset.filter(_in_care() if status == "active" else ~_in_care())
