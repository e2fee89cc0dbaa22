"""Treatment plans in the admin: read-only (plans change only through plans/services.py), for clinicians, scoped to
the patients the user may see, and audited like every admin page that shows patients."""

from django.contrib import admin

from clinic.admin_helpers import ClinicalContentMixin
from patients.admin import PatientScopedMixin, ReadOnlyAdmin
from plans.models import DeferredDimension, Intervention, Problem, TreatmentPlan


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return True  # shown only inside a plan's page, which the plan's admin has already allowed

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProblemInline(ReadOnlyInline):
    model = Problem
    fields = readonly_fields = ["dimension", "severity", "description"]


class InterventionInline(ReadOnlyInline):
    model = Intervention
    fields = readonly_fields = ["what", "frequency", "who_role", "who_user", "group"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("who_user", "group")


class DeferredInline(ReadOnlyInline):
    model = DeferredDimension
    fields = readonly_fields = ["dimension", "reason"]


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(ClinicalContentMixin, PatientScopedMixin, ReadOnlyAdmin):
    patient_lookup = "enrollment__patient"
    list_display = ["__str__", "patient", "program", "signed_at", "cosigned_at"]
    list_filter = ["status"]
    search_fields = ["=enrollment__patient__mrn"]
    search_help_text = "A patient's MRN."
    list_select_related = ["enrollment__patient", "enrollment__program"]
    fields = [
        "enrollment",
        "version",
        "previous",
        "status",
        "created_on",
        "created_by",
        "signed_by",
        "signed_at",
        "patient_agreed_on",
        "agreement_method",
        "agreement_recorded_by",
        "cosigned_by",
        "cosigned_at",
    ]
    inlines = [ProblemInline, InterventionInline, DeferredInline]

    @admin.display(description="Patient")
    def patient(self, plan):
        return plan.enrollment.patient

    @admin.display(description="Program")
    def program(self, plan):
        return plan.enrollment.program
