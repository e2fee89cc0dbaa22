import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (
            "front_desk",
            ["patients.add_patient", "programs.view_program"],
            ["programs.change_program", "clinic.view_auditevent"],
        ),
        ("counselor", ["patients.change_patient"], ["patients.add_patient", "programs.add_program"]),
        ("supervisor", ["patients.add_patient", "programs.view_transition"], ["programs.change_program"]),
        ("administrator", ["programs.add_program", "clinic.view_auditevent", "clinic.add_user"], []),
    ],
)
def test_each_role_starts_with_its_permissions(role, allowed, refused):
    user = UserFactory(role=role)

    assert all(user.has_perm(perm) for perm in allowed)
    assert not any(user.has_perm(perm) for perm in refused)


def test_an_administrator_can_widen_a_role_in_its_group():
    user = UserFactory(role="counselor")
    group = Group.objects.get(name="Counselor")
    group.permissions.add(*Group.objects.get(name="Front desk / intake").permissions.filter(codename="add_patient"))

    assert UserFactory(role="counselor").has_perm("patients.add_patient")
    assert user.has_perm("patients.add_patient")


def test_an_inactive_user_has_no_permissions():
    assert not UserFactory(role="administrator", is_active=False).has_perm("programs.add_program")


def test_every_default_permission_names_a_real_permission():
    from django.contrib.auth.models import Permission

    from clinic.roles import DEFAULT_PERMISSIONS, role_group_name

    for role, perms in DEFAULT_PERMISSIONS.items():
        group = Group.objects.get(name=role_group_name(role))
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert set(perms) <= held, set(perms) - held
        assert Permission.objects.filter(group=group).count() == len(set(perms))
