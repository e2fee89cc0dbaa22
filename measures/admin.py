"""The admin: an administrator configures each program's schedule of instruments; clinicians look up responses,
safety alerts and drug screens of the patients in their scope, read-only (answers never change after entry: a
correction is a new response entered through the service). Every page that shows patients is audited
(ClinicAdminMixin)."""

from django.contrib import admin

from clinic.admin_helpers import ClinicAdminMixin, ClinicalContentMixin
from measures.models import DrugScreen, DrugScreenResult, MeasureAnswer, MeasureResponse, MeasureSchedule, SafetyAlert
from patients.admin import PatientScopedMixin, ReadOnlyAdmin


@admin.register(MeasureSchedule)
class MeasureScheduleAdmin(ClinicAdminMixin, admin.ModelAdmin):
    list_display = ["program", "instrument", "at_admission", "every_days", "at_discharge"]
    list_filter = ["instrument", "program"]
    list_select_related = ["program"]
    list_shows_patients = False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MeasureAnswerInline(ReadOnlyInline):
    model = MeasureAnswer
    fields = readonly_fields = ["item", "value", "points"]


@admin.register(MeasureResponse)
class MeasureResponseAdmin(ClinicalContentMixin, PatientScopedMixin, ReadOnlyAdmin):
    list_display = ["administered_on", "instrument", "patient", "score", "severity", "entered_by"]
    list_filter = ["instrument", "severity"]
    search_fields = ["=patient__mrn"]
    search_help_text = "A patient's MRN."
    list_select_related = ["patient", "entered_by"]
    fields = [
        "patient",
        "enrollment",
        "instrument",
        "administered_on",
        "entered_by",
        "entered_at",
        "total",
        "use_score",
        "risk_score",
        "protective_score",
        "severity",
    ]
    inlines = [MeasureAnswerInline]


@admin.register(SafetyAlert)
class SafetyAlertAdmin(ClinicalContentMixin, PatientScopedMixin, ReadOnlyAdmin):
    list_display = ["raised_at", "patient", "followed_up_at", "followed_up_by"]
    list_filter = [("followed_up_at", admin.EmptyFieldListFilter)]
    search_fields = ["=patient__mrn"]
    search_help_text = "A patient's MRN."
    list_select_related = ["patient", "followed_up_by"]
    fields = ["patient", "response", "raised_at", "followed_up_by", "followed_up_at", "follow_up_note"]


class DrugScreenResultInline(ReadOnlyInline):
    model = DrugScreenResult
    fields = readonly_fields = ["substance", "result"]


@admin.register(DrugScreen)
class DrugScreenAdmin(ClinicalContentMixin, PatientScopedMixin, ReadOnlyAdmin):
    list_display = ["collected_at", "patient", "observed", "entered_by"]
    list_filter = ["observed"]
    search_fields = ["=patient__mrn"]
    search_help_text = "A patient's MRN."
    list_select_related = ["patient", "entered_by"]
    date_hierarchy = "collected_at"
    fields = ["patient", "enrollment", "collected_at", "observed", "note", "entered_by", "entered_at"]
    inlines = [DrugScreenResultInline]
