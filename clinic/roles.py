"""Staff roles. A user's `role` picks a Django group of the same name, whose permissions administrators
can tune in the admin; `sync_role_groups` creates the groups with sensible defaults after each migrate."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from clinic.models import Role


def _perms(text: str) -> list[str]:
    """ "app: codename codename ..." lines, as "app.codename" strings."""
    result = []
    for line in text.strip().splitlines():
        app, codenames = line.split(":")
        result += [f"{app.strip()}.{codename}" for codename in codenames.split()]
    return result


# Permissions each role starts with. Syncing only ever adds: an administrator's later changes stay.
DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMINISTRATOR: _perms("""
        clinic: add_user change_user view_user view_auditevent
        auth: add_group change_group view_group
        patients: view_patient add_patient change_patient
        programs: add_program change_program view_program add_approach change_approach view_approach
        programs: view_enrollment view_transition
        clinic_sessions: add_therapygroup change_therapygroup view_therapygroup view_groupmembership
        clinic_sessions: view_therapysession view_reminder
        measures: add_measureschedule change_measureschedule delete_measureschedule view_measureschedule
    """),
    Role.SUPERVISOR: _perms("""
        patients: view_patient add_patient change_patient
        programs: view_program view_approach view_enrollment view_transition
        clinic_sessions: add_therapygroup change_therapygroup view_therapygroup
        clinic_sessions: add_groupmembership change_groupmembership view_groupmembership view_therapysession
        clinic_sessions: add_therapysession view_attendance view_progressnote view_reminder view_absencereview
        measures: view_measureschedule view_measureresponse view_safetyalert view_drugscreen
        plans: view_treatmentplan
    """),
    Role.COUNSELOR: _perms("""
        patients: view_patient change_patient
        programs: view_program view_approach view_enrollment view_transition
        clinic_sessions: view_therapygroup
        clinic_sessions: add_groupmembership change_groupmembership view_groupmembership view_therapysession
        clinic_sessions: add_therapysession view_attendance view_progressnote view_reminder view_absencereview
        measures: view_measureschedule view_measureresponse view_safetyalert view_drugscreen
        plans: view_treatmentplan
    """),
    # Front desk: registration, schedules and the delivery log; no attendance or clinical notes.
    Role.FRONT_DESK: _perms("""
        patients: view_patient add_patient change_patient
        programs: view_program view_enrollment
        clinic_sessions: view_therapygroup view_groupmembership view_therapysession add_therapysession
        clinic_sessions: view_reminder
    """),
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
