"""The roster forms: add a patient to a group (from the group's page, with a patient picker; from the chart, with a
choice of the current program's groups) and end a membership. The rules that need the database (capacity, the
enrollment, the dates against the admission or the joining) are membership_add's and membership_end's."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from sessions.selectors.rosters import MAX_TYPED, candidate_named

DATE = {"type": "date", "class": "form-control form-control-sm"}


class PatientPicker(forms.TextInput):
    """A search box that suggests the group's candidates as one types (static/js/clinic.js posts what was typed, so
    no name lands in a URL, and fills the empty <datalist>); with no script, the typed name or MRN is looked up when
    the form is sent."""

    input_type = "search"

    def __init__(self, *, source: str, attrs=None):
        super().__init__(attrs)
        self.source = source

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        context["widget"]["list_id"] = f"{widget_attrs.get('id') or name}-options"
        widget_attrs.update(
            {
                "list": context["widget"]["list_id"],
                "autocomplete": "off",
                "spellcheck": "false",
                "data-patient-picker": True,
                "data-source": self.source,
                "maxlength": MAX_TYPED,
            }
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        box = self._render(self.template_name, context, renderer)
        return box + format_html('<datalist id="{}"></datalist>', context["widget"]["list_id"])


class MembershipAddForm(forms.Form):
    """From the group's page: a patient among the group's candidates (those the user may see, actively enrolled in
    its program, not on its roster), typed or picked."""

    patient = forms.CharField(
        label="Patient",
        max_length=MAX_TYPED,
        help_text="Name or MRN of a patient in the group's program.",
    )
    joined_on = forms.DateField(label="Joins on", initial=timezone.localdate, widget=forms.DateInput(attrs=DATE))

    def __init__(self, data=None, *, user, group):
        super().__init__(data)
        self.user, self.group = user, group
        self.fields["patient"].widget = PatientPicker(
            source=reverse("group-candidates", args=[group.pk]),
            attrs={"class": "form-control form-control-sm", "placeholder": "Name or MRN"},
        )

    def clean_patient(self):
        text = self.cleaned_data["patient"]
        patient, matching = candidate_named(self.user, self.group, text)
        if patient is None and matching > 1:
            raise forms.ValidationError(
                "%(count)d patients match “%(text)s”: type more of the name, the MRN, or pick a suggestion.",
                code="ambiguous",
                params={"count": matching, "text": text},
            )
        if patient is None:
            raise forms.ValidationError(
                "No patient of the group's program you may add matches “%(text)s”.",
                code="no_match",
                params={"text": text},
            )
        return patient


class ChartGroupAddForm(forms.Form):
    """From the chart: one of the groups offered (the current program's, with a free seat)."""

    group = forms.ModelChoiceField(queryset=None, label="Group", empty_label=None)
    joined_on = forms.DateField(label="Joins on", initial=timezone.localdate, widget=forms.DateInput(attrs=DATE))

    def __init__(self, data=None, *, groups):
        super().__init__(data)
        self.fields["group"].queryset = groups
        self.fields["group"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["group"].error_messages["invalid_choice"] = "Choose one of the groups offered."


class MembershipEndForm(forms.Form):
    left_on = forms.DateField(label="Leaves on", initial=timezone.localdate, widget=forms.DateInput(attrs=DATE))

    def clean_left_on(self):
        left_on = self.cleaned_data["left_on"]
        if left_on > timezone.localdate():
            # The seat is freed, and the patient leaves the roster, the day the membership is ended.
            raise forms.ValidationError("End the membership on the day the patient leaves, not ahead of it.")
        return left_on
