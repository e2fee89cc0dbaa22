"""The follow-up after a missed session is a patient email like the others: it obeys the program's reminder
settings. A residential program (its patients live on site) sends no reminders, so none of its patients gets
"We missed you ... please call us"; the counselor's alert goes all the same."""

import pytest
from django.core import mail
from django.utils import timezone

from clinic.levels import LevelOfCare
from programs.models import NO_PATIENT_EMAILS
from sessions.models import Reminder
from sessions.services.attendance import attendance_record
from sessions.services.reminder_send import reminders_send_due
from tests.factories import GroupSessionFactory, MembershipFactory, TherapyGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_site(counselor):
    """A consenting patient of Maple House, a residential program with no reminder lead times, on the counselor's
    group there, and a session of it that started an hour ago."""
    counselor.email = "jordan@staff.example"
    counselor.save()
    group = TherapyGroupFactory(
        facilitator=counselor,
        program__name="Maple House",
        program__level_of_care=LevelOfCare.CLINICALLY_MANAGED_HIGH_INTENSITY,
        program__reminder_lead_hours=[],
    )
    member = MembershipFactory(group=group, consenting=True, enrollment__patient__primary_counselor=counselor)
    return member, GroupSessionFactory(group=group)


def test_a_residential_patient_gets_no_follow_up_but_the_counselor_is_alerted(counselor, on_site):
    member, session = on_site

    attendance_record(acting_user=counselor, session=session, patient=member.patient, status="unexcused")
    reminders_send_due(now=timezone.now())

    follow_up = Reminder.objects.get(kind="missed_follow_up")
    assert (follow_up.status, follow_up.cancelled_reason) == ("cancelled", NO_PATIENT_EMAILS)
    assert Reminder.objects.get(kind="absence_alert").status == "sent"
    assert [m.to for m in mail.outbox] == [[counselor.email]]
    assert not any("We missed you" in m.subject + m.body for m in mail.outbox)


def test_a_follow_up_queued_before_the_program_stopped_patient_emails_is_not_sent(counselor, member, session):
    attendance_record(acting_user=counselor, session=session, patient=member.patient, status="unexcused")
    assert Reminder.objects.get(kind="missed_follow_up").status == "pending"
    session.program.reminder_lead_hours = []
    session.program.save()

    reminders_send_due(now=timezone.now())

    follow_up = Reminder.objects.get(kind="missed_follow_up")
    assert (follow_up.status, follow_up.cancelled_reason) == ("cancelled", NO_PATIENT_EMAILS)
    assert not any(member.patient.email in m.to for m in mail.outbox)


def test_a_program_that_reminds_its_patients_follows_up_after_an_absence(counselor, member, session):
    attendance_record(acting_user=counselor, session=session, patient=member.patient, status="unexcused")

    reminders_send_due(now=timezone.now())

    [follow_up] = [m for m in mail.outbox if m.to == [member.patient.email]]
    assert "We missed you" in follow_up.body
