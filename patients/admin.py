from django.contrib import admin, messages
from django.http import Http404

from clinic import policy
from clinic.admin_helpers import ClinicAdminMixin, ServiceAdmin
from patients.models import Patient
from patients.services import (
    EDITABLE_FIELDS,
    PatientError,
    patient_give_reminder_consent,
    patient_register,
    patient_revoke_reminder_consent,
    patient_update,
)


class PatientScopedMixin:
    """Lists and pages only for the patients the user may see (a counselor: their caseload); any other patient's
    record is "not found", and a form offers (and accepts) only those patients. Set `patient_lookup` to the path
    from the model to its patient."""

    patient_lookup = "patient"
    list_scoped_to_caseload = True
    # Rows per patient: a filtered list would count the whole table again just to print "(N total)".
    show_full_result_count = False

    def get_queryset(self, request):
        return policy.in_scope(super().get_queryset(request), request.user, self.patient_lookup)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Patient:
            # A posted id outside the scope gets "Select a valid choice", whatever the widget offered.
            kwargs["queryset"] = policy.patients_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404  # a record outside the user's scope is not found, as on the staff pages


class ReadOnlyAdmin(ClinicAdminMixin, admin.ModelAdmin):
    """Shown in the admin, changed only through the services that hold the clinical rules."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Patient)
class PatientAdmin(ServiceAdmin):
    patient_lookup = "pk"
    list_scoped_to_caseload = True
    show_full_result_count = False  # a search would count every patient again for "(N total)"
    list_display = [
        "mrn",
        "legal_last_name",
        "legal_first_name",
        "date_of_birth",
        "primary_counselor",
        "needs_withdrawal_management",
        "intake_date",
    ]
    # Counselors are searched by user name, not listed as a filter: a link per clinician grows with the clinic.
    list_filter = ["needs_withdrawal_management", "recommended_level"]
    search_fields = ["=mrn", "legal_last_name", "legal_first_name", "preferred_name", "=primary_counselor__username"]
    list_select_related = ["primary_counselor"]
    readonly_fields = ["mrn", "reminder_consent_given_at", "reminder_consent_revoked_at"]
    fieldsets = [
        ("Identity", {"fields": ["mrn", ("legal_first_name", "legal_last_name"), "preferred_name", "date_of_birth"]}),
        ("Contact", {"fields": ["email", "phone"]}),
        ("Care", {"fields": ["primary_counselor", "intake_date"]}),
        (
            "Intake screening",
            {
                "fields": [
                    "needs_withdrawal_management",
                    "asam_d1_withdrawal",
                    "asam_d2_biomedical",
                    "asam_d3_emotional",
                    "asam_d4_readiness",
                    "asam_d5_relapse",
                    "asam_d6_environment",
                    "recommended_level",
                ]
            },
        ),
        ("Reminder consent", {"fields": ["reminder_consent_given_at", "reminder_consent_revoked_at"]}),
    ]
    actions = ["record_reminder_consent", "revoke_reminder_consent"]

    def get_queryset(self, request):
        return policy.patients_visible_to(request.user).select_related("primary_counselor")

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404  # a patient outside the user's scope is not found, as on the staff pages

    def perform(self, request, form, change):
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS}
            return patient_update(acting_user=request.user, patient=form.instance, **fields)
        fields = {name: value for name, value in form.cleaned_data.items() if name in EDITABLE_FIELDS}
        return patient_register(acting_user=request.user, **fields)

    def _each(self, request, queryset, service, done: str):
        changed = 0
        for patient in queryset:
            try:
                service(acting_user=request.user, patient=patient)
                changed += 1
            except PatientError as error:
                self.message_user(request, f"MRN {patient.mrn}: {error}", messages.ERROR)
        if changed:
            self.message_user(request, f"{done} for {changed} patient{'s' if changed != 1 else ''}.")

    @admin.action(description="Record consent to reminder emails", permissions=["change"])
    def record_reminder_consent(self, request, queryset):
        self._each(request, queryset, patient_give_reminder_consent, "Reminder consent recorded")

    @admin.action(description="Revoke consent to reminder emails", permissions=["change"])
    def revoke_reminder_consent(self, request, queryset):
        self._each(request, queryset, patient_revoke_reminder_consent, "Reminder consent revoked")
