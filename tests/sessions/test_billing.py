import datetime

import pytest
from django.utils import timezone

from clinic.clock import local_start
from sessions.models import Attendance
from sessions.selectors import billing_days
from tests.clock import TODAY
from tests.factories import (
    AttendanceFactory,
    GroupSessionFactory,
    MembershipFactory,
    TherapyGroupFactory,
    book_counseling,
)

pytestmark = pytest.mark.django_db
DAY = TODAY - datetime.timedelta(days=2)  # the conftest's clock


def test_an_iop_day_of_three_hours_bills_h0015_with_each_service(counselor):
    group = TherapyGroupFactory(program__level_of_care="2.1", duration_minutes=90, billing_code="H0005")
    members = MembershipFactory.create_batch(3, group=group)
    morning = GroupSessionFactory(group=group, starts_at=local_start(DAY, datetime.time(9)), billing_code="H0005")
    noon = GroupSessionFactory(
        group=group,
        starts_at=local_start(DAY, datetime.time(11)),
        occurrence_date=None,
        kind="individual",
        patient=members[0].patient,
        enrollment=members[0].enrollment,
        group_id=None,
        duration_minutes=90,
        billing_code="90837",
    )
    for member in members:
        AttendanceFactory(session=morning, enrollment=member.enrollment, minutes_attended=90)
    AttendanceFactory(session=noon, enrollment=members[0].enrollment, minutes_attended=90)
    Attendance.objects.create(
        session=morning,
        patient=MembershipFactory(group=group).patient,
        status="unexcused",
        enrollment_id=members[0].enrollment_id,
        minutes_attended=0,
    )

    days = {(d.patient_id, d.day): d for d in billing_days(first=DAY, last=DAY)}

    full = days[(members[0].patient_id, DAY)]
    assert [(s.billing_code, s.minutes, s.participants) for s in full.services] == [("H0005", 90, 3), ("90837", 90, 1)]
    assert (full.minutes, full.iop_day_code) == (180, "H0015")
    short = days[(members[1].patient_id, DAY)]
    assert (short.minutes, short.iop_day_code) == (90, None)
    assert len(days) == 3  # the absent patient has no billable day


def test_a_residential_day_is_not_an_iop_day(counselor):
    member = MembershipFactory(group__program__level_of_care="3.5")
    session = GroupSessionFactory(group=member.group, starts_at=local_start(DAY, datetime.time(9)))
    AttendanceFactory(session=session, enrollment=member.enrollment, minutes_attended=180)

    [day] = billing_days(first=DAY, last=DAY, patient_ids=[member.patient_id])

    assert day.iop_day_code is None and day.minutes == 180


def test_booked_counseling_appears_only_once_attended(counselor):
    member = MembershipFactory(enrollment__counselor=counselor)
    book_counseling(
        acting_user=counselor,
        patient=member.patient,
        day=timezone.localdate() + datetime.timedelta(days=1),
        duration_minutes=45,
    )

    assert billing_days(first=DAY, last=timezone.localdate() + datetime.timedelta(days=2)) == []
