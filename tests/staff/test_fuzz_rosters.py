"""Fuzz the roster pages and forms as tests/staff/test_fuzz_input.py does the others, with tests/staff/fuzzing.py:
whatever is sent, never a server error, and a refused request (400) changes no roster."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.models import AuditEvent
from sessions.models import GroupMembership
from tests.clock import BAD_INPUT_AFTERNOON
from tests.staff.fuzzing import FUZZ, Target, form_pairs, has_nul, send, snapshot, world  # noqa: F401 - a fixture

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.time_machine(BAD_INPUT_AFTERNOON, tick=False),
]


def _membership(w):
    return GroupMembership.objects.get(group=w["group"], patient=w["p1"], left_on=None)


TARGETS = {
    "groups": Target(
        "get",
        lambda w: "/groups/",
        lambda w: {"program": [str(w["program"].pk)], "mine": ["1"], "page": ["1", "2"]},
        roles=("supervisor", "counselor", "administrator"),
    ),
    "group page": Target("get", lambda w: f"/groups/{w['group'].pk}/", lambda w: {"past": ["1", "2"]}),
    "candidates": Target(
        "post", lambda w: f"/groups/{w['group'].pk}/candidates/", lambda w: {"q": [w["p1"].legal_last_name, ""]}
    ),
    "add on the group page": Target(
        "post",
        lambda w: f"/groups/{w['group'].pk}/members/",
        lambda w: {"patient": [w["newcomer"].mrn, w["p1"].mrn, w["outsider"].mrn], "joined_on": ["2026-03-10"]},
    ),
    "end on the group page": Target(
        "post",
        lambda w: f"/groups/{w['group'].pk}/members/{_membership(w).pk}/end/",
        lambda w: {"left_on": ["2026-03-10", "2026-03-01"]},
    ),
    "add on the chart": Target(
        "post",
        lambda w: f"/patients/{w['p1'].pk}/groups/add/",
        lambda w: {"group": [str(w["group"].pk)], "joined_on": ["2026-03-10"]},
    ),
    "end on the chart": Target(
        "post",
        lambda w: f"/patients/{w['p1'].pk}/groups/{_membership(w).pk}/end/",
        lambda w: {"left_on": ["2026-03-10"]},
    ),
}


def _rosters():
    return list(GroupMembership.objects.order_by("pk").values_list("pk", "left_on")), snapshot()


@pytest.mark.parametrize("name", TARGETS)
def test_no_roster_input_makes_a_server_error(client, world, name):  # noqa: F811 - the fixture
    target = TARGETS[name]
    url, fields = target.url(world), target.fields(world)

    @FUZZ
    @given(role=st.sampled_from(target.roles), pairs=form_pairs(fields))
    def probe(role, pairs):
        client.force_login(world["users"][role])
        before, audited = _rosters(), AuditEvent.objects.count()
        response = send(client, target.method, url, pairs)
        assert response.status_code < 500, (name, role, pairs)
        if has_nul(pairs):
            assert response.status_code == 400 and AuditEvent.objects.count() == audited, (name, role, pairs)
        if response.status_code == 400:
            assert _rosters() == before, (name, role, pairs)

    probe()
