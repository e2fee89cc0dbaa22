"""The form that adds an addendum to a signed progress note."""

from django import forms


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        max_length=10000,
        error_messages={"required": "Write the addendum."},
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    # Where the page that posted it sends the user back: "sheet" (the attendance sheet) or else the chart; a name,
    # never a URL.
    back = forms.CharField(required=False, widget=forms.HiddenInput)
