from django.contrib import admin, messages

from clinic.audit import audit_record
from patients.models import Patient
from patients.selectors import patients_visible_to
from patients.services import (
    EDITABLE_FIELDS,
    PatientError,
    patient_give_reminder_consent,
    patient_register,
    patient_revoke_reminder_consent,
    patient_update,
)


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = [
        "mrn",
        "legal_last_name",
        "legal_first_name",
        "date_of_birth",
        "primary_counselor",
        "needs_withdrawal_management",
        "intake_date",
    ]
    list_filter = ["needs_withdrawal_management", "recommended_level", "primary_counselor"]
    search_fields = ["=mrn", "legal_last_name", "legal_first_name", "preferred_name"]
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
        return patients_visible_to(request.user).select_related("primary_counselor")

    def has_delete_permission(self, request, obj=None):
        return False  # clinical records are closed, never deleted

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200 and object_id.isdigit():
            audit_record(actor=request.user, action="patient.view", patient_id=int(object_id))
        return response

    def save_model(self, request, obj, form, change):
        # Writes go through the services, so that every change is validated and audited the same way.
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS}
        if change:
            patient_update(acting_user=request.user, patient=obj, **fields)
        else:
            fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name in EDITABLE_FIELDS}
            saved = patient_register(acting_user=request.user, **fields)
            obj.pk, obj.mrn = saved.pk, saved.mrn

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
