"""Admin plumbing shared by the apps."""

from django.contrib import admin
from django.db import models, transaction

from clinic.errors import DomainError


class ServiceAdmin(admin.ModelAdmin):
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
