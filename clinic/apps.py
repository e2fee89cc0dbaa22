from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from clinic import checks  # noqa: F401  (registers the system checks)
        from clinic.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, dispatch_uid="clinic.sync_role_groups")
