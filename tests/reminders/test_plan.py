import datetime

import pytest
from django.utils import timezone

from clinic.clock import local_start
from patients.models import NO_EMAIL_ADDRESS, NO_REMINDER_CONSENT
from programs.services import enrollment_discharge
from sessions.models import Reminder
from sessions.services.counseling import session_cancel
from sessions.services.reminder_plan import NOT_SCHEDULED, due_before, reminders_plan
from sessions.services.reminder_send import SESSION_STARTED, reminders_send_due
from tests.clock import TODAY, at, clinic_time
from tests.factories import GroupSessionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def rows(**filters):
    return {(r.patient_id, r.lead_hours): r for r in Reminder.objects.filter(kind="session_reminder", **filters)}


def test_it_plans_one_reminder_per_lead_time_for_each_member(group, tomorrow_session):
    member = MembershipFactory(consenting=True, group=group)

    reminders_plan()

    planned = rows()
    assert set(planned) == {(member.patient_id, 24), (member.patient_id, 2)}
    assert planned[(member.patient_id, 24)].due_at == tomorrow_session.starts_at - datetime.timedelta(hours=24)
    assert planned[(member.patient_id, 2)].due_at == tomorrow_session.starts_at - datetime.timedelta(hours=2)
    assert {r.status for r in planned.values()} == {"pending"}


def test_patients_who_cannot_receive_get_a_cancelled_row_that_says_why(group, tomorrow_session):
    no_consent = MembershipFactory(group=group)
    no_email = MembershipFactory(consenting=True, group=group, enrollment__patient__email="")

    reminders_plan()

    planned = rows()
    assert planned[(no_consent.patient_id, 24)].cancelled_reason == NO_REMINDER_CONSENT
    assert planned[(no_email.patient_id, 2)].cancelled_reason == NO_EMAIL_ADDRESS
    assert {r.status for r in planned.values()} == {"cancelled"}


def test_planning_twice_changes_nothing(group, tomorrow_session):
    MembershipFactory(consenting=True, group=group)
    reminders_plan()
    before = list(Reminder.objects.values_list("pk", "status", "due_at"))

    counts = reminders_plan()

    assert (counts["created"], counts["changed"], counts["cancelled"]) == (0, 0, 0)
    assert list(Reminder.objects.values_list("pk", "status", "due_at")) == before


def test_a_moved_session_moves_its_reminders(group, tomorrow_session):
    member = MembershipFactory(consenting=True, group=group)
    reminders_plan()

    tomorrow_session.starts_at += datetime.timedelta(hours=3)
    tomorrow_session.save()
    reminders_plan()

    assert rows()[(member.patient_id, 2)].due_at == tomorrow_session.starts_at - datetime.timedelta(hours=2)


def test_a_cancelled_session_cancels_its_reminders(group, tomorrow_session, counselor):
    MembershipFactory(consenting=True, group=group)
    reminders_plan()

    session_cancel(acting_user=counselor, session=tomorrow_session, reason="Snow day")
    reminders_plan()

    assert {r.status for r in rows().values()} == {"cancelled"}


def test_a_session_cancelled_behind_the_planners_back_is_caught(group, tomorrow_session):
    MembershipFactory(consenting=True, group=group)
    reminders_plan()

    type(tomorrow_session).objects.filter(pk=tomorrow_session.pk).update(status="cancelled")
    reminders_plan()

    assert {(r.status, r.cancelled_reason) for r in rows().values()} == {("cancelled", NOT_SCHEDULED)}


def test_leaving_the_program_cancels_and_revoking_consent_cancels_until_given_again(group, tomorrow_session, counselor):
    leaving, revoking = MembershipFactory(consenting=True, group=group), MembershipFactory(consenting=True, group=group)
    reminders_plan()

    enrollment_discharge(acting_user=counselor, enrollment=leaving.enrollment, reason=2)
    revoking.patient.reminder_consent_revoked_at = timezone.now()
    revoking.patient.save()
    reminders_plan()
    assert rows(patient=leaving.patient)[(leaving.patient_id, 24)].status == "cancelled"
    assert rows(patient=revoking.patient)[(revoking.patient_id, 24)].cancelled_reason == NO_REMINDER_CONSENT

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
def test_the_24_hour_reminder_of_a_0930_session_is_at_0930_the_day_before(
    settings, group, session_day, due_day, real_hours
):
    settings.TIME_ZONE = "America/New_York"
    session = GroupSessionFactory(group=group, starts_at=local_start(session_day, datetime.time(9, 30)))
    member = MembershipFactory(consenting=True, group=group)

    reminders_plan(now=local_start(due_day - datetime.timedelta(days=1), datetime.time(12, 0)))

    due = timezone.localtime(rows()[(member.patient_id, 24)].due_at)
    assert (due.date(), due.hour, due.minute) == (due_day, 9, 30)
    assert session.starts_at.astimezone(datetime.UTC) - due.astimezone(datetime.UTC) == datetime.timedelta(
        hours=real_hours
    )
    assert due_before(session.starts_at, 2) == session.starts_at - datetime.timedelta(hours=2)


def test_a_session_booked_at_short_notice_gets_only_the_reminders_still_ahead(group):
    soon = GroupSessionFactory(group=group, starts_at=timezone.now() + datetime.timedelta(hours=2))
    member = MembershipFactory(consenting=True, group=group)

    reminders_plan()

    assert set(rows()) == {(member.patient_id, 2)}
    assert rows()[(member.patient_id, 2)].due_at <= timezone.now() < soon.starts_at


@pytest.mark.parametrize(
    "day",
    [
        TODAY,
        datetime.date(2026, 3, 8),  # spring forward: 02:00 -> 03:00
        datetime.date(2026, 11, 1),  # fall back: 02:00 -> 01:00
        datetime.date(2026, 12, 31),
        datetime.date(2027, 1, 1),
    ],
)
def test_each_clinician_gets_one_digest_a_day(settings, day, _clinic_clock):
    settings.DIGEST_LOCAL_TIME = "07:00"
    _clinic_clock.move_to(at(day, 0, 5), tick=False)
    counselor = UserFactory(role="counselor", email="c@staff.example")
    UserFactory(role="front_desk", email="f@staff.example")
    UserFactory(role="counselor", email="")
    early = at(day, 6)

    reminders_plan(now=early)
    reminders_plan(now=early + datetime.timedelta(minutes=1))

    digest = Reminder.objects.get(kind="daily_digest")
    assert (digest.staff, digest.for_date) == (counselor, day)
    assert digest.due_at == at(day, 7)


@pytest.mark.parametrize(
    ("day", "hour", "minute"), [(TODAY, 21, 0), (TODAY, 22, 0), (datetime.date(2026, 12, 31), 23, 59)]
)
def test_no_digest_is_planned_late_in_the_evening(day, hour, minute):
    UserFactory(role="counselor", email="c@staff.example")

    reminders_plan(now=at(day, hour, minute))

    assert not Reminder.objects.filter(kind="daily_digest").exists()


# Planned at, the session's start, then (clinic time, lead hours, the reminder's status after a send run then).
# The 24-hour and 2-hour reminders fall due at those wall-clock lead times; patients' emails wait out the quiet
# hours (21:00-08:00) and are never sent once the session has started.
EDGES = {
    "late evening": (
        "2026-11-18 22:45",
        "2026-11-20 00:30",
        [
            ("2026-11-19 00:29", 24, "pending"),
            ("2026-11-19 00:30", 24, "pending"),  # due, but quiet hours
            ("2026-11-19 08:00", 24, "sent"),
            ("2026-11-19 22:30", 2, "pending"),
            ("2026-11-20 08:00", 2, "cancelled"),
        ],
    ),
    "early morning": (
        "2026-11-19 03:30",
        "2026-11-20 09:30",
        [
            ("2026-11-19 09:29", 24, "pending"),
            ("2026-11-19 09:30", 24, "sent"),
            ("2026-11-20 07:29", 2, "pending"),
            ("2026-11-20 07:30", 2, "pending"),
            ("2026-11-20 08:00", 2, "sent"),
        ],
    ),
    "spring-forward night": (
        "2026-03-08 01:30",
        "2026-03-09 09:00",
        [  # 24 hours on the clock, 23 real ones
            ("2026-03-08 08:59", 24, "pending"),
            ("2026-03-08 09:00", 24, "sent"),
            ("2026-03-09 07:00", 2, "pending"),
            ("2026-03-09 08:00", 2, "sent"),
        ],
    ),
    "fall-back night": (
        "2026-11-01 01:30",
        "2026-11-02 01:30",
        [  # 25 hours ahead: the 24-hour one is due now
            ("2026-11-01 08:00", 24, "sent"),
            ("2026-11-01 23:30", 2, "pending"),
            ("2026-11-02 08:00", 2, "cancelled"),
        ],
    ),
    "fall-back night, the second 01:30": (
        "2026-11-01 01:30 again",
        "2026-11-02 01:30",
        [  # 24 h: an hour ago
            ("2026-11-01 23:30", 2, "pending"),
            ("2026-11-02 08:00", 2, "cancelled"),
        ],
    ),
    "last night of 2026": (
        "2026-12-31 23:30",
        "2027-01-02 00:15",
        [
            ("2027-01-01 00:15", 24, "pending"),
            ("2027-01-01 08:00", 24, "sent"),
            ("2027-01-01 22:15", 2, "pending"),
            ("2027-01-02 08:00", 2, "cancelled"),
        ],
    ),
    "new year's morning": (
        "2027-01-01 00:15",
        "2027-01-01 10:00",
        [  # the 24-hour one is already past
            ("2027-01-01 07:59", 2, "pending"),
            ("2027-01-01 08:00", 2, "sent"),
        ],
    ),
}


@pytest.mark.parametrize(("planned_at", "starts", "steps"), EDGES.values(), ids=EDGES.keys())
def test_reminders_planned_at_any_hour_go_at_their_lead_times_outside_quiet_hours(
    group, _clinic_clock, planned_at, starts, steps
):
    _clinic_clock.move_to(clinic_time(planned_at), tick=False)
    session = GroupSessionFactory(group=group, starts_at=clinic_time(starts))
    member = MembershipFactory(consenting=True, group=group)

    reminders_plan()

    planned = rows()
    assert set(planned) == {(member.patient_id, lead) for _, lead, _ in steps}
    for lead in {lead for _, lead, _ in steps}:
        expected = due_before(session.starts_at, lead).astimezone(datetime.UTC)  # in the fall-back hour, compare
        assert planned[(member.patient_id, lead)].due_at == expected  # instants: aware "==" across zones is False
    for when, lead, status in steps:
        _clinic_clock.move_to(clinic_time(when), tick=False)
        reminders_plan()
        reminders_send_due()
        reminder = rows()[(member.patient_id, lead)]
        assert reminder.status == status, when
        if status == "cancelled":
            assert reminder.cancelled_reason == SESSION_STARTED


def test_the_24_hour_reminder_on_the_spring_forward_night_falls_an_hour_later():
    # 02:30 does not exist on 2026-03-08: the reminder of a 02:30 session the day after goes at 03:30.
    due = due_before(at(datetime.date(2026, 3, 9), 2, 30), 24)
    assert due.astimezone(datetime.UTC) == at(datetime.date(2026, 3, 8), 3, 30)
