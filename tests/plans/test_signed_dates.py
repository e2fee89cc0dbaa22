"""The days a patient's plans were signed, for the chart's plots: clinic-local days, oldest first, every stay."""

import datetime

import pytest
from django.utils import timezone

from plans.selectors import signed_dates
from plans.services import plan_review, plan_sign

pytestmark = pytest.mark.django_db


def test_a_draft_is_not_a_signature(draft):
    assert signed_dates(draft.enrollment.patient) == []


def test_each_signed_version_gives_its_day_oldest_first(counselor, signed, _clinic_clock):
    _clinic_clock.shift(datetime.timedelta(days=3))
    review = plan_review(acting_user=counselor, enrollment=signed.enrollment)
    plan_sign(acting_user=counselor, plan=review, patient_agreed_on=timezone.localdate(), agreement_method="paper")

    assert signed_dates(signed.enrollment.patient) == [
        (timezone.localdate(signed.signed_at), 1),
        (timezone.localdate(), 2),
    ]


def test_the_list_is_bounded_to_the_newest(counselor, signed):
    assert signed_dates(signed.enrollment.patient, limit=0) == []
