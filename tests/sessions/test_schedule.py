import datetime

import pytest

from sessions.models import Attendance
from sessions.selectors import schedule_week, session_page
from tests.clock import EDGES, clinic_time, monday, this_week
from tests.factories import (
    EnrollmentFactory,
    GroupSessionFactory,
    MembershipFactory,
    TherapyGroupFactory,
    UserFactory,
    book_counseling,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=EDGES[:6])
def _clinic_clock(request, time_machine):
    """The week is the clinic's ISO week: around midnight, Sunday into Monday, and a daylight-saving night."""
    time_machine.move_to(clinic_time(request.param), tick=False)


def booked(counselor, day, hour=10):
    """An individual session with `counselor`, booked by the front desk, of a patient of another caseload."""
    patient = EnrollmentFactory(counselor=UserFactory(role="counselor")).patient
    front_desk = UserFactory(role="front_desk")
    return book_counseling(
        acting_user=front_desk, patient=patient, counselor=counselor, day=day, at=datetime.time(hour)
    )[0]


def test_the_week_runs_monday_to_sunday_and_files_each_session_under_its_local_day(supervisor):
    first, last = GroupSessionFactory(starts_at=this_week(0, 0)), GroupSessionFactory(starts_at=this_week(6, 23))
    GroupSessionFactory(starts_at=this_week(7, 0))  # next Monday

    week = schedule_week(supervisor, day=monday() + datetime.timedelta(days=3))

    assert [d.day for d in week.days] == [monday() + datetime.timedelta(days=n) for n in range(7)]
    assert week.days[0].sessions == [first] and week.days[6].sessions == [last]
    assert sum(len(d.sessions) for d in week.days) == 2
    assert (week.previous, week.next) == (monday() - datetime.timedelta(days=7), monday() + datetime.timedelta(days=7))


def test_it_shows_one_counselors_or_one_programs_sessions(supervisor, counselor):
    mine = GroupSessionFactory(group__facilitator=counselor, starts_at=this_week(1))
    other = GroupSessionFactory(starts_at=this_week(2))

    by_counselor = schedule_week(supervisor, day=monday(), counselor=counselor)
    by_program = schedule_week(supervisor, day=monday(), program=other.program)

    assert [s for d in by_counselor.days for s in d.sessions] == [mine]
    assert [s for d in by_program.days for s in d.sessions] == [other]


def test_a_patient_outside_the_users_scope_is_not_named(counselor, supervisor):
    session = booked(counselor, monday() + datetime.timedelta(days=1))

    [mine] = [s for d in schedule_week(counselor, day=monday()).days for s in d.sessions]
    [theirs] = [s for d in schedule_week(supervisor, day=monday()).days for s in d.sessions]

    assert mine == theirs == session
    assert not mine.patient_visible and schedule_week(counselor, day=monday()).visible_patient_ids == set()
    assert theirs.patient_visible


def test_only_clinicians_learn_how_many_attended(counselor, front_desk):
    member = MembershipFactory(group__facilitator=counselor)
    session = GroupSessionFactory(group=member.group, starts_at=this_week(0), status="held")
    Attendance.objects.create(
        session=session, patient=member.patient, enrollment=member.enrollment, status="present", minutes_attended=180
    )

    [seen] = [s for d in schedule_week(counselor, day=monday()).days for s in d.sessions]
    [shown] = [s for d in schedule_week(front_desk, day=monday()).days for s in d.sessions]

    assert seen.attended == 1 and not hasattr(shown, "attended")


def test_the_week_runs_the_same_queries_for_2_and_40_sessions(supervisor, counselor, django_assert_num_queries):
    for n in range(2):
        booked(counselor, monday() + datetime.timedelta(days=n))
    # the counts per day and program, each day's first sessions (ids, rows), how many attended, the patients named
    with django_assert_num_queries(5):
        assert len(schedule_week(supervisor, day=monday()).visible_patient_ids) == 2
    for n in range(38):
        booked(counselor, monday() + datetime.timedelta(days=n % 7), hour=11 + n // 7)
    with django_assert_num_queries(5):
        assert len(schedule_week(supervisor, day=monday()).visible_patient_ids) == 40


def test_each_day_lists_its_first_sessions_and_counts_the_others_and_each_programs(supervisor, monkeypatch):
    monkeypatch.setattr("sessions.selectors.schedule.DAY_LIMIT", 3)
    tuesday = [GroupSessionFactory(starts_at=this_week(1, 8 + n)) for n in range(5)]
    friday = GroupSessionFactory(starts_at=this_week(4), group__program=tuesday[0].program)

    week = schedule_week(supervisor, day=monday())
    facilitated = schedule_week(supervisor, day=monday(), counselor=tuesday[0].facilitator)
    in_program = schedule_week(supervisor, day=monday(), program=tuesday[0].program)

    # over the whole clinic, a day that does not fit is only counted
    assert (week.days[1].sessions, week.days[1].total, week.days[1].more) == ([], 5, 5)
    assert (week.days[4].sessions, week.days[4].total, week.days[4].more) == ([friday], 1, 0)
    assert week.total == 6
    assert (facilitated.days[1].sessions, facilitated.days[1].more) == ([tuesday[0]], 0)
    assert (in_program.days[1].sessions, in_program.days[4].sessions) == ([tuesday[0]], [friday])
    assert sorted((p.name, p.sessions) for p in week.by_program) == sorted(
        [(tuesday[0].program.name, 2)] + [(s.program.name, 1) for s in tuesday[1:]]
    )


def test_the_session_page_names_only_the_patients_in_scope(counselor, other_counselor):
    group = TherapyGroupFactory(facilitator=other_counselor)
    session = GroupSessionFactory(group=group, starts_at=this_week(0))
    mine = MembershipFactory(group=group, enrollment__patient__primary_counselor=counselor).patient
    MembershipFactory.create_batch(2, group=group)

    page = session_page(counselor, pk=session.pk)

    assert page.session == session and page.patients == [mine] and page.hidden == 2
    assert page.clinician and page.attended == 0


def test_the_session_page_of_no_session_is_none_and_attendance_is_for_clinicians(front_desk):
    session = GroupSessionFactory(starts_at=this_week(0))

    assert session_page(front_desk, pk=session.pk + 1) is None
    assert session_page(front_desk, pk=session.pk).attended is None


def test_the_session_page_runs_the_same_queries_for_2_and_40_expected(supervisor, django_assert_num_queries):
    group = TherapyGroupFactory(capacity=50)
    session = GroupSessionFactory(group=group, starts_at=this_week(0))
    MembershipFactory.create_batch(2, group=group)
    with django_assert_num_queries(4):  # the session, its roster, the patients named, how many attended
        assert len(session_page(supervisor, pk=session.pk).patients) == 2
    MembershipFactory.create_batch(38, group=group)
    with django_assert_num_queries(4):
        assert len(session_page(supervisor, pk=session.pk).patients) == 40
