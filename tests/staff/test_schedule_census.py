import datetime

import pytest
from django.utils import timezone

from programs.services import enrollment_discharge, enrollment_transition
from sessions.models import Reminder
from tests.clock import EDGES, clinic_time, monday, this_week
from tests.factories import (
    EnrollmentFactory,
    GroupSessionFactory,
    MembershipFactory,
    ProgramFactory,
    TherapyGroupFactory,
    book_counseling,
)
from tests.helpers import queries_for_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=EDGES)
def _clinic_clock(request, time_machine):
    """The schedule's and the census's week is the clinic's current ISO week, whatever the instant."""
    time_machine.move_to(clinic_time(request.param), tick=False)


def test_the_week_shows_each_days_sessions(client, counselor):
    tuesday = GroupSessionFactory(
        group__facilitator=counselor,
        facilitator=counselor,
        starts_at=this_week(1),
        group__title="Relapse Prevention AM",
    )
    client.force_login(counselor)

    page = client.get(f"/schedule/?week={monday().isoformat()}&counselor={counselor.pk}").content.decode()

    assert "Relapse Prevention AM" in page
    assert f'href="/sessions/{tuesday.pk}/"' in page


def test_individual_sessions_hide_names_outside_the_caseload(client, counselor, other_counselor):
    patient = EnrollmentFactory(patient__legal_last_name="Whitfield", counselor=other_counselor).patient
    book_counseling(acting_user=other_counselor, patient=patient, day=monday() + datetime.timedelta(days=8))
    client.force_login(counselor)

    week = (monday() + datetime.timedelta(days=7)).isoformat()
    page = client.get(f"/schedule/?week={week}&counselor=").content.decode()  # everyone's

    assert "Individual counseling" in page and "Whitfield" not in page


def test_a_busy_day_lists_its_first_sessions_and_counts_the_others(client, supervisor, monkeypatch):
    """Narrowed to a program, a busy day lists its first sessions and counts the rest; over the whole clinic it only
    counts them (its first few would say nothing about it), while a quiet day is listed."""
    monkeypatch.setattr("sessions.selectors.schedule.DAY_LIMIT", 2)
    program = ProgramFactory(name="Maple House")
    for hour in range(8, 13):
        GroupSessionFactory(starts_at=this_week(2, hour), group__program=program, group__title=f"Group {hour}")
    GroupSessionFactory(starts_at=this_week(4, 9), group__program=program, group__title="Quiet Friday")
    client.force_login(supervisor)

    page = client.get(f"/schedule/?week={monday().isoformat()}").content.decode()
    narrowed = client.get(f"/schedule/?week={monday().isoformat()}&program={program.pk}").content.decode()

    assert "Group 8" not in page and "5 sessions: choose a counselor or a program" in page
    assert "Quiet Friday" in page
    assert f'href="?week={monday().isoformat()}&program={program.pk}">Maple House</a> 6' in page
    assert "Group 9" in narrowed and "Group 10" not in narrowed and "and 3 more: narrow the view further" in narrowed


def test_the_schedule_runs_the_same_queries_for_2_and_40_sessions(client, supervisor):
    client.force_login(supervisor)
    for day in range(2):
        GroupSessionFactory(starts_at=this_week(day % 7, 8 + day))
    with_two = queries_for_page(client, f"/schedule/?week={monday().isoformat()}")
    for n in range(38):
        GroupSessionFactory(starts_at=this_week(n % 7, 8 + n % 10))

    assert queries_for_page(client, f"/schedule/?week={monday().isoformat()}") == with_two


def test_front_desk_cancels_a_session_with_a_reason_and_its_reminders_stop(client, front_desk):
    member = MembershipFactory()
    session = GroupSessionFactory(group=member.group, starts_at=timezone.now() + datetime.timedelta(days=2))
    reminder = Reminder.objects.create(
        kind="session_reminder",
        session=session,
        patient=member.patient,
        lead_hours=24,
        due_at=timezone.now() + datetime.timedelta(days=1),
    )
    client.force_login(front_desk)

    empty = client.post(f"/sessions/{session.pk}/cancel/", {"reason": ""}, follow=True)
    client.post(f"/sessions/{session.pk}/cancel/", {"reason": "Snow day"})

    assert "Give a reason" in empty.content.decode()
    session.refresh_from_db()
    reminder.refresh_from_db()
    assert (session.status, reminder.status) == ("cancelled", "cancelled")


def test_a_counselor_cannot_cancel_a_colleagues_session(client, counselor):
    session = GroupSessionFactory(starts_at=timezone.now() + datetime.timedelta(days=2))
    client.force_login(counselor)

    response = client.post(f"/sessions/{session.pk}/cancel/", {"reason": "x"}, follow=True)

    session.refresh_from_db()
    assert session.status == "scheduled"
    assert "Counselors cancel their own sessions" in response.content.decode()


def test_the_census_counts_capacity_and_this_weeks_movements(client, supervisor):
    residential = ProgramFactory(name="Maple House", level_of_care="3.5", capacity=4)
    iop = ProgramFactory(name="IOP - Day Track", level_of_care="2.1", capacity=10)
    stays = [
        EnrollmentFactory(program=residential, admitted_on=timezone.localdate() - datetime.timedelta(days=30))
        for _ in range(3)
    ]
    enrollment_transition(acting_user=supervisor, enrollment=stays[0], to_program=iop, reason="Step down")
    enrollment_discharge(acting_user=supervisor, enrollment=stays[1], reason=1)
    client.force_login(supervisor)

    page = client.get("/census/").content.decode()

    assert "1 / 4" in page and "1 / 10" in page
    assert "Step down: 1" in page
    assert "1 Treatment completed: 1" in page


def test_the_census_runs_the_same_queries_for_2_and_40_programs(client, supervisor):
    client.force_login(supervisor)
    for _ in range(2):
        EnrollmentFactory()
    with_two = queries_for_page(client, "/census/")
    for _ in range(38):
        EnrollmentFactory()

    assert queries_for_page(client, "/census/") == with_two


def test_the_session_page_runs_the_same_queries_for_2_and_40_expected(client, supervisor):
    group = TherapyGroupFactory(capacity=50)
    session = GroupSessionFactory(group=group)
    client.force_login(supervisor)
    MembershipFactory.create_batch(2, group=group)
    with_two = queries_for_page(client, f"/sessions/{session.pk}/")
    MembershipFactory.create_batch(38, group=group)

    assert queries_for_page(client, f"/sessions/{session.pk}/") == with_two
