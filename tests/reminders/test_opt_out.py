"""The opt-out link in patient emails: a GET only asks, a POST revokes, and only the consent the link was sent under."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.test import Client

from clinic.models import AuditEvent
from patients.services import patient_give_reminder_consent, patient_revoke_reminder_consent
from sessions.emails import OPT_OUT_SALT, opt_out_token
from sessions.services.reminder_plan import reminders_plan
from sessions.services.reminder_send import reminders_send_due
from tests.clock import REMINDER_MORNING as NOW
from tests.factories import GroupSessionFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]
ONE_CLICK = "List-Unsubscribe=One-Click"  # the body RFC 8058 mail clients POST


@pytest.fixture
def patient(settings):
    settings.CLINIC_DISCREET_NAME = "Harbor Light Health"
    return MembershipFactory(consenting=True).patient


def one_click(client, path):
    return client.post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")


def test_opening_the_link_asks_and_changes_nothing(client, patient):
    response = client.get(f"/stop/{opt_out_token(patient)}/")

    patient.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 200
    assert "Do you want to stop receiving appointment reminder emails" in page
    assert re.search(r'<form method="post">.*<button type="submit"[^>]*>Stop reminder emails</button>', page, re.S)
    assert patient.has_reminder_consent
    assert not AuditEvent.objects.filter(action="patient.consent_revoked").exists()
    assert "Recovery" not in page and "style=" not in page and "<script" not in page  # discreet; strict CSP


def test_the_pages_button_revokes_consent(client, patient):
    path = f"/stop/{opt_out_token(patient)}/"

    response = client.post(path, {"List-Unsubscribe": "One-Click"})

    patient.refresh_from_db()
    assert "you will not receive reminder emails" in response.content.decode()
    assert not patient.has_reminder_consent
    audit = AuditEvent.objects.get(action="patient.consent_revoked")
    assert (audit.actor, audit.patient_id, audit.detail) == (None, patient.pk, {"via": "opt-out link"})
    assert "Nothing has changed" in client.post(path, {"List-Unsubscribe": "One-Click"}).content.decode()
    assert "Nothing has changed" in client.get(path).content.decode()


def test_a_mail_clients_one_click_post_revokes_without_a_csrf_token(patient):
    response = one_click(Client(enforce_csrf_checks=True), f"/stop/{opt_out_token(patient)}/")

    patient.refresh_from_db()
    assert response.status_code == 200
    assert not patient.has_reminder_consent


def test_a_link_from_before_the_patient_consented_again_does_not_revoke_the_new_consent(
    client, patient, front_desk, time_machine
):
    old_link = f"/stop/{opt_out_token(patient)}/"
    patient_revoke_reminder_consent(acting_user=front_desk, patient=patient)
    time_machine.shift(datetime.timedelta(days=3))
    patient_give_reminder_consent(acting_user=front_desk, patient=patient)

    asked = client.get(old_link)
    response = one_click(client, old_link)

    patient.refresh_from_db()
    assert "cannot stop them" in asked.content.decode() and "cannot stop them" in response.content.decode()
    assert "Stop reminder emails</button>" not in asked.content.decode()
    assert patient.has_reminder_consent
    assert AuditEvent.objects.filter(action="patient.consent_revoked").count() == 1  # the front desk's only
    one_click(client, f"/stop/{opt_out_token(patient)}/")  # a link from a newer email still works
    patient.refresh_from_db()
    assert not patient.has_reminder_consent


def test_a_link_from_an_older_version_counts_only_if_signed_under_the_current_consent(
    client, patient, front_desk, time_machine
):
    """Links already in inboxes name only the patient; their signing time tells which consent they came under."""
    legacy = f"/stop/{signing.dumps(patient.pk, salt=OPT_OUT_SALT, compress=True)}/"
    patient_revoke_reminder_consent(acting_user=front_desk, patient=patient)
    time_machine.shift(datetime.timedelta(days=3))
    patient_give_reminder_consent(acting_user=front_desk, patient=patient)

    one_click(client, legacy)
    patient.refresh_from_db()
    assert patient.has_reminder_consent

    time_machine.shift(datetime.timedelta(hours=1))
    one_click(client, f"/stop/{signing.dumps(patient.pk, salt=OPT_OUT_SALT, compress=True)}/")
    patient.refresh_from_db()
    assert not patient.has_reminder_consent


@pytest.mark.parametrize("token", ["not-a-token", "MTI:1tK0:abc", signing.dumps(12, salt="another.purpose")])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_or_foreign_link_changes_nothing(client, patient, token, method):
    response = getattr(client, method)(f"/stop/{token}/")

    patient.refresh_from_db()
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert patient.has_reminder_consent


def test_sent_reminders_carry_one_click_unsubscribe_headers_that_work(client, patient):
    membership = patient.group_memberships.get()
    membership.group.program.reminder_lead_hours = [24]
    membership.group.program.save()
    GroupSessionFactory(group=membership.group, starts_at=NOW + datetime.timedelta(hours=24))
    reminders_plan(now=NOW)

    reminders_send_due(now=NOW)

    [sent] = mail.outbox
    headers = sent.message()
    url = re.fullmatch(r"<(http://127\.0\.0\.1:8000(/stop/[^/\s>]+/))>", headers["List-Unsubscribe"])
    assert url, headers["List-Unsubscribe"]
    assert headers["List-Unsubscribe-Post"] == ONE_CLICK
    assert url.group(1) in sent.body
    client.get(url.group(2))  # a scanner opening it
    patient.refresh_from_db()
    assert patient.has_reminder_consent
    one_click(client, url.group(2))
    patient.refresh_from_db()
    assert not patient.has_reminder_consent
