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
def anouk():
    return UserFactory(username="aquill", first_name="Anouk", last_name="Quillfeather", role="counselor")


@pytest.mark.parametrize("role", ["counselor", "supervisor", "front_desk", "administrator"])
def test_every_role_that_opens_a_picker_gets_suggestions(client, users, role, anouk):
    client.force_login(users[role])

    response = client.get(URL, {"q": "quill"})

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {"results": [{"id": anouk.pk, "label": "Quillfeather, Anouk (aquill)"}]}


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, anouk):
    response = client.get(URL, {"q": "quill"})

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_user_the_policy_refuses_gets_403(client, counselor, anouk, monkeypatch):
    refused = dataclasses.replace(policy._rules[Action.PICK_COUNSELOR], test=lambda user, obj: False)
    monkeypatch.setitem(policy._rules, Action.PICK_COUNSELOR, refused)
    client.force_login(counselor)

    assert client.get(URL, {"q": "quill"}).status_code == 403


def test_at_most_15_by_name_and_only_active_clinicians(client, supervisor):
    UserFactory(username="gone", first_name="Xanthe", last_name="Aaron", is_active=False)
    UserFactory(username="desk", first_name="Xanthe", last_name="Abbot", role="front_desk")
    for n in range(20):
        UserFactory(username=f"xan{n:02}", first_name="Xanthe", last_name=f"Zimmer{n:02}")
    client.force_login(supervisor)

    results = client.get(URL, {"q": "xanthe"}).json()["results"]

    assert [r["label"] for r in results] == [f"Zimmer{n:02}, Xanthe (xan{n:02})" for n in range(15)]


def test_suggestions_name_no_patient(client, supervisor, anouk):
    PatientFactory(legal_first_name="Quilla", legal_last_name="Quillby", primary_counselor=anouk)
    client.force_login(supervisor)

    response = client.get(URL, {"q": "quill"})

    assert [set(r) for r in response.json()["results"]] == [{"id", "label"}]
    assert b"Quilla" not in response.content and b"Quillby" not in response.content


def test_a_post_is_refused(client, supervisor):
    client.force_login(supervisor)

    assert client.post(URL, {"q": "quill"}).status_code == 405


@pytest.mark.parametrize("q", ["", "a", "%", "_", "x" * 5000])
def test_any_text_gets_at_most_15_suggestions(client, supervisor, anouk, q):
    client.force_login(supervisor)

    response = client.get(URL, {"q": q})

    assert response.status_code == 200 and len(response.json()["results"]) <= 15


def test_it_runs_the_same_queries_for_3_and_40_counselors(client, supervisor):
    client.force_login(supervisor)
    UserFactory.create_batch(3, first_name="Xanthe")
    few = page_load(client, f"{URL}?q=xanthe")
    UserFactory.create_batch(37, first_name="Xanthe")
    many = page_load(client, f"{URL}?q=xanthe")

    assert few[0] == many[0]
    assert len(client.get(URL, {"q": "xanthe"}).json()["results"]) == 15
