import pytest
from django.conf import settings

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302 and response.url.startswith("/login/")


def test_staff_sign_in_and_land_on_the_dashboard(client):
    UserFactory(username="jordan", role="counselor")

    response = sign_in(client, "jordan")

    assert response.status_code == 302 and response.url == "/"
    assert "Caseload of" in client.get("/").content.decode()


def test_a_wrong_password_says_so(client):
    UserFactory(username="jordan")

    response = sign_in(client, "jordan", "nope")

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_repeated_failures_lock_the_account_even_with_the_right_password(client):
    UserFactory(username="jordan")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "jordan", "guess")

    response = sign_in(client, "jordan")

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert client.get("/").status_code == 302  # still signed out


def test_staff_are_signed_out_after_thirty_idle_minutes(client):
    UserFactory(username="jordan")
    sign_in(client, "jordan")

    assert client.session.get_expiry_age() == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST  # each request starts the thirty minutes again


def test_signing_out_needs_a_post_and_ends_the_session(client):
    UserFactory(username="jordan")
    sign_in(client, "jordan")

    client.post("/logout/")

    assert client.get("/").status_code == 302


def test_staff_change_their_password(client):
    user = UserFactory(username="jordan")
    sign_in(client, "jordan")

    response = client.post(
        "/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer secret 42",
            "new_password2": "a much longer secret 42",
        },
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.check_password("a much longer secret 42")


def test_a_session_idle_past_its_expiry_is_signed_out(client):
    import datetime

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    UserFactory(username="jordan")
    sign_in(client, "jordan")
    assert client.get("/").status_code == 200

    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))  # 30 idle minutes later

    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")
