"""The sign-in form."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class SignInForm(AuthenticationForm):
    """Django's form sets the user name's max_length after the field is built, so nothing enforces it: a name
    longer than the lockout table's column (django-axes records every failed name) failed in the database."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        message = "No user name is longer than %(limit_value)d characters (this one has %(show_value)d)."
        field.validators.append(MaxLengthValidator(field.max_length, message=message))
