"""The treatment plan's small forms: each adds or changes one part of the draft. The ids they refer to (a problem,
a goal, an objective) come from the URL and are looked up within the patient's plan; a group offered is one the
patient is on, so a posted id outside them is an invalid choice."""

import datetime

from django import forms
from django.utils import timezone

from plans.models import AgreementMethod, AsamDimension, ObjectiveStatus


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


def _text(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ProblemForm(forms.Form):
    dimension = forms.TypedChoiceField(label="ASAM dimension", choices=AsamDimension.choices, coerce=int)
    severity = forms.TypedChoiceField(
        label="Severity (0 to 4)", choices=[(n, str(n)) for n in range(5)], coerce=int, initial=3
    )
    description = forms.CharField(label="Problem", max_length=4000, widget=_text())


class DescribeProblemForm(forms.Form):
    description = forms.CharField(label="Problem", max_length=4000, widget=_text())


class GoalForm(forms.Form):
    text = forms.CharField(label="Goal, in the patient's own words", max_length=2000, widget=_text())


class ObjectiveForm(forms.Form):
    text = forms.CharField(
        label="Objective (measurable)",
        max_length=2000,
        widget=_text(),
        help_text="What the patient will do, how often, and how it is known.",
    )
    target_date = forms.DateField(label="Target date", widget=_date_widget())

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_target_date(self) -> datetime.date:
        day = self.cleaned_data["target_date"]
        earliest = max(self.plan.created_on, self.plan.enrollment.admitted_on)
        if day < earliest:
            raise forms.ValidationError(
                f"The target date cannot be before the plan was started ({earliest:%b %-d, %Y}).", code="too_early"
            )
        return day


class ObjectiveStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ObjectiveStatus.choices)


class InterventionForm(forms.Form):
    what = forms.CharField(label="What", max_length=200, help_text="E.g. IOP process group, individual CBT.")
    frequency = forms.CharField(label="How often", max_length=80, help_text="E.g. three times a week.")
    who_role = forms.CharField(label="Who (role)", max_length=80, initial="counselor")
    group = forms.TypedChoiceField(label="Group (optional)", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, groups, **kwargs):
        """`groups`: the groups the patient is on now, the only ones offered (and accepted)."""
        super().__init__(*args, **kwargs)
        self.groups = {group.pk: group for group in groups}
        self.fields["group"].choices = [("", "None"), *((g.pk, g.title) for g in self.groups.values())]

    def clean_group(self):
        pk = self.cleaned_data["group"]
        return self.groups[pk] if pk is not None else None


class DeferForm(forms.Form):
    dimension = forms.TypedChoiceField(label="ASAM dimension", choices=AsamDimension.choices, coerce=int)
    reason = forms.CharField(label="Why it is deferred", max_length=2000, widget=_text())


class SignForm(forms.Form):
    patient_agreed_on = forms.DateField(
        label="Day the patient agreed", initial=timezone.localdate, widget=_date_widget()
    )
    agreement_method = forms.ChoiceField(label="How the patient agreed", choices=AgreementMethod.choices)
    agreed_by_representative = forms.CharField(
        label="Agreed by a guardian or representative",
        required=False,
        max_length=150,
        help_text="Leave empty when the patient agreed. Otherwise the name and relation, e.g. “Ana Ruiz, mother”.",
    )

    def clean_patient_agreed_on(self) -> datetime.date:
        day = self.cleaned_data["patient_agreed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The day the patient agreed cannot be in the future.", code="future")
        return day
