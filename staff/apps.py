from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The staff web app: pages for counselors, supervisors, front desk and administrators. No models: each view
    binds a form, calls one service or selector of the apps below, and renders."""

    name = "staff"
    verbose_name = "Staff pages"
