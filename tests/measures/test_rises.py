"""A rise of 5 points or more on the PHQ-9 or the GAD-7 since the patient's previous score is flagged."""

import datetime

import pytest
from django.utils import timezone

from measures.selectors import score_history, score_rises
from measures.services import measure_record
from tests.factories import EnrollmentFactory
from tests.measures.conftest import bam, gad7, phq9

pytestmark = pytest.mark.django_db


def given(user, patient, instrument, answers, days_ago):
    return measure_record(
        acting_user=user,
        patient=patient,
        instrument=instrument,
        answers=answers,
        administered_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def test_a_rise_of_five_is_flagged_and_of_four_is_not(counselor, other_counselor, supervisor, front_desk, in_care):
    patient = in_care.patient
    given(counselor, patient, "phq9", phq9(6), 14)
    rose = given(counselor, patient, "phq9", phq9(11), 7)  # +5
    given(counselor, patient, "gad7", gad7(3), 14)
    given(counselor, patient, "gad7", gad7(7), 7)  # +4
    given(counselor, patient, "bam", bam(i1=4, i2=30, i3=30), 7)  # the BAM is not compared

    flagged = score_rises(counselor, since=timezone.localdate() - datetime.timedelta(days=14))

    assert [(r, r.previous_total, r.rise) for r in flagged] == [(rose, 6, 5)]
    assert score_rises(supervisor, since=timezone.localdate() - datetime.timedelta(days=14)) == flagged
    assert score_rises(other_counselor, since=timezone.localdate() - datetime.timedelta(days=30)) == []
    assert score_rises(front_desk, since=timezone.localdate() - datetime.timedelta(days=30)) == []


def test_the_previous_score_is_the_last_one_before_even_on_the_same_day_and_a_fall_is_not_flagged(counselor, in_care):
    patient = in_care.patient
    given(counselor, patient, "phq9", phq9(20), 10)
    given(counselor, patient, "phq9", phq9(4), 3)  # a fall
    again = given(counselor, patient, "phq9", phq9(9), 3)  # later the same day: +5 on the one before

    assert score_rises(counselor, since=timezone.localdate() - datetime.timedelta(days=30)) == [again]
    assert [r.total for r in score_history(patient=patient, instrument="phq9")] == [20, 4, 9]
    assert [r.total for r in score_history(patient=patient, instrument="phq9", limit=2)] == [4, 9]


def test_the_first_score_and_another_patients_scores_are_not_compared(counselor, in_care):
    other = EnrollmentFactory(counselor=counselor, patient__primary_counselor=counselor).patient
    given(counselor, other, "phq9", phq9(0), 7)
    given(counselor, in_care.patient, "phq9", phq9(20), 3)

    assert score_rises(counselor, since=timezone.localdate() - datetime.timedelta(days=30)) == []


def test_a_form_entered_late_takes_its_place_and_the_next_scores_change_follows(counselor, in_care):
    patient = in_care.patient
    first = given(counselor, patient, "phq9", phq9(4), 20)
    last = given(counselor, patient, "phq9", phq9(8), 6)  # +4 on the first: not flagged
    assert score_rises(counselor, since=timezone.localdate() - datetime.timedelta(days=30)) == []

    late = given(counselor, patient, "phq9", phq9(2), 13)  # the paper form of two weeks ago, entered today

    first.refresh_from_db(), last.refresh_from_db(), late.refresh_from_db()
    assert (first.change, late.change, last.change) == (None, -2, 6)
    assert score_rises(counselor, since=timezone.localdate() - datetime.timedelta(days=30)) == [last]


def test_the_dashboard_finds_rises_through_their_index_whatever_the_history(
    counselor, in_care, django_assert_num_queries
):
    patient = in_care.patient
    for days_ago, total in ((13, 3), (10, 9), (7, 2), (4, 8)):
        given(counselor, patient, "phq9", phq9(total), days_ago)

    with django_assert_num_queries(1):  # one query, no comparison with the previous score per row
        rises = score_rises(counselor, since=timezone.localdate() - datetime.timedelta(days=14))
    assert [(r.previous_total, r.rise) for r in rises] == [(2, 6), (3, 6)]
