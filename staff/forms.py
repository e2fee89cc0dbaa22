"""The staff pages' forms. Each form checks what a field can check; the rules that need the database or the acting
user are the services' to enforce, and come back to the form as a message."""

import copy
import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.http import urlencode

from clinic.counselors import CounselorField, CounselorPicker
from clinic.errors import DomainError
from clinic.models import Role
from patients.models import ASAM_DIMENSIONS, Patient
from programs.models import DischargeReason, Program
from sessions.forms import BookingForm
from sessions.models import TherapySession
from sessions.services.counseling import past_may_be_confirmed


class SignInForm(AuthenticationForm):
    """Django's form sets the user name's max_length after the field is built, so nothing enforces it: a name
    longer than the lockout table's column (django-axes records every failed name) failed in the database."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        message = "No user name is longer than %(limit_value)d characters (this one has %(show_value)d)."
        field.validators.append(MaxLengthValidator(field.max_length, message=message))


class CounselorByIdMixin:
    """For a page whose URL names a counselor: links and bookmarks keep the counselor's id, not what was typed."""

    def counselor_typed(self) -> bool:
        """Was the chosen counselor typed (a name, a label) rather than given by id? The page then redirects to
        its URL by id."""
        chosen = getattr(self, "cleaned_data", {}).get("counselor")
        return chosen is not None and str(self.data.get("counselor", "")).strip() != str(chosen.pk)


class CaseloadForm(CounselorByIdMixin, forms.Form):
    """The dashboard's choice of caseload among `choices`; with none, the user has nothing to choose."""

    counselor = CounselorField(
        required=False,
        label="Counselor",
        empty_label="All counselors",
        widget=CounselorPicker(attrs={"class": "form-control form-control-sm", "data-submit-on-pick": True}),
    )

    def __init__(self, data, *, choices):
        super().__init__(data)
        self.can_choose = choices is not None
        if choices is None:
            del self.fields["counselor"]
        else:
            self.fields["counselor"].queryset = choices


class ScheduleFilter(CounselorByIdMixin, forms.Form):
    view = forms.ChoiceField(
        choices=[("week", "Week"), ("day", "Day")],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    week = forms.DateField(
        label="Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        help_text="The week of this date, or this day.",
    )
    by = forms.ChoiceField(  # the day view's columns
        label="Columns",
        choices=[("counselor", "A counselor each"), ("room", "A room each")],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    counselor = CounselorField(
        required=False, empty_label="All counselors", widget=CounselorPicker(attrs={"class": "form-control"})
    )
    program = forms.ModelChoiceField(
        Program.objects.order_by("name"),
        required=False,
        empty_label="All programs",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    # Week arithmetic (the Monday, the previous and next weeks) must stay inside the years a date can hold.
    FIRST_WEEK, LAST_WEEK = datetime.date(1900, 1, 1), datetime.date(9998, 12, 31)

    def __init__(self, data, *, user):
        # A counselor's schedule shows their own sessions unless they choose otherwise ("counselor=" for everyone's),
        # whatever week or view the link names.
        if "counselor" not in data and "program" not in data and user.role == Role.COUNSELOR:
            data = data.copy()
            data["counselor"] = user.pk
        super().__init__(data)

    def clean_week(self):
        week = self.cleaned_data["week"]
        if week is not None and not self.FIRST_WEEK <= week <= self.LAST_WEEK:
            raise forms.ValidationError("Choose a week between the years 1900 and 9998.")
        return week

    def link_query(self, *, week: bool = False) -> str:
        """The chosen counselor and program by id (not as typed), the view and its columns, and with `week` the
        date, for the page's links."""
        chosen = getattr(self, "cleaned_data", {})
        query = {name: chosen[name].pk for name in ("counselor", "program") if chosen.get(name)}
        query |= {name: chosen[name] for name in ("view", "by") if chosen.get(name)}
        if week and chosen.get("week"):
            query["week"] = chosen["week"].isoformat()
        return urlencode(query)


class CancelForm(forms.Form):
    reason = forms.CharField(
        required=False,  # the service says what a missing reason means
        max_length=TherapySession._meta.get_field("cancel_reason").max_length,
        error_messages={"max_length": "Keep the reason to %(limit_value)d characters (it has %(show_value)d)."},
    )


def bootstrap_widgets(form: forms.Form) -> forms.Form:
    """Give each field's widget Bootstrap's class, for forms declared outside the staff app (a FilterSet's)."""
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
    return form


class AdmitForm(forms.Form):
    program = forms.ModelChoiceField(Program.objects.filter(is_active=True).order_by("name"))
    admitted_on = forms.DateField(initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    counselor = CounselorField(required=False, help_text="Defaults to the primary counselor.")
    override_reason = forms.CharField(
        label="Supervisor override",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Supervisors only: why a patient flagged for withdrawal management may go to this level.",
    )


class TransitionForm(forms.Form):
    to_program = forms.ModelChoiceField(Program.objects.filter(is_active=True).order_by("name"), label="Move to")
    effective_on = forms.DateField(initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Clinical reason", widget=forms.Textarea(attrs={"rows": 3}))
    counselor = CounselorField(required=False, help_text="Defaults to the current one.")
    override_reason = AdmitForm.base_fields["override_reason"]

    def __init__(self, *args, current, **kwargs):
        """`current`: the enrollment the patient moves from; its program is no choice."""
        super().__init__(*args, **kwargs)
        self.fields["to_program"].queryset = self.fields["to_program"].queryset.exclude(pk=current.program_id)


class DischargeForm(forms.Form):
    reason = forms.TypedChoiceField(choices=DischargeReason.choices, coerce=int, label="TEDS reason")
    discharged_on = forms.DateField(initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Discharge note")


class ChartBookingForm(BookingForm):
    """Booking from a patient's chart: the counselor is typed and suggested, not chosen from every clinician. A time
    that has passed is refused on the time field; where the clinic allows it (BOOKING_PAST = "warn") the form then
    offers to confirm it."""

    counselor = CounselorField()
    past_confirmed = forms.BooleanField(required=False, label="Book it although this time has passed")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (past_may_be_confirmed() and self.data.get("past_confirmed")):
            del self.fields["past_confirmed"]  # offered once the page has warned (see `refused`)

    def refused(self, error: DomainError) -> None:
        """Show the service's refusal: a time that has passed on the time field, with its confirmation if allowed."""
        if error.code != "past":
            self.add_error(None, error.message)
            return
        self.add_error("at", error.message)
        if past_may_be_confirmed() and "past_confirmed" not in self.fields:
            fields = list(self.fields.items())
            after = [name for name, _ in fields].index("at") + 1
            confirm = ("past_confirmed", copy.deepcopy(self.base_fields["past_confirmed"]))
            self.fields = dict([*fields[:after], confirm, *fields[after:]])


class RegisterForm(forms.ModelForm):
    primary_counselor = CounselorField(required=False, label="Primary counselor")
    reminder_consent = forms.BooleanField(required=False, label="Consents to reminder emails")

    class Meta:
        model = Patient
        fields = [
            "legal_first_name",
            "legal_last_name",
            "preferred_name",
            "date_of_birth",
            "email",
            "phone",
            "primary_counselor",
            "intake_date",
            "needs_withdrawal_management",
            *ASAM_DIMENSIONS,
            "recommended_level",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "intake_date": forms.DateInput(attrs={"type": "date"}),
        }
