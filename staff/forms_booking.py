"""The calendar's booking form: a counselor, a day and a time chosen on the calendar; the patient typed."""

import re

from django import forms

from clinic.counselors import CounselorField
from sessions.selectors import patients_search

MRN_IN_LABEL = re.compile(r"\(MRN (\w+)\)\s*$")  # the picker's label: "Last, First (MRN 10000008)"


class BookAtForm(forms.Form):
    counselor = CounselorField(widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.HiddenInput)
    at = forms.TimeField(required=False, widget=forms.HiddenInput)
    patient = forms.CharField(
        max_length=120, help_text="A name or an MRN; as you type, the counselor's patients are offered."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_patient(self):
        """The one patient the user may see whom the text names: the picker's label, an MRN or a name."""
        text = self.cleaned_data["patient"].strip()
        if found := MRN_IN_LABEL.search(text):
            text = found.group(1)
        matches = list(patients_search(user=self.user, params={"q": text}).qs[:2])
        if not matches:
            raise forms.ValidationError("No patient you may see matches this name or MRN.")
        if len(matches) > 1:
            raise forms.ValidationError("More than one patient matches: type more of the name, or the MRN.")
        return matches[0]
