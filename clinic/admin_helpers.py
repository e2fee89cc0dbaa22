"""Admin plumbing shared by the apps."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import ERROR_FLAG
from django.db import models, transaction
from django.utils.html import format_html
from django.utils.translation import gettext as _

from clinic import policy
from clinic.admin_lists import BoundedCountPaginator, CheckedChangeList
from clinic.audit import AuditAction, audit_record, audit_record_many
from clinic.errors import DomainError
from clinic.policy import Action


def patient_id_at(obj, lookup: str) -> int | None:
    """The id of the patient `lookup` ("patient", "attendance__patient", "pk" for a patient) leads to from `obj`,
    read from the loaded objects: the last hop reads the foreign key's id, so no query is made."""
    *path, last = lookup.split("__")
    for name in path:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj.pk if last == "pk" else getattr(obj, f"{last}_id")


def patient_ids_at(objects, lookup: str | None) -> list[int]:
    if not lookup:
        return []
    return [pid for obj in objects if (pid := patient_id_at(obj, lookup)) is not None]


class ClinicAdminMixin:
    """What every admin of the project does.

    - A filter the admin cannot apply (a date out of range included) comes back to the list with a message, never
      a server error.
    - Each page that shows patients writes the audit trail (HIPAA access audit): a list page one "admin.list" row
      naming the ids of the patients it shows, a change or history page one "admin.view" / "admin.history" row per
      patient shown (the object's own and its inlines' rows). `patient_lookup` is the path from the model to its
      patient (None: the model shows none); an inline whose rows name patients sets its own `patient_lookup`.
      `list_shows_patients = False` for a list whose columns name no patient."""

    patient_lookup: str | None = None
    list_shows_patients = True
    # The list is filtered to the patients the user may see: a counselor's is as long as their caseload's rows.
    list_scoped_to_caseload = False
    # One screen of rows: a page of 100 rows of a dozen columns took longer to render than its queries took.
    list_per_page = 25
    paginator = BoundedCountPaginator

    def action_checkbox(self, obj):
        """Django's checkbox, written directly: rendering a form widget's template per row cost 0.3 ms a row."""
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def lists_a_caseload(self, request) -> bool:
        return self.list_scoped_to_caseload and not policy.sees_every_patient(request.user)

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        at_once = self.lists_a_caseload(request)
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, ids_at_once=at_once)

    def patient_ids_shown(self, request, objects) -> list[int]:
        return patient_ids_at(objects, self.patient_lookup)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 302 and response.get("Location", "").endswith(f"?{ERROR_FLAG}=1"):
            messages.error(
                request, "That filter could not be applied (is a date out of range?); showing the whole list."
            )
        elif response.status_code == 200 and self.list_shows_patients:
            changelist = (getattr(response, "context_data", None) or {}).get("cl")
            ids = self.patient_ids_shown(request, changelist.result_list) if changelist is not None else []
            if ids:
                audit_record(
                    actor=request.user,
                    action=AuditAction.ADMIN_LIST,
                    model=self.opts.label_lower,
                    patient_ids=sorted(set(ids)),
                )
        return response

    def _audit_object_page(self, request, response, action: AuditAction, obj_key: str):
        # A page sent back with form errors shows the record again: audited like a GET. (ServiceAdmin rolls back
        # inside changeform_view; this row is written after it, so it stays.)
        if response.status_code != 200:
            return
        context = getattr(response, "context_data", None) or {}
        obj = context.get(obj_key)
        if obj is None:
            return
        ids = self.patient_ids_shown(request, [obj])
        for inline_formset in context.get("inline_admin_formsets", []):
            forms = [form.instance for form in inline_formset.formset.initial_forms]
            ids += patient_ids_at(forms, getattr(inline_formset.opts, "patient_lookup", None))
        if ids:
            audit_record_many(
                actor=request.user, action=action, patient_ids=sorted(set(ids)), target=obj, model=self.opts.label_lower
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._audit_object_page(request, response, AuditAction.ADMIN_VIEW, "original")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._audit_object_page(request, response, AuditAction.ADMIN_HISTORY, "object")
        return response


class AuditedAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete: the patients it offers are shown like a list page's, and audited the same way
    ("admin.autocomplete" naming their ids). The search goes through the patient admin's own queryset, so it
    offers only the patients the user may see."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lookup = getattr(self.model_admin, "patient_lookup", None)
        if ids := patient_ids_at(context["object_list"], lookup):  # evaluates the page once; the answer reuses it
            audit_record(
                actor=self.request.user,
                action=AuditAction.ADMIN_AUTOCOMPLETE,
                model=self.model_admin.opts.label_lower,
                patient_ids=sorted(set(ids)),
            )
        return context


class ClinicalContentMixin:
    """Attendance detail, notes and absence reviews are clinical: only counselors and supervisors see them (and a
    superuser, whose every view is audited), whatever permissions a role's group was given."""

    def _may_see_clinical(self, request) -> bool:
        return policy.allows(request.user, Action.SEE_CLINICAL_IN_ADMIN)

    def has_module_permission(self, request):
        return self._may_see_clinical(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._may_see_clinical(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_see_clinical(request) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, *args, **kwargs):
        return self._may_see_clinical(request) and super().has_add_permission(request, *args, **kwargs)


class ServiceAdmin(ClinicAdminMixin, admin.ModelAdmin):
    """A ModelAdmin whose saves go through a service, so the admin keeps the same rules and audit trail as the
    rest of the system. `perform()` runs once the form and the model validate: a DomainError becomes a form error.
    The whole request is one transaction, rolled back whenever the form comes back with errors, so a page that
    shows an error has saved nothing."""

    # Video links are https; this is also Django 6's default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def perform(self, request, form, change: bool):
        """Call the service with form.cleaned_data and return the saved object."""
        raise NotImplementedError

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        model_admin = self

        class ServiceForm(form_class):
            def _post_clean(self):
                super()._post_clean()  # the model's own validation first: field errors where they belong
                if not self.errors:
                    try:
                        self.instance = model_admin.perform(request, self, change=obj is not None)
                    except DomainError as error:
                        self.add_error(None, error.message)

        return ServiceForm

    def changeform_view(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().changeform_view(request, *args, **kwargs)
            if request.method == "POST" and response.status_code != 302:
                transaction.set_rollback(True)
        return response

    def save_model(self, request, obj, form, change):
        pass  # perform() has saved it

    def has_delete_permission(self, request, obj=None):
        return False  # clinical records are closed, never deleted
