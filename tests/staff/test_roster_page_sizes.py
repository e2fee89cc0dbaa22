"""The groups list, a group's page and the chart's groups are bounded by one screen: the same queries and the same
size of HTML for a few rows or many (the limits are lowered here, so that a few rows already fill a page)."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import (
    EnrollmentFactory,
    GroupSessionFactory,
    MembershipFactory,
    ProgramFactory,
    TherapyGroupFactory,
    caseload_patient,
)
from tests.helpers import assert_same_load, page_load

pytestmark = pytest.mark.django_db

FEW, MANY = 4, 24  # both above the lowered limits


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    for name in ("GROUPS_PAGE_SIZE", "ROSTER_LIMIT", "PAST_PAGE_SIZE", "NEXT_SESSIONS", "CHART_MEMBERSHIPS"):
        monkeypatch.setattr(f"sessions.selectors.rosters.{name}", 3)
    monkeypatch.setattr("sessions.selectors.rosters.CHART_OFFERS", 3)


def grow(group, count: int) -> None:
    """`count` more current members, past members (joined and left) and sessions to come, all alike."""
    today = timezone.localdate()
    first = group.sessions.count() + 1
    for n in range(first, first + count):
        MembershipFactory(
            group=group, enrollment__patient__legal_last_name="Garcia", enrollment__patient__legal_first_name="Ana"
        )
        MembershipFactory(
            group=group,
            enrollment__patient__legal_last_name="Garcia",
            enrollment__patient__legal_first_name="Ana",
            joined_on=today - datetime.timedelta(days=10),
            left_on=today - datetime.timedelta(days=2),
        )
        GroupSessionFactory(group=group, starts_at=timezone.now() + datetime.timedelta(days=n))


@pytest.mark.parametrize("role", ["counselor", "supervisor", "front_desk"])
def test_a_groups_page_is_the_same_size_for_a_short_and_a_long_history(client, users, counselor, role):
    group = TherapyGroupFactory(facilitator=counselor, capacity=99, title="Relapse Prevention AM")
    client.force_login(users[role])
    grow(group, 2 * FEW)  # the second page of past members is full
    small = page_load(client, f"/groups/{group.pk}/"), page_load(client, f"/groups/{group.pk}/?past=2")
    grow(group, MANY)

    assert_same_load(small[0], page_load(client, f"/groups/{group.pk}/"))
    assert_same_load(small[1], page_load(client, f"/groups/{group.pk}/?past=2"))


def test_another_counselors_group_page_does_not_grow_either(client, counselor, other_counselor):
    group = TherapyGroupFactory(facilitator=other_counselor, capacity=99)
    client.force_login(counselor)
    grow(group, FEW)
    small = page_load(client, f"/groups/{group.pk}/")
    grow(group, MANY - FEW)

    assert_same_load(small, page_load(client, f"/groups/{group.pk}/"))


def test_a_groups_rows_load_nothing_one_by_one(client, supervisor):
    group = TherapyGroupFactory(capacity=99)
    client.force_login(supervisor)
    grow(group, 1)
    one = page_load(client, f"/groups/{group.pk}/")
    grow(group, 1)

    assert page_load(client, f"/groups/{group.pk}/")[0] == one[0]


@pytest.mark.parametrize("url", ["/groups/", "/groups/?page=2", "/groups/?mine=1"])
def test_the_groups_list_is_the_same_size_for_few_and_many_groups(client, counselor, url):
    """The programs (the filter's choices) are the clinic's configuration, a handful: the groups grow."""
    program = ProgramFactory()

    def groups(count):
        for _ in range(count):
            group = TherapyGroupFactory(
                program=program, facilitator=counselor, title="Relapse Prevention AM", capacity=12
            )
            MembershipFactory.create_batch(2, group=group)

    client.force_login(counselor)
    groups(2 * FEW)  # page 2 is full
    small = page_load(client, url)
    groups(MANY)

    assert_same_load(small, page_load(client, url))


def test_the_charts_groups_are_the_same_size_for_a_long_history_and_many_groups(client, counselor):
    mine = caseload_patient(counselor)
    program = mine.program
    client.force_login(counselor)

    def history(count):
        for _ in range(count):
            past = TherapyGroupFactory(program=program, facilitator=counselor, title="Relapse Prevention AM")
            MembershipFactory(group=past, enrollment=mine, left_on=timezone.localdate())
            TherapyGroupFactory(program=program, facilitator=counselor, title="Relapse Prevention AM")
            EnrollmentFactory(program=program)  # the program grows too

    history(FEW)
    small = page_load(client, f"/patients/{mine.patient_id}/")
    history(MANY - FEW)

    assert_same_load(small, page_load(client, f"/patients/{mine.patient_id}/"))
