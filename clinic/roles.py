"""Staff roles. A user's `role` picks a Django group of the same name, whose permissions administrators
can tune in the admin; `sync_role_groups` creates the groups with sensible defaults after each migrate."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from clinic.models import Role

# Permissions each role starts with. Syncing only ever adds: an administrator's later changes stay.
DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMINISTRATOR: [
        "clinic.add_user",
        "clinic.change_user",
        "clinic.view_user",
        "clinic.view_auditevent",
        "auth.add_group",
        "auth.change_group",
        "auth.view_group",
        "patients.view_patient",
        "patients.add_patient",
        "patients.change_patient",
        "programs.add_program",
        "programs.change_program",
        "programs.view_program",
        "programs.add_approach",
        "programs.change_approach",
        "programs.view_approach",
        "programs.view_enrollment",
        "programs.view_transition",
    ],
    Role.SUPERVISOR: [
        "patients.view_patient",
        "patients.add_patient",
        "patients.change_patient",
        "programs.view_program",
        "programs.view_approach",
        "programs.view_enrollment",
        "programs.view_transition",
    ],
    Role.COUNSELOR: [
        "patients.view_patient",
        "patients.change_patient",
        "programs.view_program",
        "programs.view_approach",
        "programs.view_enrollment",
        "programs.view_transition",
    ],
    Role.FRONT_DESK: [
        "patients.view_patient",
        "patients.add_patient",
        "patients.change_patient",
        "programs.view_program",
        "programs.view_enrollment",
    ],
}


def role_group_name(role: str) -> str:
    return Role(role).label


def sync_role_groups(**kwargs) -> None:
    """post_migrate handler: make sure each role's group exists and holds its default permissions."""
    for role, perms in DEFAULT_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role_group_name(role))
        wanted = Q(pk__in=[])
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*Permission.objects.filter(wanted))


class RoleBackend(ModelBackend):
    """Django's model backend, where a user's role also counts as membership of the role's group."""

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(
            Q(group__user=user_obj) | Q(group__name=role_group_name(user_obj.role))
        ).distinct()
