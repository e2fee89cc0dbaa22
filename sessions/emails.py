"""The reminder emails: one small function per kind, each rendering a subject, a text and an HTML body.

Patient emails are discreet by law (42 CFR Part 2): they carry the clinic's discreet name, the patient's first
name, the local date and time, the place or video link, the clinic's phone number and an opt-out link, and
nothing else: no program, level of care or word about treatment. Staff emails may name the patient; their
subjects never do.
"""

import datetime
import functools
import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from clinic.discretion import is_discreet, revealing_settings
from clinic.email import DeliveryError
from patients.models import Patient

log = logging.getLogger(__name__)
OPT_OUT_SALT = "reminders.opt-out"
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)


def opt_out_token(patient: Patient) -> str:
    """A signed link token naming the patient and the consent it was issued under (when they consented, to the
    microsecond), so a link from an older email cannot revoke a consent the patient gave again later."""
    given = patient.reminder_consent_given_at
    stamp = None if given is None else (given - _EPOCH) // _MICROSECOND
    return signing.dumps([patient.pk, stamp], salt=OPT_OUT_SALT, compress=True)


def opt_out_token_read(token: str) -> tuple[Patient, datetime.datetime | None]:
    """The patient and the consent (its given-at time) the token was issued under. Raises signing.BadSignature for
    a tampered or foreign token, Patient.DoesNotExist for a patient who is not there."""
    payload = signing.loads(token, salt=OPT_OUT_SALT)
    if isinstance(payload, int):
        # A token from before tokens named the consent: it was issued under the current consent only if it was
        # signed after that consent was given.
        patient = Patient.objects.get(pk=payload)
        given = patient.reminder_consent_given_at
        try:
            signing.loads(token, salt=OPT_OUT_SALT, max_age=timezone.now() - given if given else 0)
        except signing.SignatureExpired:
            return patient, None
        return patient, given
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        raise signing.BadSignature("Not an opt-out token.")
    patient_id, stamp = payload
    return Patient.objects.get(pk=patient_id), None if stamp is None else _EPOCH + stamp * _MICROSECOND


def _opt_out_url(patient: Patient) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("reminder-opt-out", args=[opt_out_token(patient)])


@functools.cache
def _template(name: str):
    """Each email template is loaded and compiled once per process (a batch renders the same few thousands of
    times), and again after a test changes the template settings."""
    return get_template(name)


@receiver(setting_changed)
def _forget_templates(*, setting, **kwargs):
    if setting == "TEMPLATES":
        _template.cache_clear()


def _render_text(name: str, context: dict) -> str:
    """A subject or plain-text body. Plain text is not HTML: autoescaping it would print "D&#x27;Andre"."""
    return _template(name).template.render(Context(context, autoescape=False))


def _message(template: str, context: dict, *, to: str, message_id: str, headers=None) -> EmailMultiAlternatives:
    context = {
        "clinic_name": settings.CLINIC_DISCREET_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        **context,
    }
    subject = " ".join(_render_text(f"emails/{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=_render_text(f"emails/{template}.txt", context),
        from_email=f"{settings.CLINIC_DISCREET_NAME} <{settings.DEFAULT_FROM_EMAIL}>",
        to=[to],
        headers={"Message-ID": message_id, **(headers or {})},
    )
    message.attach_alternative(_template(f"emails/{template}.html").render(context), "text/html")
    return message


class HeldForDiscretion(DeliveryError):
    """A patient email would print a setting that reveals treatment: it waits (and retries) until that changes."""

    def __init__(self, message: str):
        super().__init__(message, permanent=False)


def patient_contact() -> dict:
    """The clinic's name and phone as a patient-facing page prints them: never a setting that reveals treatment."""
    return {
        "clinic_name": settings.CLINIC_DISCREET_NAME if is_discreet(settings.CLINIC_DISCREET_NAME) else "Reminders",
        "clinic_phone": settings.CLINIC_PHONE if is_discreet(settings.CLINIC_PHONE) else "the clinic",
    }


def _patient_message(template: str, reminder, *, message_id: str, **context) -> EmailMultiAlternatives:
    # The start-up check refuses such settings, but a worker does not run it: the sender must not print them.
    if revealing := revealing_settings():
        raise HeldForDiscretion(f"Patient emails are held: {', '.join(revealing)} would reveal treatment.")
    patient = reminder.patient
    url = _opt_out_url(patient)
    session = reminder.session
    # A room or link entered before the rule (or behind the services' back) is left out: the patient is asked to
    # call for it instead.
    place = {"location": session.location, "video_link": session.video_link}
    shown = {field: text if is_discreet(text) else "" for field, text in place.items()}
    if shown != place:
        log.warning("session %s: its room or video link would reveal treatment; not printed for a patient", session.pk)
    return _message(
        template,
        {
            "first_name": patient.display_first_name,
            "starts_at": timezone.localtime(session.starts_at),
            **shown,
            "place_withheld": shown != place,
            "opt_out_url": url,
            **context,
        },
        to=patient.email,
        message_id=message_id,
        # One-click unsubscribe in mail clients (RFC 8058).
        headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def session_reminder(reminder, *, message_id: str) -> EmailMultiAlternatives:
    return _patient_message("session_reminder", reminder, message_id=message_id)


def missed_follow_up(reminder, *, message_id: str) -> EmailMultiAlternatives:
    return _patient_message("missed_follow_up", reminder, message_id=message_id)


def absence_alert(reminder, *, message_id: str) -> EmailMultiAlternatives:
    session = reminder.session
    return _message(
        "absence_alert",
        {
            "staff": reminder.staff,
            "patient": reminder.patient,
            "session": session,
            "title": session.title,
            "starts_at": timezone.localtime(session.starts_at),
            "site_url": settings.SITE_URL,
        },
        to=reminder.staff.email,
        message_id=message_id,
    )


def digest_greeting(sent_at: datetime.datetime) -> str:
    """The digest is a morning email, but one planned late (a clinician added in the afternoon, workers down at
    DIGEST_LOCAL_TIME) goes out later the same day, still useful: its greeting follows the clinic's clock when it is
    sent, so no "Good morning" at 3:25 PM."""
    hour = timezone.localtime(sent_at).hour
    return "Good morning" if hour < 12 else "Good afternoon" if hour < 17 else "Good evening"


def daily_digest(reminder, *, message_id: str, digest, now: datetime.datetime) -> EmailMultiAlternatives:
    return _message(
        "daily_digest",
        {
            "staff": reminder.staff,
            "day": reminder.for_date,
            "digest": digest,
            "greeting": digest_greeting(now),
            "site_url": settings.SITE_URL,
        },
        to=reminder.staff.email,
        message_id=message_id,
    )
