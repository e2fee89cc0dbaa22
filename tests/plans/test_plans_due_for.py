"""The bounded "plans due" of the dashboard and the digest: filtered and ordered in SQL, yet the same deadlines as
`plans.selectors.deadlines` computes one enrollment at a time, across programs, versions and daylight saving."""

import datetime

import pytest

from plans.models import PlanStatus, TreatmentPlan
from plans.selectors import plans_due, plans_due_for
from programs.models import Enrollment
from tests.clock import TODAY, at, clinic_time
from tests.factories import EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def signed_plan(enrollment, signed_at: datetime.datetime, *, version: int = 1, status=PlanStatus.SIGNED):
    """A plan version signed at `signed_at` (written directly: the services sign only at the current instant)."""
    signature = {}
    if status == PlanStatus.SIGNED:
        signature = {
            "signed_by": enrollment.counselor,
            "signed_at": signed_at,
            "patient_agreed_on": signed_at.date(),
            "agreement_method": "paper",
            "agreement_recorded_by": enrollment.counselor,
        }
    return TreatmentPlan.objects.create(
        enrollment=enrollment,
        version=version,
        status=status,
        created_on=signed_at.date(),
        created_by=enrollment.counselor,
        **signature,
    )


def mixed_clinic(counselor, today: datetime.date) -> None:
    """Three programs with their own settings or their level's; in each, first plans and reviews due from weeks
    ago to weeks ahead, signatures late in the evening and just after midnight, a newer draft over a signed
    version, a second signed version, and a discharged enrollment."""
    programs = [
        ProgramFactory(level_of_care="3.5"),  # residential: 3 and 14 days
        ProgramFactory(level_of_care="2.1", plan_due_days=5, plan_review_days=21),
        ProgramFactory(level_of_care="1.0"),  # outpatient: 14 and 90 days
    ]
    for program in programs:
        for days_ago in (0, 1, 2, 3, 4, 9, 10, 11, 12, 30):
            admitted = today - datetime.timedelta(days=days_ago)
            EnrollmentFactory(program=program, counselor=counselor, admitted_on=admitted)
        for days_ago in (1, 10, 11, 12, 13, 20, 80, 86, 87, 88, 100):
            signed_on = today - datetime.timedelta(days=days_ago)
            for hour, minute in ((0, 5), (23, 55)):
                enrollment = EnrollmentFactory(
                    program=program, counselor=counselor, admitted_on=signed_on - datetime.timedelta(days=2)
                )
                signed_plan(enrollment, at(signed_on, hour, minute))
        newer_draft = EnrollmentFactory(program=program, counselor=counselor, admitted_on=today.replace(day=1))
        signed_plan(newer_draft, at(today - datetime.timedelta(days=40), 12))
        signed_plan(newer_draft, at(today, 9), version=2, status=PlanStatus.DRAFT)
        reviewed = EnrollmentFactory(program=program, counselor=counselor, admitted_on=today.replace(day=1))
        signed_plan(reviewed, at(today - datetime.timedelta(days=200), 12))
        signed_plan(reviewed, at(today - datetime.timedelta(days=12), 23, 59), version=2)
        EnrollmentFactory(
            program=program,
            counselor=counselor,
            admitted_on=today - datetime.timedelta(days=60),
            status="discharged",
            discharged_on=today - datetime.timedelta(days=1),
            discharge_reason=2,
        )


def expected(today):
    active = Enrollment.objects.filter(status="active").select_related("program")
    return [(d.enrollment_id, d.kind, d.due_on) for d in plans_due(active, today)]


def found(user, today, limit=1000):
    rows, total = plans_due_for(user, today=today, limit=limit)
    assert total == len(rows) or len(rows) == limit
    return [(r.enrollment.pk, r.deadline.kind, r.deadline.due_on) for r in rows], total


def test_the_bounded_selector_agrees_with_the_deadlines_on_a_mixed_clinic(supervisor, counselor):
    mixed_clinic(counselor, TODAY)
    want = expected(TODAY)
    assert len(want) > 30  # overdue and due soon in every program, of both kinds
    assert {kind for _, kind, _ in want} == {"first plan", "review"}

    rows, total = found(supervisor, TODAY)
    assert rows == want
    assert total == len(want)
    assert all(r.deadline.overdue or r.deadline.due_soon for r in plans_due_for(supervisor, today=TODAY)[0])


@pytest.mark.parametrize(
    "now",
    [
        "2026-03-08 01:30",  # the spring change's night: signatures 3, 14, 21 and 90 days back straddle it
        "2026-03-09 10:00",
        "2026-03-11 23:30",
        "2026-11-01 01:30 again",  # the fall change's repeated hour
        "2026-11-02 00:15",
        "2026-11-15 10:00",
    ],
)
def test_the_bounded_selector_agrees_with_the_deadlines_across_daylight_saving(
    supervisor, counselor, now, time_machine
):
    time_machine.move_to(clinic_time(now), tick=False)
    today = clinic_time(now).date()
    mixed_clinic(counselor, today)

    assert found(supervisor, today)[0] == expected(today)


def test_it_lists_the_most_pressing_first_and_counts_the_rest(supervisor, counselor):
    mixed_clinic(counselor, TODAY)
    want = expected(TODAY)

    rows, total = found(supervisor, TODAY, limit=5)
    assert rows == want[:5]
    assert total == len(want)


def test_due_in_three_days_is_listed_and_in_four_is_not(supervisor, counselor):
    program = ProgramFactory(level_of_care="2.1")  # first plan within 7 days
    in_three = EnrollmentFactory(program=program, admitted_on=TODAY - datetime.timedelta(days=4))
    EnrollmentFactory(program=program, admitted_on=TODAY - datetime.timedelta(days=3))  # due in 4 days
    overdue = EnrollmentFactory(program=program, admitted_on=TODAY - datetime.timedelta(days=8))

    rows, total = plans_due_for(supervisor, today=TODAY)
    assert [(r.enrollment, r.deadline.overdue) for r in rows] == [(overdue, True), (in_three, False)]
    assert total == 2


def test_a_counselor_sees_their_caseloads_plans_and_front_desk_none(counselor, other_counselor, front_desk, users):
    mine = EnrollmentFactory(
        counselor=counselor, patient__primary_counselor=counselor, admitted_on=TODAY.replace(day=1)
    )
    EnrollmentFactory(
        counselor=other_counselor, patient__primary_counselor=other_counselor, admitted_on=mine.admitted_on
    )

    assert [r.enrollment for r in plans_due_for(counselor, today=TODAY)[0]] == [mine]
    assert plans_due_for(front_desk, today=TODAY) == ([], 0)
    assert plans_due_for(users["administrator"], today=TODAY) == ([], 0)


def test_it_runs_three_queries_whatever_the_clinics_size(supervisor, counselor, django_assert_num_queries):
    mixed_clinic(counselor, TODAY)
    with django_assert_num_queries(3):
        rows, _ = plans_due_for(supervisor, today=TODAY, limit=3)
        [(r.enrollment.patient.display_first_name, r.enrollment.program.name, r.deadline.due_on) for r in rows]
