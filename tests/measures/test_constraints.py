"""The database holds the ranges whatever writes the row: answers, scores per instrument, a follow-up's parts."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from measures.models import MeasureAnswer, MeasureResponse, SafetyAlert
from measures.services import measure_record
from tests.measures.conftest import phq9

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_answers_and_scores_out_of_range_are_refused_by_the_database(counselor, in_care):
    response = measure_record(acting_user=counselor, patient=in_care.patient, instrument="phq9", answers=phq9(3))
    row = {"patient": in_care.patient, "enrollment": in_care, "administered_on": timezone.localdate()}
    row["entered_by"] = counselor

    assert refused(lambda: MeasureAnswer.objects.create(response=response, item="x", value=31, points=0))
    assert refused(lambda: MeasureAnswer.objects.create(response=response, item="x", value=3, points=5))
    assert refused(lambda: MeasureAnswer.objects.create(response=response, item="1", value=0, points=0))  # twice
    assert refused(lambda: MeasureResponse.objects.create(instrument="phq9", total=28, severity="x", **row))
    assert refused(lambda: MeasureResponse.objects.create(instrument="gad7", total=22, severity="x", **row))
    assert refused(lambda: MeasureResponse.objects.create(instrument="bam", total=3, severity="x", **row))
    assert refused(
        lambda: MeasureResponse.objects.create(
            instrument="bam", use_score=13, risk_score=0, protective_score=0, severity="x", **row
        )
    )
    assert refused(lambda: MeasureResponse.objects.create(instrument="audit", total=1, severity="x", **row))


def test_a_follow_up_is_whole_or_absent(counselor, in_care):
    measure_record(acting_user=counselor, patient=in_care.patient, instrument="phq9", answers=phq9(1, item9=1))
    alert = SafetyAlert.objects.get()

    assert refused(lambda: SafetyAlert.objects.filter(pk=alert.pk).update(followed_up_at=timezone.now()))
    assert refused(
        lambda: SafetyAlert.objects.filter(pk=alert.pk).update(followed_up_at=timezone.now(), followed_up_by=counselor)
    )
