import datetime

import pytest
from django.utils import timezone

from sessions.models import AbsenceReview, Reminder
from sessions.selectors import caseload_choices, dashboard_for
from tests.clock import TODAY, at, this_week
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    GroupSessionFactory,
    ProgressNoteFactory,
    UserFactory,
    book_counseling,
    caseload_patient,
)

pytestmark = pytest.mark.django_db


def in_care(counselor):
    """A patient of `counselor`'s caseload who missed today's session of their group (an alert) and is flagged for
    review."""
    enrollment = caseload_patient(counselor)
    session = GroupSessionFactory(group=enrollment.group_memberships.get().group)  # started an hour ago
    AttendanceFactory(session=session, enrollment=enrollment, status="unexcused", minutes_attended=0)
    Reminder.objects.create(
        kind="absence_alert", session=session, patient=enrollment.patient, staff=counselor, due_at=timezone.now()
    )
    AbsenceReview.objects.create(enrollment=enrollment, unexcused_absences=3)
    return enrollment


def test_a_counselor_sees_their_own_caseload_whoever_is_asked_for(counselor, other_counselor):
    mine = in_care(counselor)
    in_care(other_counselor)

    board = dashboard_for(counselor, counselor=other_counselor)

    assert board.counselor == counselor and board.show_caseload and board.clinician
    assert [row.enrollment for row in board.rows] == [mine]
    assert [s.group.facilitator for s in board.today] == [counselor]
    assert [a.patient for a in board.alerts] == [mine.patient]
    assert [r.enrollment for r in board.reviews] == [mine]
    assert sorted(set(board.patient_ids)) == [mine.patient_id]


def test_each_row_shows_the_weeks_hours_absences_next_session_unsigned_notes_and_review(counselor, other_counselor):
    mine = caseload_patient(counselor)  # absent yesterday (a draft note), its group meets again tomorrow
    group = mine.group_memberships.get().group
    this_monday = GroupSessionFactory(group=group, starts_at=this_week(0, 9))
    ProgressNoteFactory(
        attendance=AttendanceFactory(session=this_monday, enrollment=mine, status="late", minutes_attended=90),
        author=counselor,
        signed=True,
    )
    AttendanceFactory(session=GroupSessionFactory(group=group, starts_at=this_week(-7, 9)), enrollment=mine)
    [cancelled] = book_counseling(acting_user=counselor, patient=mine.patient, day=TODAY, at=datetime.time(12))
    cancelled.status = "cancelled"
    cancelled.save()
    [booked] = book_counseling(acting_user=counselor, patient=mine.patient, day=TODAY, at=datetime.time(15))
    AbsenceReview.objects.create(enrollment=mine, unexcused_absences=1)
    theirs = caseload_patient(other_counselor)

    [row] = dashboard_for(counselor).rows
    [other] = dashboard_for(other_counselor).rows

    assert (row.week.minutes, row.week.minimum, row.week.in_progress) == (90, 9, True)
    assert (row.unexcused_absences, row.unsigned_notes, row.open_review) == (1, 1, True)
    assert row.next_session_at == booked.starts_at == at(TODAY, 15)
    assert other.enrollment == theirs and (other.week.minutes, other.unexcused_absences, other.open_review) == (
        0,
        1,
        False,
    )
    assert other.next_session_at == theirs.group_memberships.get().group.sessions.order_by("-starts_at")[0].starts_at


def test_a_supervisor_sees_one_counselors_caseload_or_everyones(supervisor, counselor, other_counselor):
    mine = in_care(counselor)
    theirs = in_care(other_counselor)

    one = dashboard_for(supervisor, counselor=counselor)
    everyone = dashboard_for(supervisor)

    assert [row.enrollment for row in one.rows] == [mine] and one.counselor == counselor
    assert {row.enrollment for row in everyone.rows} == {mine, theirs} and everyone.counselor is None
    assert len(everyone.today) == len(everyone.alerts) == len(everyone.reviews) == 2


def test_the_front_desk_sees_todays_sessions_and_nothing_clinical(front_desk, counselor):
    in_care(counselor)

    board = dashboard_for(front_desk, counselor=counselor)

    assert board.counselor is None and not board.show_caseload and not board.clinician
    assert board.rows == [] and board.alerts == [] and board.reviews == []
    assert len(board.today) == 1 and not hasattr(board.today[0], "attended")


def test_an_administrator_sees_caseloads_but_nothing_clinical(administrator, counselor):
    mine = in_care(counselor)

    board = dashboard_for(administrator, counselor=counselor)

    assert [row.enrollment for row in board.rows] == [mine]
    assert board.alerts == [] and board.reviews == [] and not board.clinician


def test_a_clinician_sees_how_many_attended_today(counselor):
    in_care(counselor)

    [session] = dashboard_for(counselor).today

    assert (session.recorded, session.attended) == (1, 0)


def test_todays_sessions_are_the_first_few_and_a_count_or_over_the_clinic_only_a_count(
    supervisor, counselor, monkeypatch
):
    monkeypatch.setattr("sessions.selectors.dashboard.TODAY_LIMIT", 3)
    sessions = [
        GroupSessionFactory(group__facilitator=counselor, starts_at=timezone.now() + datetime.timedelta(minutes=n))
        for n in range(5)
    ]

    one = dashboard_for(supervisor, counselor=counselor)
    everyone = dashboard_for(supervisor)

    assert (one.today, one.today_total, one.today_more) == (sessions[:3], 5, 2)
    assert (everyone.today, everyone.today_total, everyone.today_more) == ([], 5, 5)
    sessions[4].delete()
    sessions[3].delete()
    assert dashboard_for(supervisor).today == sessions[:3]  # a day that fits is listed


def test_alerts_older_than_a_week_are_no_longer_to_follow_up(counselor):
    in_care(counselor)

    later = dashboard_for(counselor, now=timezone.now() + datetime.timedelta(days=8))

    assert later.alerts == [] and len(later.reviews) == 1


def test_the_caseload_is_cut_into_pages_of_25(supervisor, counselor):
    for _ in range(26):
        EnrollmentFactory(counselor=counselor)

    second = dashboard_for(supervisor, page="2")

    assert second.page.paginator.count == 26 and second.page.number == 2 and len(second.rows) == 1


def test_only_supervisors_and_administrators_choose_a_caseload(supervisor, administrator, counselor, front_desk):
    inactive = UserFactory(role="counselor", is_active=False)

    choices = caseload_choices(supervisor)

    assert counselor in choices and supervisor in choices and inactive not in choices and front_desk not in choices
    assert list(caseload_choices(administrator)) == list(choices)
    assert caseload_choices(counselor) is None and caseload_choices(front_desk) is None


@pytest.mark.parametrize("role", ["counselor", "supervisor"])
def test_it_runs_the_same_queries_for_2_and_40_patients(role, counselor, supervisor, django_assert_num_queries):
    user = {"counselor": counselor, "supervisor": supervisor}[role]
    for _ in range(2):
        in_care(counselor)
    # the page (count, rows with their figures), today's first sessions and their count, alerts, reviews
    with django_assert_num_queries(6):
        assert len(dashboard_for(user, counselor=counselor).rows) == 2
    for _ in range(38):
        in_care(counselor)
    with django_assert_num_queries(6):
        assert len(dashboard_for(user, counselor=counselor).rows) == 25  # a page of them
