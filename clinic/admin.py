import csv
import json

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpResponse

from clinic.audit import audit_record
from clinic.models import AuditEvent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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

    # Administrators manage staff and roles without being superusers, so they must not become one: only a superuser
    # grants or changes superuser accounts, and nobody widens their own role or access.
    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("is_superuser")
            if obj is not None and obj.pk == request.user.pk:
                readonly += ["role", "is_staff", "is_active", "groups"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
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
