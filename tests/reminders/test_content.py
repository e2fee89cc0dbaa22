import datetime
import re

import pytest
from django.core import mail
from django.db.models import Max
from django.utils import timezone

from clinic.clock import local_start
from sessions.models import Reminder
from sessions.services.attendance import attendance_record
from sessions.services.reminder_plan import reminders_plan
from sessions.services.reminder_send import reminders_send_due
from tests.factories import GroupSessionFactory, MembershipFactory, ProgressNoteFactory

pytestmark = pytest.mark.django_db
FORBIDDEN = ["addiction", "substance", "alcohol", "drug", "recovery", "rehab", "detox", "sobriety", "treatment"]


def parts(message):
    return [message.subject, message.body, message.alternatives[0][0]]


@pytest.fixture
def revealing_group(counselor, settings):
    settings.CLINIC_LEGAL_NAME = "Harbor Light Recovery Center"
    settings.CLINIC_DISCREET_NAME = "Harbor Light Health"
    settings.CLINIC_PHONE = "(555) 010-2400"
    from tests.factories import TherapyGroupFactory

    return TherapyGroupFactory(
        facilitator=counselor,
        title="Alcohol Relapse Prevention",
        topic="Sobriety and 12-step recovery",
        program__name="Substance Use IOP - Recovery Track",
        program__level_of_care="2.1",
        program__reminder_lead_hours=[24],
    )


def send_all():
    """Send what is pending, at the time the last of it falls due (the same day: the conftest's clock)."""
    reminders_send_due(now=Reminder.objects.filter(status="pending").aggregate(last=Max("due_at"))["last"])


def test_patient_emails_reveal_nothing_about_treatment(revealing_group, counselor):
    member = MembershipFactory(
        consenting=True,
        group=revealing_group,
        enrollment__patient__legal_first_name="Dana",
        enrollment__patient__preferred_name="Dee",
    )
    GroupSessionFactory(
        group=revealing_group, location="Riverside, room 2", starts_at=timezone.now() + datetime.timedelta(hours=30)
    )
    past = GroupSessionFactory(group=revealing_group, starts_at=timezone.now() - datetime.timedelta(hours=2))
    reminders_plan()
    attendance_record(acting_user=counselor, session=past, patient=member.patient, status="unexcused")

    send_all()

    to_patient = [m for m in mail.outbox if m.to == [member.patient.email]]
    assert {m.subject.split(":")[0].split(" - ")[0] for m in to_patient} == {"Reminder", "We missed you"}
    for message in to_patient:
        for text in parts(message):
            lowered = text.lower()
            assert not [word for word in FORBIDDEN if word in lowered], text
            for secret in ("IOP", "2.1", revealing_group.title, revealing_group.program.name, "Harbor Light Recovery"):
                assert secret not in text
        assert "Dee" in message.body and "Harbor Light Health" in message.body and "(555) 010-2400" in message.body
        assert re.search(r"http://127\.0\.0\.1:8000/stop/[^/\s]+/", message.body)
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    reminder = next(m for m in to_patient if m.subject.startswith("Reminder"))
    assert "Riverside, room 2" in reminder.body
    local = timezone.localtime(timezone.now() + datetime.timedelta(hours=30))
    assert local.strftime("%B") in reminder.body


def test_the_counselors_alert_names_the_patient_in_the_body_only(revealing_group, counselor):
    counselor.email = "jordan@staff.example"
    counselor.save()
    member = MembershipFactory(
        consenting=True,
        group=revealing_group,
        enrollment__patient__primary_counselor=counselor,
        enrollment__patient__legal_last_name="Whitfield",
    )
    past = GroupSessionFactory(group=revealing_group, starts_at=timezone.now() - datetime.timedelta(hours=2))
    attendance_record(acting_user=counselor, session=past, patient=member.patient, status="unexcused")

    send_all()

    [alert] = [m for m in mail.outbox if m.to == ["jordan@staff.example"]]
    assert "Whitfield" in alert.body and member.patient.mrn in alert.body
    assert "Whitfield" not in alert.subject and member.patient.mrn not in alert.subject
    assert alert.subject.startswith("Absence to follow up")


def test_the_daily_digest_lists_the_day(counselor, revealing_group):
    counselor.email = "jordan@staff.example"
    counselor.save()
    GroupSessionFactory(group=revealing_group, starts_at=local_start(timezone.localdate(), datetime.time(15)))
    member = MembershipFactory(
        consenting=True,
        group=revealing_group,
        enrollment__patient__primary_counselor=counselor,
        enrollment__admitted_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    ProgressNoteFactory(
        author=counselor,
        attendance__session__group=revealing_group,
        attendance__session__starts_at=timezone.now() - datetime.timedelta(days=1),
    )
    Reminder.objects.create(kind="daily_digest", staff=counselor, for_date=timezone.localdate(), due_at=timezone.now())

    send_all()

    [digest] = mail.outbox
    assert digest.subject.endswith("1 unsigned note")
    assert "3:00 PM  Alcohol Relapse Prevention" in digest.body
    assert f"(MRN {member.patient.mrn}): 0.00 of 9 hours" in digest.body  # nothing attended last week
    assert member.patient.legal_last_name not in digest.subject
