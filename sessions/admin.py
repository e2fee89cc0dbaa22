from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AdminTimeWidget, AutocompleteSelect
from django.db.models import OuterRef, Q
from django.utils import timezone

from clinic import policy
from clinic.admin_helpers import ClinicalContentMixin, ServiceAdmin
from clinic.policy import Action
from clinic.subqueries import per_row
from patients.admin import PatientScopedMixin, ReadOnlyAdmin
from programs.models import EnrollmentStatus
from sessions.forms import BookingForm
from sessions.models import (
    AbsenceReview,
    Attendance,
    GroupMembership,
    ProgressNote,
    Reminder,
    TherapyGroup,
    TherapySession,
    Weekday,
)
from sessions.models.attendance import ATTENDED
from sessions.services.counseling import counseling_book
from sessions.services.groups import GROUP_FIELDS, group_create, group_update, membership_add, membership_end


class WeekdaysField(forms.TypedMultipleChoiceField):
    """The group's weekdays as checkboxes, stored as a list of ISO weekday numbers."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, encoder=None, decoder=None, **kwargs):  # what JSONField.formfield() passes
        kwargs.pop("max_length", None)
        super().__init__(choices=Weekday.choices, coerce=int, **kwargs)


class TherapyGroupForm(forms.ModelForm):
    video_link = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = TherapyGroup
        fields = sorted(GROUP_FIELDS)
        field_classes = {"weekdays": WeekdaysField}


class MembershipInline(admin.TabularInline):
    """The roster's history; people join and leave through the membership pages."""

    model = GroupMembership
    fields = ["patient", "joined_on", "left_on", "enrollment_status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    patient_lookup = "patient"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Another counselor's group shows only the members this user may see. Each row prints the membership
        # (`__str__` names its group): the group comes in the same query, not one query per row.
        return policy.in_scope(super().get_queryset(request), request.user).select_related(
            "group", "patient", "enrollment"
        )

    @admin.display(description="Enrollment")
    def enrollment_status(self, membership):
        return membership.enrollment.get_status_display()


@admin.register(TherapyGroup)
class TherapyGroupAdmin(ServiceAdmin):
    form = TherapyGroupForm
    list_display = ["title", "program", "facilitator", "schedule", "members", "capacity", "is_active"]
    list_filter = ["program", "is_active"]  # facilitators by user name: a link per clinician grows with the clinic
    search_fields = ["title", "topic", "=facilitator__username"]
    list_select_related = ["program", "facilitator"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["program", "title", "topic", "facilitator", "is_active"]}),
        (
            "Weekly schedule (clinic time)",
            {
                "fields": [
                    "weekdays",
                    ("start_time", "duration_minutes"),
                    ("starts_on", "ends_on"),
                ]
            },
        ),
        ("Place", {"fields": ["location", "video_link"]}),
        ("Roster and billing", {"fields": ["capacity", "billing_code"]}),
    ]

    def get_queryset(self, request):
        # Counted per group by a correlated subquery, so PostgreSQL counts the rosters of the page only (a grouped
        # Count joins every membership ever made before the sort and the LIMIT, and again for the list's count).
        live = GroupMembership.objects.filter(
            group=OuterRef("pk"), left_on__isnull=True, enrollment__status=EnrollmentStatus.ACTIVE
        )
        return super().get_queryset(request).annotate(member_count=per_row(live, "group"))

    def perform(self, request, form, change):
        fields = {name: form.cleaned_data[name] for name in GROUP_FIELDS if name in form.cleaned_data}
        if change:
            return group_update(acting_user=request.user, group=form.instance, **fields)
        return group_create(acting_user=request.user, **fields)

    @admin.display(description="Meets")
    def schedule(self, group):
        return group.schedule_display

    @admin.display(description="Members", ordering="member_count")
    def members(self, group):
        return group.member_count


@admin.register(GroupMembership)
class GroupMembershipAdmin(PatientScopedMixin, ServiceAdmin):
    """Adding puts a patient on a roster (enrolled in the program, within capacity); changing records when they
    left."""

    list_display = ["group", "patient", "joined_on", "left_on"]
    list_filter = ["group__program"]  # groups are searched by title: a link per group grows with the clinic
    list_select_related = ["group", "patient"]
    autocomplete_fields = ["patient", "group"]
    search_fields = ["=patient__mrn", "group__title"]
    search_help_text = "A patient's MRN or part of the group's title."

    def get_fields(self, request, obj=None):
        return ["left_on"] if obj else ["group", "patient", "joined_on"]

    def get_readonly_fields(self, request, obj=None):
        return ["group", "patient", "joined_on"] if obj else []

    def get_changeform_initial_data(self, request):
        return {"joined_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def perform(self, request, form, change):
        data = form.cleaned_data
        if change:
            return membership_end(acting_user=request.user, membership=form.instance, left_on=data["left_on"])
        return membership_add(
            acting_user=request.user, group=data["group"], patient=data["patient"], joined_on=data["joined_on"]
        )


class AttendanceInline(ClinicalContentMixin, admin.TabularInline):
    model = Attendance
    fields = ["patient", "status", "minutes_attended", "recorded_by", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    patient_lookup = "patient"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return policy.in_scope(super().get_queryset(request), request.user).select_related("patient", "recorded_by")


@admin.register(TherapySession)
class TherapySessionAdmin(ServiceAdmin):
    """The schedule. Adding books counseling (groups' sessions come from their schedule); sessions are not edited
    here."""

    list_display = [
        "starts_at",
        "kind",
        "title",
        "program",
        "facilitator",
        "duration_minutes",
        "status",
        "billing_code",
        "participants",
    ]
    list_filter = ["kind", "status", "program", "billing_code"]
    date_hierarchy = "starts_at"
    list_select_related = ["group", "program", "facilitator"]
    inlines = [AttendanceInline]
    patient_lookup = "patient"
    list_shows_patients = False  # the schedule names no patient
    show_full_result_count = False  # every session ever booked: not worth a second count under a filter

    def get_queryset(self, request):
        # Counted per row by a correlated subquery, so PostgreSQL counts only the sessions of the page (a grouped
        # Count would group every session before the LIMIT, and the date drill-down would run it again). A
        # counselor counts only the attendance of patients they may see.
        attended = Attendance.objects.filter(session=OuterRef("pk"), status__in=ATTENDED)
        attended = policy.in_scope(attended, request.user)
        return super().get_queryset(request).annotate(participant_count=per_row(attended, "session"))

    def get_list_display(self, request):
        # Attendance is clinical: front desk and administrators see only whether a session is scheduled, held or
        # cancelled.
        shown = super().get_list_display(request)
        if policy.allows(request.user, Action.SEE_CLINICAL_IN_ADMIN):
            return shown
        return [name for name in shown if name != "participants"]

    def _patient_hidden(self, request, obj) -> bool:
        return bool(obj and obj.patient_id) and obj.patient_id not in policy.visible_among(
            request.user, {obj.patient_id}
        )

    def get_exclude(self, request, obj=None):
        # Another counselor's individual session shows when and who facilitates it, not with whom.
        return ["patient", "enrollment"] if self._patient_hidden(request, obj) else super().get_exclude(request, obj)

    def patient_ids_shown(self, request, objects):
        if any(self._patient_hidden(request, obj) for obj in objects):
            return []  # not shown, so not audited
        return super().patient_ids_shown(request, objects)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            visible = policy.patients_visible_to(request.user).filter(enrollments__status=EnrollmentStatus.ACTIVE)
            patient_field, admin_site = TherapySession._meta.get_field("patient"), self.admin_site

            class ScopedBookingForm(BookingForm):
                def __init__(self, *args, **kwargs):
                    super().__init__(*args, patients=visible, **kwargs)  # only patients this user may see
                    # Searched as typed (the patient admin's scoped, audited autocomplete), not one <option> per
                    # patient; the field's queryset still checks the posted id.
                    patient = self.fields["patient"]
                    patient.widget = AutocompleteSelect(patient_field, admin_site, choices=patient.choices)
                    self.fields["day"].widget = AdminDateWidget()  # the admin's calendar and clock pickers
                    self.fields["at"].widget = AdminTimeWidget()

            kwargs["form"] = ScopedBookingForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": list(BookingForm.base_fields)})]
        return super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        return [AttendanceInline] if obj else []

    def has_change_permission(self, request, obj=None):
        return False

    def perform(self, request, form, change):
        return counseling_book(acting_user=request.user, **form.cleaned_data)[0]

    @admin.display(description="Group or kind")
    def title(self, session):
        return session.title

    @admin.display(description="Attended", ordering="participant_count")
    def participants(self, session):
        return session.participant_count


@admin.register(Attendance)
class AttendanceAdmin(ClinicalContentMixin, PatientScopedMixin, ReadOnlyAdmin):
    list_display = ["session", "patient", "status", "minutes_attended", "recorded_by"]
    list_filter = ["status", "session__program"]
    search_fields = ["=patient__mrn"]
    list_select_related = ["session__group", "patient", "recorded_by"]


@admin.register(ProgressNote)
class ProgressNoteAdmin(ClinicalContentMixin, PatientScopedMixin, ReadOnlyAdmin):
    patient_lookup = "attendance__patient"
    list_display = ["attendance", "patient", "author", "created_at", "signed_at"]
    # Authors are found by user name, not listed as a filter: a link per clinician grows with the clinic.
    list_filter = [("signed_at", admin.EmptyFieldListFilter)]
    search_fields = ["=attendance__patient__mrn", "=author__username"]
    search_help_text = "A patient's MRN or the author's user name."
    # The first column prints the attendance ("Present (50 min)"), not its session: no join to sessions and groups.
    list_select_related = ["attendance__patient", "author"]
    fields = ["attendance", "author", "group_narrative", "data", "assessment", "plan", "signed_at"]

    @admin.display(description="Patient")
    def patient(self, note):
        return note.attendance.patient


@admin.register(Reminder)
class ReminderAdmin(PatientScopedMixin, ReadOnlyAdmin):
    """The delivery log: what went out to whom, when, and why not."""

    list_display = [
        "due_at",
        "kind",
        "patient",
        "staff",
        "status",
        "attempts",
        "sent_at",
        "cancelled_reason",
        "last_error",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["=patient__mrn"]
    date_hierarchy = "due_at"
    list_select_related = ["patient", "staff"]

    def get_queryset(self, request):
        # A staff email with no patient (a daily digest) shows to the staff member it was for, and to the roles
        # whose scope is every patient.
        user = request.user
        reminders = super(PatientScopedMixin, self).get_queryset(request)
        if policy.sees_every_patient(user):
            return reminders  # every patient's and every digest: no filter to slow the count and the sort
        visible = policy.visible_patient_ids(user)
        return reminders.filter(Q(patient__in=visible) | Q(patient__isnull=True, staff=user))


@admin.register(AbsenceReview)
class AbsenceReviewAdmin(ClinicalContentMixin, PatientScopedMixin, ReadOnlyAdmin):
    patient_lookup = "enrollment__patient"
    list_display = ["enrollment", "patient", "unexcused_absences", "flagged_at", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["enrollment__program", "enrollment__patient"]

    @admin.display(description="Patient")
    def patient(self, review):
        return review.enrollment.patient
