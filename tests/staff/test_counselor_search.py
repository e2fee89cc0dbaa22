"""The counselor picker's suggestions: staff only, a few active clinicians by name, nothing about patients."""

import dataclasses

import pytest

from clinic import policy
from clinic.policy import Action
from tests.factories import PatientFactory, UserFactory
from tests.helpers import page_load

pytestmark = pytest.mark.django_db
URL = "/counselors/"


@pytest.fixture
def rivera():
    return UserFactory(username="arivera", first_name="Ana", last_name="Rivera", role="counselor")


@pytest.mark.parametrize("role", ["counselor", "supervisor", "front_desk", "administrator"])
def test_every_role_that_opens_a_picker_gets_suggestions(client, users, role, rivera):
    client.force_login(users[role])

    response = client.get(URL, {"q": "riv"})

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {"results": [{"id": rivera.pk, "label": "Rivera, Ana (arivera)"}]}


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, rivera):
    response = client.get(URL, {"q": "riv"})

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_user_the_policy_refuses_gets_403(client, counselor, rivera, monkeypatch):
    refused = dataclasses.replace(policy._rules[Action.PICK_COUNSELOR], test=lambda user, obj: False)
    monkeypatch.setitem(policy._rules, Action.PICK_COUNSELOR, refused)
    client.force_login(counselor)

    assert client.get(URL, {"q": "riv"}).status_code == 403


def test_at_most_15_by_name_and_only_active_clinicians(client, supervisor):
    UserFactory(username="gone", first_name="Ana", last_name="Aaron", is_active=False)
    UserFactory(username="desk", first_name="Ana", last_name="Abbot", role="front_desk")
    for n in range(20):
        UserFactory(username=f"ana{n:02}", first_name="Ana", last_name=f"Zimmer{n:02}")
    client.force_login(supervisor)

    results = client.get(URL, {"q": "ana"}).json()["results"]

    assert [r["label"] for r in results] == [f"Zimmer{n:02}, Ana (ana{n:02})" for n in range(15)]


def test_suggestions_name_no_patient(client, supervisor, rivera):
    PatientFactory(legal_first_name="Rivka", legal_last_name="Rivington", primary_counselor=rivera)
    client.force_login(supervisor)

    response = client.get(URL, {"q": "riv"})

    assert [set(r) for r in response.json()["results"]] == [{"id", "label"}]
    assert b"Rivka" not in response.content and b"Rivington" not in response.content


def test_a_post_is_refused(client, supervisor):
    client.force_login(supervisor)

    assert client.post(URL, {"q": "riv"}).status_code == 405


@pytest.mark.parametrize("q", ["", "a", "%", "_", "x" * 5000])
def test_any_text_gets_at_most_15_suggestions(client, supervisor, rivera, q):
    client.force_login(supervisor)

    response = client.get(URL, {"q": q})

    assert response.status_code == 200 and len(response.json()["results"]) <= 15


def test_it_runs_the_same_queries_for_3_and_40_counselors(client, supervisor):
    client.force_login(supervisor)
    UserFactory.create_batch(3, first_name="Ana")
    few = page_load(client, f"{URL}?q=ana")
    UserFactory.create_batch(37, first_name="Ana")
    many = page_load(client, f"{URL}?q=ana")

    assert few[0] == many[0]
    assert len(client.get(URL, {"q": "ana"}).json()["results"]) == 15
