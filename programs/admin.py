from django import forms
from django.contrib import admin
from django.db.models import OuterRef

from clinic.admin_helpers import ClinicAdminMixin
from clinic.subqueries import per_row
from patients.admin import PatientScopedMixin, ReadOnlyAdmin
from programs.models import Approach, Enrollment, EnrollmentStatus, Program, Transition


class LeadHoursField(forms.CharField):
    """Reminder lead times typed as "24, 2" and stored as a list of whole hours."""

    def __init__(self, *, encoder=None, decoder=None, **kwargs):  # what JSONField.formfield() passes
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(hours) for hours in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError("Give whole hours separated by commas, for example 24, 2.") from None


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = [
            "name",
            "level_of_care",
            "site",
            "description",
            "approaches",
            "is_active",
            "capacity",
            "min_weekly_hours",
            "max_weekly_hours",
            "min_length_of_stay_days",
            "max_length_of_stay_days",
            "max_unexcused_absences",
            "reminder_lead_hours",
            "plan_due_days",
            "plan_review_days",
            "plan_needs_cosign",
        ]
        field_classes = {"reminder_lead_hours": LeadHoursField}
        help_texts = {
            "reminder_lead_hours": "Hours before each session, separated by commas, e.g. 24, 2. Leave empty for no "
            "reminders (patients in residential care live on site)."
        }


@admin.register(Approach)
class ApproachAdmin(ClinicAdminMixin, admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Program)
class ProgramAdmin(ClinicAdminMixin, admin.ModelAdmin):
    form = ProgramForm
    list_display = ["name", "level_of_care", "site", "capacity", "active_enrollments", "weekly_hours", "is_active"]
    list_filter = ["level_of_care", "site", "is_active", "approaches"]
    search_fields = ["name", "site"]
    filter_horizontal = ["approaches"]
    fieldsets = [
        (None, {"fields": ["name", "level_of_care", "site", "description", "approaches", "is_active"]}),
        (
            "Capacity and intensity",
            {
                "fields": [
                    "capacity",
                    ("min_weekly_hours", "max_weekly_hours"),
                    ("min_length_of_stay_days", "max_length_of_stay_days"),
                ]
            },
        ),
        ("Attendance and reminders", {"fields": ["max_unexcused_absences", "reminder_lead_hours"]}),
        ("Treatment plans", {"fields": [("plan_due_days", "plan_review_days"), "plan_needs_cosign"]}),
    ]

    def get_queryset(self, request):
        # Counted per program by a correlated subquery (an index probe on program and status each), not by
        # grouping every enrollment ever made, which the list's count and its site filter would each do again.
        active = Enrollment.objects.filter(program=OuterRef("pk"), status=EnrollmentStatus.ACTIVE)
        return super().get_queryset(request).annotate(active_count=per_row(active, "program"))

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: enrollments keep pointing at the program

    @admin.display(description="Active", ordering="active_count")
    def active_enrollments(self, program):
        return program.active_count

    @admin.display(description="Hours / week")
    def weekly_hours(self, program):
        low, high = program.weekly_hours_min, program.weekly_hours_max
        if low is None and high is None:
            return "-"
        if high is None:
            return f"{low:g} or more"
        return f"{low or 0:g} to {high:g}"


@admin.register(Enrollment)
class EnrollmentAdmin(PatientScopedMixin, ReadOnlyAdmin):
    list_display = [
        "id",
        "patient",
        "program",
        "status",
        "admitted_on",
        "discharged_on",
        "discharge_reason",
        "counselor",
    ]
    list_filter = ["status", "program", "discharge_reason"]
    search_fields = ["=patient__mrn"]
    list_select_related = ["patient", "program", "counselor"]
    date_hierarchy = "admitted_on"


@admin.register(Transition)
class TransitionAdmin(PatientScopedMixin, ReadOnlyAdmin):
    patient_lookup = "from_enrollment__patient"
    list_display = ["effective_on", "kind", "from_program", "to_program", "decided_by"]
    list_filter = ["kind"]
    list_select_related = ["from_enrollment__program", "to_enrollment__program", "decided_by"]

    @admin.display(description="From")
    def from_program(self, transition):
        return transition.from_enrollment.program

    @admin.display(description="To")
    def to_program(self, transition):
        return transition.to_enrollment.program
