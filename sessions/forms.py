"""Forms shared by the staff pages and the admin."""

from django import forms

from clinic.models import User
from patients.models import Patient
from sessions.models import SessionKind, TherapySession


class BookingForm(forms.ModelForm):
    """Book an individual, family or check-in session, or a series, through counseling_book (which checks the
    booking). Given `patients` (the admin), the patient is chosen among them; without (a patient's chart), the page
    already names the patient and the form has no patient field.

    A ModelForm, because the admin's add page needs one; it saves nothing itself."""

    patient = forms.ModelChoiceField(queryset=Patient.objects.none())
    kind = forms.ChoiceField(choices=[c for c in SessionKind.choices if c[0] != SessionKind.GROUP])
    counselor = forms.ModelChoiceField(queryset=User.objects.clinicians())
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label="Time (clinic time)", widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(min_value=5, max_value=600, initial=50)
    location = forms.CharField(label="Room", required=False)
    video_link = forms.URLField(required=False, assume_scheme="https")
    repeat_every_weeks = forms.IntegerField(min_value=0, max_value=8, initial=0, help_text="0 for a single session.")
    occurrences = forms.IntegerField(min_value=1, max_value=26, initial=1)

    class Meta:
        model = TherapySession
        fields = []

    def __init__(self, *args, patients=None, **kwargs):
        super().__init__(*args, **kwargs)
        if patients is None:
            del self.fields["patient"]
        else:
            self.fields["patient"].queryset = patients

    def _post_clean(self):
        pass  # no TherapySession is built here: counseling_book checks the booking
