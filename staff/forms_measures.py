"""The forms of measurement-based care: an instrument entered item by item (its items, answers and labels from
measures/instruments.py), a drug screen substance by substance, and a safety alert's follow-up."""

from django import forms
from django.utils import timezone

from clinic.clock import local_start
from clinic.errors import DomainError
from measures.instruments import DAYS, Definition
from measures.models import ScreenResult, Substance

# Where the services' refusals belong on the forms (codes of measures.errors.MeasureError); others go above.
DAY_ERRORS = {"future", "before_admission"}


def item_field_name(code: str) -> str:
    return f"item_{code}"


class MeasureForm(forms.Form):
    """One field per item of the instrument: a group of radio buttons with the item's own answers (a select of the
    days for the BAM's day counts, 0 to 30). The day it was given defaults to today."""

    administered_on = forms.DateField(
        label="Day it was given",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control w-auto"}),
        error_messages={"required": "Give the day the patient answered.", "invalid": "Give a day (YYYY-MM-DD)."},
    )

    def __init__(self, *args, definition: Definition, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        for item in definition.items:
            days = item.choices is DAYS
            choices = [(c.value, c.label) for c in item.choices]
            if days or not item.required:
                choices = [("", "Not asked" if not item.required else "Choose the days"), *choices]
            self.fields[item_field_name(item.code)] = forms.TypedChoiceField(
                label=f"{item.code}. {item.text}",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=item.required,
                widget=forms.Select(attrs={"class": "form-select w-auto"})
                if days
                else forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={
                    "required": f"Answer item {item.code}.",
                    "invalid_choice": "Choose one of the answers.",
                },
            )
            self.fields[item_field_name(item.code)].item = item

    def clean_administered_on(self):
        day = self.cleaned_data["administered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The day it was given cannot be in the future.")
        return day

    @property
    def items(self):
        return [self[item_field_name(item.code)] for item in self.definition.items]

    @property
    def answers(self) -> dict[str, int]:
        return {
            item.code: self.cleaned_data[item_field_name(item.code)]
            for item in self.definition.items
            if self.cleaned_data.get(item_field_name(item.code)) is not None
        }

    def refused(self, error: DomainError) -> None:
        self.add_error("administered_on" if error.code in DAY_ERRORS else None, error.message)


OBSERVED = [("yes", "Yes, observed by staff"), ("no", "No, not observed")]


class DrugScreenForm(forms.Form):
    """When the sample was collected (the clinic's day and time), whether collection was observed, and each
    substance of the panel's result, negative by default."""

    collected_on = forms.DateField(
        label="Collected on",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control w-auto"}),
        error_messages={"required": "Give the day it was collected.", "invalid": "Give a day (YYYY-MM-DD)."},
    )
    collected_time = forms.TimeField(
        label="Collected at (time)",
        widget=forms.TimeInput(attrs={"type": "time", "class": "form-control w-auto"}),
        error_messages={"required": "Give the time it was collected.", "invalid": "Give a time (HH:MM)."},
    )
    observed = forms.ChoiceField(
        label="Collection observed",
        choices=OBSERVED,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": "Say whether collection was observed."},
    )

    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control", "aria-describedby": "id_note-help"}),
        help_text="Optional: the lab, a sample refused or diluted, what the patient said.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"collected_time": timezone.localtime().replace(second=0, microsecond=0).time()})
        super().__init__(*args, **kwargs)
        for substance in Substance:
            self.fields[f"result_{substance.value}"] = forms.ChoiceField(
                label=substance.label,
                choices=ScreenResult.choices,
                initial=ScreenResult.NEGATIVE,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": f"Give the result for {substance.label}."},
            )

    def clean(self):
        data = super().clean()
        day, at = data.get("collected_on"), data.get("collected_time")
        if day is not None and at is not None:
            data["collected_at"] = local_start(day, at)
            if data["collected_at"] > timezone.now():
                self.add_error("collected_time", "The collection time cannot be in the future.")
        return data

    @property
    def substances(self):
        return [self[f"result_{substance.value}"] for substance in Substance]

    @property
    def results(self) -> dict[str, str]:
        return {substance.value: self.cleaned_data[f"result_{substance.value}"] for substance in Substance}

    def refused(self, error: DomainError) -> None:
        field = (
            "collected_on" if error.code == "before_admission" else "collected_time" if error.code == "future" else None
        )
        self.add_error(field, error.message)


class FollowUpForm(forms.Form):
    note = forms.CharField(
        label="What was done",
        max_length=5000,
        error_messages={"required": "Write what was done to follow up."},
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text="For example: a safety assessment, a safety plan agreed, a crisis line given.",
    )
