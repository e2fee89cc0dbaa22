import datetime

import pytest
from django.utils import timezone

from sessions.models import GroupMembership, SessionStatus, TherapySession
from sessions.services.common import SessionError
from sessions.services.groups import (
    group_create,
    group_update,
    live_memberships,
    membership_add,
    membership_end,
    sessions_generate,
)
from tests.factories import (
    EnrollmentFactory,
    GroupSessionFactory,
    MembershipFactory,
    ProgramFactory,
    TherapyGroupFactory,
    UserFactory,
)
from tests.helpers import race

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def local(session):
    return timezone.localtime(session.starts_at)


def group_fields(**overrides):
    return {
        "program": ProgramFactory(),
        "title": "Relapse Prevention",
        "facilitator": UserFactory(),
        "weekdays": [1, 3, 4],
        "start_time": datetime.time(9, 30),
        "duration_minutes": 180,
        "location": "Room 2",
        "starts_on": TODAY(),
    } | overrides


def test_creating_a_group_generates_its_sessions_for_four_weeks(counselor):
    group = group_create(acting_user=counselor, **group_fields())

    sessions = list(group.sessions.order_by("starts_at"))
    expected_days = [
        TODAY() + datetime.timedelta(days=n)
        for n in range(29)
        if (TODAY() + datetime.timedelta(days=n)).isoweekday() in (1, 3, 4)
    ]
    expected_days = [
        d
        for d in expected_days
        if timezone.make_aware(datetime.datetime.combine(d, datetime.time(9, 30))) > timezone.now()
    ]
    assert [s.occurrence_date for s in sessions] == expected_days
    assert all((local(s).hour, local(s).minute) == (9, 30) for s in sessions)
    assert all(s.status == SessionStatus.SCHEDULED and s.facilitator == group.facilitator for s in sessions)


def test_generation_is_idempotent(counselor):
    group = group_create(acting_user=counselor, **group_fields())
    before = list(group.sessions.values_list("pk", "starts_at"))

    assert sessions_generate(group=group) == {"created": 0, "moved": 0, "cancelled": 0}
    assert list(group.sessions.values_list("pk", "starts_at")) == before


@pytest.mark.parametrize(
    ("today", "change_day", "utc_before", "utc_after"),
    [
        (datetime.date(2027, 3, 1), datetime.date(2027, 3, 14), 14, 13),  # spring forward: EST -> EDT
        (datetime.date(2027, 10, 25), datetime.date(2027, 11, 7), 13, 14),  # fall back: EDT -> EST
    ],
)
def test_a_0930_group_stays_at_0930_across_daylight_saving_changes(settings, today, change_day, utc_before, utc_after):
    settings.TIME_ZONE = "America/New_York"
    group = TherapyGroupFactory(weekdays=[1, 2, 3, 4, 5, 6, 7], starts_on=today)

    sessions_generate(group=group, today=today)

    sessions = list(group.sessions.order_by("starts_at"))
    assert len(sessions) == 29
    assert {(local(s).hour, local(s).minute) for s in sessions} == {(9, 30)}
    before = [s for s in sessions if s.occurrence_date < change_day]
    after = [s for s in sessions if s.occurrence_date >= change_day]
    assert {s.starts_at.astimezone(datetime.UTC).hour for s in before} == {utc_before}
    assert {s.starts_at.astimezone(datetime.UTC).hour for s in after} == {utc_after}


def test_a_time_that_does_not_exist_on_the_spring_change_falls_an_hour_later(settings):
    settings.TIME_ZONE = "America/New_York"
    group = TherapyGroupFactory(weekdays=[7], start_time=datetime.time(2, 30), starts_on=datetime.date(2027, 3, 1))

    sessions_generate(group=group, today=datetime.date(2027, 3, 1))

    change_day = group.sessions.get(occurrence_date=datetime.date(2027, 3, 14))
    assert (local(change_day).hour, local(change_day).minute) == (3, 30)


def test_a_schedule_change_moves_and_cancels_future_sessions_but_never_held_ones(counselor):
    group = group_create(acting_user=counselor, **group_fields(starts_on=TODAY() - datetime.timedelta(days=14)))
    held = GroupSessionFactory(
        group=group, starts_at=timezone.now() - datetime.timedelta(days=2), status=SessionStatus.HELD
    )
    monday_and_thursday = set(group.sessions.filter(status="scheduled").values_list("occurrence_date", flat=True))

    group_update(acting_user=counselor, group=group, weekdays=[1, 3], start_time=datetime.time(13, 0))

    held.refresh_from_db()
    assert (held.status, held.starts_at) == (SessionStatus.HELD, held.starts_at)
    future = group.sessions.filter(starts_at__gt=timezone.now())
    thursdays = future.filter(occurrence_date__in=[d for d in monday_and_thursday if d.isoweekday() == 4])
    assert thursdays.exists()
    assert set(thursdays.values_list("status", flat=True)) == {SessionStatus.CANCELLED}
    assert {(local(s).hour, local(s).minute) for s in future.filter(status="scheduled")} == {(13, 0)}


def test_a_session_cancelled_by_staff_stays_cancelled_but_a_schedule_cancellation_comes_back(counselor):
    group = group_create(acting_user=counselor, **group_fields(weekdays=[1, 2, 3, 4, 5, 6, 7]))
    holiday, other = group.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at")[1:3]
    TherapySession.objects.filter(pk=holiday.pk).update(status="cancelled", cancel_reason="Thanksgiving")

    group_update(
        acting_user=counselor, group=group, weekdays=[d for d in range(1, 8) if d != other.occurrence_date.isoweekday()]
    )
    other.refresh_from_db()
    assert other.status == SessionStatus.CANCELLED
    group_update(acting_user=counselor, group=group, weekdays=[1, 2, 3, 4, 5, 6, 7])

    other.refresh_from_db()
    holiday.refresh_from_db()
    assert other.status == SessionStatus.SCHEDULED
    assert (holiday.status, holiday.cancel_reason) == (SessionStatus.CANCELLED, "Thanksgiving")


def test_past_sessions_are_left_alone(counselor):
    group = TherapyGroupFactory()
    past = GroupSessionFactory(group=group, starts_at=timezone.now() - datetime.timedelta(minutes=5))

    group_update(acting_user=counselor, group=group, weekdays=[past.occurrence_date.isoweekday() % 7 + 1])

    past.refresh_from_db()
    assert past.status == SessionStatus.SCHEDULED


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"weekdays": []}, "Choose at least one weekday"),
        ({"location": "", "video_link": ""}, "Give a room or a video link"),
        ({"capacity": 0}, "greater than or equal to 1"),
    ],
)
def test_an_invalid_group_is_refused(counselor, overrides, message):
    with pytest.raises(SessionError, match=message):
        group_create(acting_user=counselor, **group_fields(**overrides))


def test_only_patients_enrolled_in_the_program_join(counselor):
    group = TherapyGroupFactory(program__name="IOP - Day Track", title="Morning Group", facilitator=counselor)
    elsewhere = EnrollmentFactory(counselor=counselor)

    with pytest.raises(SessionError, match="Only patients actively enrolled in IOP - Day Track can join"):
        membership_add(acting_user=counselor, group=group, patient=elsewhere.patient)
    enrolled = EnrollmentFactory(program=group.program, counselor=counselor)
    membership = membership_add(acting_user=counselor, group=group, patient=enrolled.patient)

    assert membership.enrollment == enrolled


def test_a_full_group_refuses_another_member(counselor):
    group = TherapyGroupFactory(capacity=2, title="Evening Group", facilitator=counselor)
    MembershipFactory.create_batch(2, group=group)

    with pytest.raises(SessionError, match="Evening Group is full: all 2 places"):
        membership_add(
            acting_user=counselor,
            group=group,
            patient=EnrollmentFactory(program=group.program, counselor=counselor).patient,
        )


def test_members_whose_enrollment_ended_free_their_place(counselor):
    group = TherapyGroupFactory(capacity=1, facilitator=counselor)
    member = MembershipFactory(group=group)
    member.enrollment.status, member.enrollment.discharged_on, member.enrollment.discharge_reason = (
        "discharged",
        TODAY(),
        2,
    )
    member.enrollment.save()
    newcomer = EnrollmentFactory(program=group.program, counselor=counselor).patient

    membership_add(acting_user=counselor, group=group, patient=newcomer)

    assert list(live_memberships(group).values_list("patient", flat=True)) == [newcomer.pk]
    assert group.memberships.count() == 2  # the discharged member's row stays, as history


def test_leaving_and_rejoining_keeps_history(counselor):
    member = MembershipFactory(
        joined_on=TODAY() - datetime.timedelta(days=10), group__facilitator=counselor, enrollment__counselor=counselor
    )

    membership_end(acting_user=counselor, membership=member, left_on=TODAY() - datetime.timedelta(days=3))
    again = membership_add(acting_user=counselor, group=member.group, patient=member.patient)

    rows = GroupMembership.objects.filter(patient=member.patient).order_by("joined_on")
    assert [(m.joined_on, m.left_on) for m in rows] == [
        (TODAY() - datetime.timedelta(days=10), TODAY() - datetime.timedelta(days=3)),
        (TODAY(), None),
    ]
    assert again.pk != member.pk
    with pytest.raises(SessionError, match="already on the roster"):
        membership_add(acting_user=counselor, group=member.group, patient=member.patient)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_joins_racing_for_a_groups_last_place_let_exactly_one_in():
    staff = UserFactory()
    group = TherapyGroupFactory(capacity=1, facilitator=staff)
    first, second = (EnrollmentFactory(program=group.program, counselor=staff).patient for _ in range(2))

    outcomes = race(
        lambda: membership_add(acting_user=staff, group=group, patient=first),
        lambda: membership_add(acting_user=staff, group=group, patient=second),
    )

    assert outcomes == ["group_full", "ok"]
    assert group.memberships.count() == 1


def test_the_daily_task_extends_every_group(counselor):
    from sessions.tasks import generate_sessions

    groups = [TherapyGroupFactory(), TherapyGroupFactory(weekdays=[2])]

    counts = generate_sessions.apply().get()

    assert counts["created"] == sum(g.sessions.count() for g in groups) > 0


def test_a_group_is_facilitated_by_a_clinician(counselor, front_desk):
    with pytest.raises(SessionError, match="facilitated by a counselor or a clinical supervisor"):
        group_create(acting_user=counselor, **group_fields(facilitator=front_desk))
