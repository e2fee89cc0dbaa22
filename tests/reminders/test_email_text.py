"""Plain-text bodies and subjects print names as they are; HTML bodies escape them."""

import datetime

import pytest
from django.core import mail

from sessions.services.attendance import attendance_record
from sessions.services.reminder_plan import reminders_plan
from sessions.services.reminder_send import reminders_send_due
from tests.clock import REMINDER_MORNING as NOW
from tests.factories import GroupSessionFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]
NAME = 'D\'Andre & "Jo" <x>'
ESCAPED = "D&#x27;Andre &amp; &quot;Jo&quot; &lt;x&gt;"


def test_text_bodies_and_subjects_are_not_html_escaped_but_html_bodies_are(counselor, settings):
    settings.CLINIC_DISCREET_NAME = 'Bay & Harbor "Health"'
    counselor.email = "jordan@staff.example"
    counselor.save()
    member = MembershipFactory(
        consenting=True,
        group__facilitator=counselor,
        group__program__reminder_lead_hours=[24],
        enrollment__patient__legal_first_name=NAME,
        enrollment__patient__legal_last_name="O'Neil",
        enrollment__patient__primary_counselor=counselor,
    )
    GroupSessionFactory(group=member.group, starts_at=NOW + datetime.timedelta(hours=24), location="Room 2 & 3")
    past = GroupSessionFactory(group=member.group, starts_at=NOW - datetime.timedelta(hours=4))
    reminders_plan(now=NOW)
    attendance_record(acting_user=counselor, session=past, patient=member.patient, status="unexcused")

    reminders_send_due(now=NOW)

    by_subject = {m.subject.split(" ")[0]: m for m in mail.outbox}
    reminder, missed, alert = by_subject["Reminder:"], by_subject["We"], by_subject["Absence"]
    for message in (reminder, missed):
        assert f"Hi {NAME}," in message.body
        assert f"Hi {ESCAPED}," in message.alternatives[0][0]
        assert message.subject.endswith(' - Bay & Harbor "Health"')
        assert "Bay &amp; Harbor &quot;Health&quot;" in message.alternatives[0][0]
    assert "Where: Room 2 & 3" in reminder.body
    assert f"{NAME} O'Neil (MRN {member.patient.mrn})" in alert.body
    assert f"{ESCAPED} O&#x27;Neil" in alert.alternatives[0][0]
    assert "&" not in alert.subject and "#x27" not in alert.subject
