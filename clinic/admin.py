import csv
import itertools
import json
from collections import defaultdict

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import StreamingHttpResponse

from clinic.admin_helpers import AuditedAutocompleteJsonView, ClinicAdminMixin
from clinic.audit import AuditAction, audit_record
from clinic.models import AuditEvent, AuditEventPatient, User

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: a leading quote keeps a user name like "=HYPERLINK(...)" inert."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


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


def _patient_ids(event: AuditEvent) -> str:
    """The event's patient, or the patients a list page showed, space-separated (prefetched)."""
    if event.patient_id is not None:
        return str(event.patient_id)
    return " ".join(str(row.patient_id) for row in event.patients.all())


class _Line:
    """A file for csv.writer that hands back the line it was given, so each row can be yielded as written."""

    def write(self, line: str) -> str:
        return line


_EXPORT_CHUNK = 2000
_EXPORTED = ["id", "at", "actor__username", "action", "patient_id", "object_type", "object_id", "ip_address", "detail"]


def _csv_lines(events):
    """The CSV's lines, read in chunks of plain tuples (no model instances: 200,000 of them cost more than the SQL),
    with the patients of each chunk's list events in one query."""
    writer = csv.writer(_Line())
    yield writer.writerow(
        ["time (UTC)", "user", "action", "patient id", "object type", "object id", "ip address", "detail"]
    )
    rows = events.values_list(*_EXPORTED).iterator(chunk_size=_EXPORT_CHUNK)
    while chunk := list(itertools.islice(rows, _EXPORT_CHUNK)):
        listed = defaultdict(list)
        shown = AuditEventPatient.objects.filter(event_id__in=[row[0] for row in chunk if row[4] is None])
        for event_id, patient_id in shown.order_by("id").values_list("event_id", "patient_id"):
            listed[event_id].append(str(patient_id))
        for event_id, at, username, action, patient_id, object_type, object_id, ip_address, detail in chunk:
            patients = str(patient_id) if patient_id is not None else " ".join(listed[event_id])
            yield writer.writerow(
                _csv_cell(cell)
                for cell in [
                    at.isoformat(),
                    username or "",
                    action,
                    patients,
                    object_type,
                    object_id,
                    ip_address or "",
                    json.dumps(detail, sort_keys=True),
                ]
            )


@admin.register(AuditEvent)
class AuditEventAdmin(ClinicAdminMixin, admin.ModelAdmin):
    """Read-only: the trail is append-only for everybody, administrators included."""

    list_display = ["at", "actor", "action_code", "patients", "object_type", "object_id", "ip_address"]
    # The filter names each AuditAction; the column shows its stored code, which the search and the export use.
    # Users are found by the search, not listed as a filter: a link per user who ever acted grows with the clinic,
    # and finding them read the whole trail on every page.
    list_filter = ["action", "at"]
    search_fields = ["=patient_id", "actor__username", "action"]
    search_help_text = "A patient id (finds the lists that showed them too), a user name or an action (patient.view)."
    date_hierarchy = "at"
    list_select_related = ["actor"]
    show_full_result_count = False  # the trail only grows: a search should not count all of it again
    actions = ["export_csv"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("patients")

    def get_search_results(self, request, queryset, search_term):
        """A patient id also finds the list pages (dashboard, search results, schedule, roster) that showed them."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term.isdigit() and int(term) < 2**63:
            results |= queryset.about_patient(int(term))
        return results, may_have_duplicates

    @admin.display(description="action", ordering="action")
    def action_code(self, event):
        return event.action

    @admin.display(description="patient ids")
    def patients(self, event):
        return _patient_ids(event) or "-"

    @admin.action(description="Export the selected rows as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        """The trail as CSV for an auditor; choose "select all" to export every row the filters match. Streamed:
        rows are read from the database in chunks and sent as they are written, so neither the file nor the
        events are ever held in memory whole."""
        # Recorded first, so an export cut short is on the trail too; the file is the trail as it stood then.
        export = audit_record(actor=request.user, action=AuditAction.AUDIT_EXPORT, rows=queryset.count())
        rows = queryset.filter(pk__lt=export.pk).prefetch_related(None).order_by("at", "id")
        response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
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
