"""Admin plumbing shared by the apps."""

import datetime
import functools

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Exists, Max, Min, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _

from clinic import policy
from clinic.audit import AuditAction, audit_record, audit_record_many
from clinic.errors import DomainError
from clinic.policy import Action


class IndexedDrillDown:
    """The date drill-down's periods (`dates()` / `datetimes()` by year, month or day) found through the date's
    index: the first and last date, then one query asking, for each period between them, whether a row falls in it
    (an index probe each). Django's own asks PostgreSQL for the distinct periods of every row, which reads the whole
    table: every session ever booked, to print a dozen month links."""

    MAX_PERIODS = 400  # a drill-down this wide (dates centuries apart) asks the database the plain way

    def aggregate(self, *args, **kwargs):
        """Asked once per queryset: the drill-down tag asks for the first and last date, then `dates()` does."""
        if args:
            return super().aggregate(*args, **kwargs)
        asked = self.__dict__.setdefault("_aggregates_asked", {})
        key = repr(sorted(kwargs.items()))
        if key not in asked:
            asked[key] = super().aggregate(**kwargs)
        return dict(asked[key])

    def dates(self, field_name, kind, order="ASC"):
        return self._periods(field_name, kind, order, None, lambda day: day) or super().dates(field_name, kind, order)

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        zone = tzinfo or timezone.get_current_timezone()

        def start(day):
            return datetime.datetime.combine(day, datetime.time(), tzinfo=zone)

        return self._periods(field_name, kind, order, zone, start) or super().datetimes(field_name, kind, order, tzinfo)

    def _periods(self, field_name, kind, order, zone, start):
        """The periods holding a row, or None to ask the plain way (an empty list when there are no rows)."""
        if kind not in ("year", "month", "day"):
            return None
        bounds = self.aggregate(first=Min(field_name), last=Max(field_name))
        if bounds["first"] is None:
            return []
        first, last = bounds["first"], bounds["last"]
        if zone is not None:
            first, last = timezone.localtime(first, zone).date(), timezone.localtime(last, zone).date()
        try:
            days = _period_starts(first, last, kind)
            edges = [start(day) for day in days] + [start(_next_period(days[-1], kind))]
        except (ValueError, OverflowError):  # the last period of year 9999 ends past Python's dates
            return None
        if len(days) > self.MAX_PERIODS:
            return None
        probes = {
            f"p{i}": Exists(self.filter(**{f"{field_name}__gte": edges[i], f"{field_name}__lt": edges[i + 1]}))
            for i in range(len(days))
        }
        held = next(iter(self.order_by().annotate(**probes).values(*probes)[:1]), {})  # one row of answers
        found = [edges[i] for i in range(len(days)) if held.get(f"p{i}")]
        return found if order == "ASC" else found[::-1]


def _period_starts(first: datetime.date, last: datetime.date, kind: str) -> list[datetime.date]:
    day = {"year": first.replace(month=1, day=1), "month": first.replace(day=1), "day": first}[kind]
    starts = []
    while day <= last and len(starts) <= IndexedDrillDown.MAX_PERIODS:
        starts.append(day)
        day = _next_period(day, kind)
    return starts


def _next_period(day: datetime.date, kind: str) -> datetime.date:
    if kind == "day":
        return day + datetime.timedelta(days=1)
    if kind == "month":
        return day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1)
    return day.replace(year=day.year + 1)


@functools.cache
def _drilling_down(queryset_class: type) -> type:
    return type(f"IndexedDrillDown{queryset_class.__name__}", (IndexedDrillDown, queryset_class), {})


def _indexed(field) -> bool:
    """Whether an index leads with `field`: its own, or one of the model's (a partial one answers only some rows)."""
    if field.db_index or field.unique or field.primary_key:
        return True
    return any(
        index.fields and index.fields[0].lstrip("-") == field.name and index.condition is None
        for index in field.model._meta.indexes
    )


class CheckedChangeList(ChangeList):
    """A list whose date drill-down (`?at__year=99999999999`, `__year=9999&__month=12`) cannot overflow Python's
    dates into a server error: a date out of range is a bad filter, which the admin answers by going back to the
    unfiltered list."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        hierarchy = self.model_admin.date_hierarchy
        # A caseload's few hundred rows are quicker asked the plain way than probed period by period.
        if (
            hierarchy
            and "__" not in hierarchy
            and _indexed(self.model._meta.get_field(hierarchy))
            and not self.model_admin.lists_a_caseload(request)
        ):
            queryset = queryset._clone()
            queryset.__class__ = _drilling_down(type(queryset))
        return queryset

    def get_results(self, request):
        try:
            super().get_results(request)  # counts the rows: the first query the filters reach
        except OverflowError as error:  # a date in range here but not in UTC, e.g. year 1 east of Greenwich
            raise IncorrectLookupParameters(error) from error


class AtLeast(int):
    """A count that stopped at a bound: prints as "10000+" (and pluralizes as a number)."""

    def __str__(self) -> str:
        return f"{int(self)}+"


class BoundedCountPaginator(Paginator):
    """Counts at most COUNT_BOUND rows, then says "10000+": PostgreSQL cannot count a table without reading all of
    it, so the exact total of half a million notes cost more than the rest of the page. Past the bound the pages
    run to the bound; a filter, a search, the date drill-down or the other sort order reaches the rest.

    With `ids_at_once` (a list no longer than a caseload's rows) one query reads every id in the list's order,
    which gives the count, then the page's rows are read by id with their joins: counting apart would read the
    same rows twice, and a counselor's list of notes otherwise joined each of their few thousand notes to its
    session, group, patient and author, to keep 25."""

    COUNT_BOUND = 10_000

    def __init__(self, *args, ids_at_once: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.ids_at_once = ids_at_once and isinstance(self.object_list, QuerySet)

    @cached_property
    def _all_ids(self) -> list:
        return list(self.object_list.values_list("pk", flat=True)[: self.COUNT_BOUND + 1])

    @cached_property
    def count(self) -> int:
        if self.ids_at_once:
            rows = len(self._all_ids)
        else:
            rows = self.object_list.order_by().values("pk")[: self.COUNT_BOUND + 1].count()
        return rows if rows <= self.COUNT_BOUND else AtLeast(self.COUNT_BOUND)

    def page(self, number):
        page = super().page(number)
        if self.ids_at_once:
            ids = self._all_ids[page.start_index() - 1 : page.end_index()] if self.count else []
            page.object_list = self.object_list.filter(pk__in=ids)  # in the list's order
        return page


def sees_every_patient(user) -> bool:
    return policy.allows(user, Action.SEE_ALL_PATIENTS)


def only_visible_patients(queryset, user, lookup: str = "patient"):
    """The rows of `queryset` whose patient (at `lookup`, e.g. "attendance__patient") the user may see. A user who
    sees every patient gets the queryset as it is: `patient IN (every patient)` filters nothing, yet makes
    PostgreSQL join every row to the patients before it can count or sort."""
    if sees_every_patient(user):
        return queryset
    return queryset.filter(**{f"{lookup}__in": policy.visible_patient_ids(user)})


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
        return self.list_scoped_to_caseload and not sees_every_patient(request.user)

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
