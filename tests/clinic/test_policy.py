"""The policy module: a registry of named rules that refuses what it does not know, and each role rule's answer
for each role (a superuser included)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured

from clinic import policy
from clinic.checks import check_access_rules
from clinic.errors import DomainError, OutOfScopeError
from clinic.policy import Action
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db
ROLES = ["administrator", "supervisor", "counselor", "front_desk"]


def users():
    """One user per role, then a superuser with each role (createsuperuser leaves the default, counselor)."""
    return {
        **{role: UserFactory(role=role) for role in ROLES},
        **{f"superuser {role}": UserFactory(role=role, is_superuser=True) for role in ROLES},
    }


# rule -> the users it allows, among users(): the rest are refused.
TRUTH = {
    Action.SEE_CLINICAL: {"supervisor", "counselor"},
    Action.CLINICAL_WORK: {"supervisor", "counselor"},
    Action.CHANGE_ENROLLMENT: {"supervisor", "counselor"},
    Action.RESOLVE_REVIEW: {"supervisor", "counselor"},
    Action.HOLD_SESSIONS: {"supervisor", "counselor"},
    Action.SEE_CLINICAL_IN_ADMIN: {"supervisor", "counselor", *(f"superuser {role}" for role in ROLES)},
    Action.OVERRIDE_WITHDRAWAL_RULE: {"supervisor", "superuser supervisor"},
    Action.REGISTER_PATIENT: {"administrator", "supervisor", "front_desk", *(f"superuser {role}" for role in ROLES)},
    Action.SEE_CASELOADS: {"administrator", "supervisor", "counselor", "superuser administrator"},
    Action.CHOOSE_CASELOAD: {"administrator", "supervisor", "superuser administrator", "superuser supervisor"},
    Action.PICK_COUNSELOR: {*ROLES, *(f"superuser {role}" for role in ROLES)},
    Action.SEE_ALL_PATIENTS: {"administrator", "supervisor", "front_desk", *(f"superuser {role}" for role in ROLES)},
}


@pytest.mark.parametrize("action", TRUTH.keys(), ids=str)
def test_each_role_rule_allows_exactly_its_roles(action):
    allowed = {name for name, user in users().items() if policy.allows(user, action)}

    assert allowed == TRUTH[action]


def test_an_anonymous_visitor_may_do_nothing():
    anonymous = AnonymousUser()

    assert not any(policy.allows(anonymous, action) for action in TRUTH)
    assert not policy.allows(None, Action.SEE_CLINICAL)
    with pytest.raises(DomainError, match="Only counselors and clinical supervisors"):
        policy.require(anonymous, Action.CLINICAL_WORK)


@pytest.mark.parametrize("ask", [policy.allows, policy.require], ids=["allows", "require"])
def test_an_unknown_name_fails_loudly_and_never_allows(ask, supervisor):
    with pytest.raises(ImproperlyConfigured, match=r"No access rule is named 'session\.cancle'"):
        ask(supervisor, "session.cancle")


def test_a_rule_must_be_named_in_the_action_list_and_only_once():
    with pytest.raises(ImproperlyConfigured, match="is not an Action"):
        policy.rule("patient.delete", message="No.", code="no")

    def _another_test(user, obj=None):
        return True

    with pytest.raises(ImproperlyConfigured, match="Two rules are named"):
        policy.rule(Action.SEE_CLINICAL, message="Yes.", code="yes")(_another_test)
    assert not policy.allows(UserFactory(role="front_desk"), Action.SEE_CLINICAL)  # the first rule still stands


def test_every_action_has_its_rule_once_the_apps_are_ready():
    assert policy.missing() == []
    assert check_access_rules(None) == []


def test_an_unregistered_rule_is_reported_by_the_system_check(monkeypatch):
    rules = dict(policy._rules)
    del rules[Action.CANCEL_SESSION]
    monkeypatch.setattr(policy, "_rules", rules)
    monkeypatch.setattr(policy, "_scope", {})

    assert [error.id for error in check_access_rules(None)] == ["clinic.E003", "clinic.E003"]
    assert policy.missing() == ["session.cancel", "the patient scope"]
    with pytest.raises(ImproperlyConfigured, match="is not registered"):
        policy.allows(UserFactory(), Action.CANCEL_SESSION)
    with pytest.raises(ImproperlyConfigured, match="No patient scope is registered"):
        policy.patients_visible_to(UserFactory())


def test_a_refusal_raises_the_calling_apps_error_with_the_message_and_code_services_always_gave():
    class AppError(DomainError):
        pass

    front_desk = UserFactory(role="front_desk")

    with pytest.raises(
        AppError, match=r"^Only counselors and clinical supervisors can manage group rosters\.$"
    ) as caught:
        policy.require(front_desk, Action.CLINICAL_WORK, error=AppError, doing="manage group rosters")

    assert caught.value.code == "not_clinical"


def test_a_rule_with_an_error_of_its_own_keeps_it(counselor):
    stranger = PatientFactory()

    with pytest.raises(OutOfScopeError, match="not in your caseload or your groups") as caught:
        policy.require(counselor, Action.SEE_PATIENT, stranger, error=DomainError)

    assert caught.value.code == "out_of_scope"


def test_the_withdrawal_override_is_refused_with_its_own_message(counselor):
    with pytest.raises(DomainError, match="Only a clinical supervisor can override") as caught:
        policy.require(counselor, Action.OVERRIDE_WITHDRAWAL_RULE)

    assert caught.value.code == "override_not_allowed"


def test_registering_follows_the_permission_an_administrator_can_widen():
    from django.contrib.auth.models import Group, Permission

    counselor = UserFactory(role="counselor")
    assert not policy.allows(counselor, Action.REGISTER_PATIENT)

    Group.objects.get(name="Counselor").permissions.add(Permission.objects.get(codename="add_patient"))

    assert policy.allows(UserFactory(role="counselor"), Action.REGISTER_PATIENT)
