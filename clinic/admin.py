import csv
import json

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpResponse

from clinic.admin_helpers import AuditedAutocompleteJsonView, ClinicAdminMixin
from clinic.audit import audit_record
from clinic.models import AuditEvent, User


@admin.register(User)
class UserAdmin(ClinicAdminMixin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_superuser"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "credentials", "email"]}),
        ("Role and access", {"fields": ["role", "is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "first_name", "last_name", "role", "password1", "password2"]}),
    ]


@admin.register(AuditEvent)
class AuditEventAdmin(ClinicAdminMixin, admin.ModelAdmin):
    """Read-only: the trail is append-only for everybody, administrators included."""

    list_display = ["at", "actor", "action", "patient_id", "object_type", "object_id", "ip_address"]
    list_filter = [("actor", admin.RelatedOnlyFieldListFilter), "action", "at"]
    search_fields = ["=patient_id", "actor__username", "action"]
    search_help_text = "A patient id, a user name or an action (e.g. patient.view)."
    date_hierarchy = "at"
    list_select_related = ["actor"]
    actions = ["export_csv"]

    @admin.action(description="Export the selected rows as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        """The trail as CSV for an auditor; choose "select all" to export every row the filters match."""
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        writer = csv.writer(response)
        writer.writerow(["time (UTC)", "user", "action", "patient id", "object type", "object id", "ip address",
                         "detail"])  # fmt: skip
        for event in queryset.select_related("actor").order_by("at", "id").iterator(chunk_size=2000):
            writer.writerow([
                event.at.isoformat(), event.actor.username if event.actor else "", event.action, event.patient_id or "",
                event.object_type, event.object_id, event.ip_address or "", json.dumps(event.detail, sort_keys=True),
            ])  # fmt: skip
        audit_record(actor=request.user, action="audit.export", rows=queryset.count())
        return response

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The autocomplete answers with patients' names: audited like the lists (read when the admin builds its URLs).
admin.site.autocomplete_view = AuditedAutocompleteJsonView.as_view(admin_site=admin.site)

# The login-lockout admins (django-axes) drill down by date too: they get the same guard as ours.
for model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model) and not isinstance(admin.site.get_model_admin(model), ClinicAdminMixin):
        axes_admin = type(admin.site.get_model_admin(model))
        admin.site.unregister(model)
        admin.site.register(model, type(axes_admin.__name__, (ClinicAdminMixin, axes_admin), {}))
