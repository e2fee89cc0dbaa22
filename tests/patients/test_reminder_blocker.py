import datetime

import pytest

from patients.models import NO_EMAIL_ADDRESS, NO_REMINDER_CONSENT, Patient

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def patient(*, email="ana@example.com", given=NOW, revoked=None) -> Patient:
    return Patient(email=email, reminder_consent_given_at=given, reminder_consent_revoked_at=revoked)


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        (patient(), ""),
        (patient(given=None), NO_REMINDER_CONSENT),
        (patient(revoked=NOW + datetime.timedelta(days=1)), NO_REMINDER_CONSENT),
        (patient(email=""), NO_EMAIL_ADDRESS),
        (patient(email="", given=None), NO_REMINDER_CONSENT),  # consent is asked about first
    ],
    ids=["may-be-emailed", "never-consented", "revoked", "no-address", "neither"],
)
def test_the_reminder_blocker_says_why_no_email_may_go(who, reason):
    assert who.reminder_blocker() == reason


def test_the_reasons_read_as_staff_see_them_on_the_delivery_log():
    assert NO_REMINDER_CONSENT == "The patient has not consented to reminder emails."
    assert NO_EMAIL_ADDRESS == "The patient has no email address."
