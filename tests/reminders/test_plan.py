import datetime

import pytest
from django.utils import timezone

from programs.services import enrollment_discharge
from sessions.models import Reminder
from sessions.scheduling import local_start
from sessions.services.counseling import session_cancel
from sessions.services.reminder_plan import NO_CONSENT, NO_EMAIL, NOT_SCHEDULED, due_before, reminders_plan
from tests.factories import GroupSessionFactory, MembershipFactory, UserFactory
from tests.reminders.conftest import consenting

pytestmark = pytest.mark.django_db


def rows(**filters):
    return {(r.patient_id, r.lead_hours): r for r in Reminder.objects.filter(kind="session_reminder", **filters)}


def test_it_plans_one_reminder_per_lead_time_for_each_member(group, tomorrow_session):
    member = consenting(group=group)

    reminders_plan()

    planned = rows()
    assert set(planned) == {(member.patient_id, 24), (member.patient_id, 2)}
    assert planned[(member.patient_id, 24)].due_at == tomorrow_session.starts_at - datetime.timedelta(hours=24)
    assert planned[(member.patient_id, 2)].due_at == tomorrow_session.starts_at - datetime.timedelta(hours=2)
    assert {r.status for r in planned.values()} == {"pending"}


def test_patients_who_cannot_receive_get_a_cancelled_row_that_says_why(group, tomorrow_session):
    no_consent = MembershipFactory(group=group)
    no_email = consenting(group=group, enrollment__patient__email="")

    reminders_plan()

    planned = rows()
    assert planned[(no_consent.patient_id, 24)].cancelled_reason == NO_CONSENT
    assert planned[(no_email.patient_id, 2)].cancelled_reason == NO_EMAIL
    assert {r.status for r in planned.values()} == {"cancelled"}


def test_planning_twice_changes_nothing(group, tomorrow_session):
    consenting(group=group)
    reminders_plan()
    before = list(Reminder.objects.values_list("pk", "status", "due_at"))

    counts = reminders_plan()

    assert (counts["created"], counts["changed"], counts["cancelled"]) == (0, 0, 0)
    assert list(Reminder.objects.values_list("pk", "status", "due_at")) == before


def test_a_moved_session_moves_its_reminders(group, tomorrow_session):
    member = consenting(group=group)
    reminders_plan()

    tomorrow_session.starts_at += datetime.timedelta(hours=3)
    tomorrow_session.save()
    reminders_plan()

    assert rows()[(member.patient_id, 2)].due_at == tomorrow_session.starts_at - datetime.timedelta(hours=2)


def test_a_cancelled_session_cancels_its_reminders(group, tomorrow_session, counselor):
    consenting(group=group)
    reminders_plan()

    session_cancel(acting_user=counselor, session=tomorrow_session, reason="Snow day")
    reminders_plan()

    assert {r.status for r in rows().values()} == {"cancelled"}


def test_a_session_cancelled_behind_the_planners_back_is_caught(group, tomorrow_session):
    consenting(group=group)
    reminders_plan()

    type(tomorrow_session).objects.filter(pk=tomorrow_session.pk).update(status="cancelled")
    reminders_plan()

    assert {(r.status, r.cancelled_reason) for r in rows().values()} == {("cancelled", NOT_SCHEDULED)}


def test_leaving_the_program_cancels_and_revoking_consent_cancels_until_given_again(group, tomorrow_session, counselor):
    leaving, revoking = consenting(group=group), consenting(group=group)
    reminders_plan()

    enrollment_discharge(acting_user=counselor, enrollment=leaving.enrollment, reason=2)
    revoking.patient.reminder_consent_revoked_at = timezone.now()
    revoking.patient.save()
    reminders_plan()
    assert rows(patient=leaving.patient)[(leaving.patient_id, 24)].status == "cancelled"
    assert rows(patient=revoking.patient)[(revoking.patient_id, 24)].cancelled_reason == NO_CONSENT

    revoking.patient.reminder_consent_given_at, revoking.patient.reminder_consent_revoked_at = timezone.now(), None
    revoking.patient.save()
    reminders_plan()
    assert {r.status for r in rows(patient=revoking.patient).values()} == {"pending"}


@pytest.mark.parametrize(
    ("session_day", "due_day", "real_hours"),
    [
        (datetime.date(2027, 3, 15), datetime.date(2027, 3, 14), 24),  # the day after the spring change
        (datetime.date(2027, 3, 14), datetime.date(2027, 3, 13), 23),  # the change day itself: a 23-hour day
        (datetime.date(2027, 11, 7), datetime.date(2027, 11, 6), 25),  # the fall change: a 25-hour day
    ],
)
def test_the_24_hour_reminder_of_a_0930_session_is_at_0930_the_day_before(settings, group, session_day, due_day,
                                                                           real_hours):  # fmt: skip
    settings.TIME_ZONE = "America/New_York"
    session = GroupSessionFactory(group=group, starts_at=local_start(session_day, datetime.time(9, 30)))
    member = consenting(group=group)

    reminders_plan(now=local_start(due_day - datetime.timedelta(days=1), datetime.time(12, 0)))

    due = timezone.localtime(rows()[(member.patient_id, 24)].due_at)
    assert (due.date(), due.hour, due.minute) == (due_day, 9, 30)
    assert session.starts_at.astimezone(datetime.UTC) - due.astimezone(datetime.UTC) == datetime.timedelta(
        hours=real_hours
    )
    assert due_before(session.starts_at, 2) == session.starts_at - datetime.timedelta(hours=2)


def test_a_session_booked_at_short_notice_gets_only_the_reminders_still_ahead(group):
    soon = GroupSessionFactory(group=group, starts_at=timezone.now() + datetime.timedelta(hours=2))
    member = consenting(group=group)

    reminders_plan()

    assert set(rows()) == {(member.patient_id, 2)}
    assert rows()[(member.patient_id, 2)].due_at <= timezone.now() < soon.starts_at


def test_each_clinician_gets_one_digest_a_day(settings):
    settings.DIGEST_LOCAL_TIME = "07:00"
    counselor = UserFactory(role="counselor", email="c@staff.example")
    UserFactory(role="front_desk", email="f@staff.example")
    UserFactory(role="counselor", email="")
    early = local_start(timezone.localdate(), datetime.time(6, 0))

    reminders_plan(now=early)
    reminders_plan(now=early + datetime.timedelta(minutes=1))

    digest = Reminder.objects.get(kind="daily_digest")
    assert (digest.staff, digest.for_date) == (counselor, timezone.localdate())
    assert timezone.localtime(digest.due_at).time() == datetime.time(7, 0)


def test_no_digest_is_planned_late_in_the_evening():
    UserFactory(role="counselor", email="c@staff.example")

    reminders_plan(now=local_start(timezone.localdate(), datetime.time(22, 0)))

    assert not Reminder.objects.filter(kind="daily_digest").exists()
