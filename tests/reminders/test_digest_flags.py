"""The daily digest gains the plans and measures sections (registered by those apps with sessions' digest): open
safety alerts on top, plans due or overdue, measures due, unexpected positive screens and score rises, each for the
clinician whose patients they are. The email stays minimal: a first name, a last initial and the MRN, no scores,
and the same subject."""

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from measures.models import MeasureSchedule, SafetyAlert
from measures.services import drug_screen_record, measure_record, safety_alert_follow_up
from sessions.models import Reminder
from sessions.selectors import digest_for
from sessions.services.reminder_send import reminders_send_due
from tests.clock import TODAY
from tests.factories import EnrollmentFactory
from tests.measures.conftest import phq9

pytestmark = pytest.mark.django_db


def flagged_patient(counselor, last_name: str, today: datetime.date = TODAY):
    """A patient of the counselor with every flag: a first plan overdue, a GAD-7 due, an open safety alert after a
    PHQ-9 that rose 8 points, and an unexpected positive screen yesterday."""
    enrollment = EnrollmentFactory(
        counselor=counselor,
        patient__primary_counselor=counselor,
        patient__legal_first_name="Marisol",
        patient__legal_last_name=last_name,
        program__level_of_care="2.1",
        admitted_on=today - datetime.timedelta(days=20),
    )
    MeasureSchedule.objects.create(program=enrollment.program, instrument="gad7", at_admission=True)
    for days_ago, total, item9 in ((10, 4, 0), (1, 12, 2)):
        measure_record(
            acting_user=counselor,
            patient=enrollment.patient,
            instrument="phq9",
            answers=phq9(total, item9=item9),
            administered_on=today - datetime.timedelta(days=days_ago),
        )
    drug_screen_record(
        acting_user=counselor,
        patient=enrollment.patient,
        collected_at=timezone.now() - datetime.timedelta(days=1),
        observed=True,
        results={"fty": "positive", "coc": "positive", "bup": "expected"},
    )
    return enrollment.patient


def sent_digest(staff):
    staff.email = f"{staff.username}@staff.example"
    staff.save()
    Reminder.objects.create(kind="daily_digest", staff=staff, for_date=TODAY, due_at=timezone.now())
    reminders_send_due(now=timezone.now())
    [digest] = [m for m in mail.outbox if m.to == [staff.email]]
    assert Reminder.objects.get(staff=staff).status == "sent"
    return digest


def test_the_digest_lists_the_clinicians_flags_with_the_alert_on_top(counselor, other_counselor):
    mine = flagged_patient(counselor, "Quintero")
    flagged_patient(other_counselor, "Abernathy")

    digest = sent_digest(counselor)

    body, html = digest.body, digest.alternatives[0][0]
    who = f"Marisol Q. (MRN {mine.mrn})"
    for part in (body, html):
        assert "URGENT: safety alerts to follow up (1)" in part
        assert f"{who}: raised Nov 18, follow-up not recorded" in part
        assert part.index("URGENT") < part.index("Today's sessions")
        assert f"{who}: first plan overdue since Nov 5" in part
        assert "Treatment plans due or overdue (1)" in part
        assert f"{who}: GAD-7 overdue since Oct 29" in part
        assert f"{who}: unexpected positive drug screen, collected Nov 17" in part
        assert "Unexpected positive screens since yesterday (1)" in part  # one screen, two substances
        assert f"{who}: PHQ-9 up 5 points or more on Nov 17" in part
        assert "Abernathy" not in part and "Marisol A." not in part
        assert "Quintero" not in part  # a last initial only
        assert "Fentanyl" not in part and "item 9" not in part.lower()
        assert not re.search(r"\b(12|8)\b", part)  # neither the PHQ-9's total nor its rise


def test_the_subject_is_unchanged_and_names_no_one(counselor):
    patient = flagged_patient(counselor, "Quintero")

    digest = sent_digest(counselor)

    assert digest.subject == "Your day, Wed, Nov 18: 0 sessions, 0 unsigned notes"
    assert patient.mrn not in digest.subject and "Marisol" not in digest.subject


def test_a_supervisors_digest_lists_every_alert_and_front_desk_gets_none(
    supervisor, counselor, other_counselor, front_desk
):
    flagged_patient(counselor, "Quintero")
    flagged_patient(other_counselor, "Abernathy")

    supervisors = sent_digest(supervisor).body
    assert "URGENT: safety alerts to follow up (2)" in supervisors
    assert "Marisol Q." in supervisors and "Marisol A." in supervisors

    front = sent_digest(front_desk).body
    assert "URGENT" not in front and "Marisol" not in front and "Treatment plans" not in front


def test_an_alert_followed_up_leaves_the_digest_and_an_empty_urgent_block_is_not_printed(counselor):
    flagged_patient(counselor, "Quintero")
    safety_alert_follow_up(acting_user=counselor, alert=SafetyAlert.objects.get(), note="Safety plan reviewed.")

    body = sent_digest(counselor).body

    assert "URGENT" not in body
    assert "Treatment plans due or overdue (1)" in body


def test_a_long_section_prints_twenty_rows_and_how_many_more(counselor, monkeypatch):
    for n in range(23):
        EnrollmentFactory(
            counselor=counselor,
            patient__primary_counselor=counselor,
            admitted_on=TODAY - datetime.timedelta(days=30 + n),
        )

    section = next(s for s in digest_for(counselor, TODAY).sections if s.title.startswith("Treatment plans"))

    assert (len(section.rows), section.count, section.more) == (20, 23, 3)
    assert "  and 3 more" in sent_digest(counselor).body


def test_the_digest_runs_the_same_queries_for_one_and_many_flagged_patients(counselor):
    flagged_patient(counselor, "Quintero")
    with CaptureQueriesContext(connection) as one:
        digest_for(counselor, TODAY)
    for n in range(6):
        flagged_patient(counselor, f"Lastname{n}")
    with CaptureQueriesContext(connection) as many:
        digest = digest_for(counselor, TODAY)

    assert len(many) == len(one)
    assert [s.count for s in digest.sections] == [7, 7, 7, 7, 7]
