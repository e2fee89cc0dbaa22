import datetime

import pytest
from django.utils import timezone

from sessions.selectors import chart_page
from tests.factories import (
    EnrollmentFactory,
    GroupSessionFactory,
    PatientFactory,
    ProgressNoteFactory,
)

pytestmark = pytest.mark.django_db


def test_a_patient_outside_the_users_scope_has_no_chart(counselor, supervisor):
    other = EnrollmentFactory().patient

    assert chart_page(user=counselor, pk=other.pk) is None
    assert chart_page(user=supervisor, pk=other.pk + 1000) is None
    assert chart_page(user=supervisor, pk=other.pk).patient == other


def test_notes_are_for_clinicians_and_the_screening_is_labelled(counselor, front_desk):
    patient = PatientFactory(primary_counselor=counselor, asam_d1_withdrawal=3)
    ProgressNoteFactory(attendance__enrollment__patient=patient, attendance__patient=patient)

    clinical, desk = chart_page(user=counselor, pk=patient.pk), chart_page(user=front_desk, pk=patient.pk)

    assert clinical.clinician and len(clinical.notes) == 1
    assert not desk.clinician and desk.notes == []
    assert clinical.screening[0] == ("ASAM dimension 1: Acute intoxication and/or withdrawal potential", 3)
    assert len(clinical.screening) == 6


def test_it_runs_the_same_queries_for_2_and_40_sessions_with_notes(counselor, member, django_assert_num_queries):
    def notes(first, last):
        for days in range(first, last):
            session = GroupSessionFactory(group=member.group, starts_at=timezone.now() - datetime.timedelta(days=days))
            note = ProgressNoteFactory(
                attendance__session=session,
                attendance__enrollment=member.enrollment,
                attendance__patient=member.patient,
            )
            note.addenda.create(author=counselor, text="later")

    notes(1, 3)
    with django_assert_num_queries(10):  # patient, journey (2), hours (2), attendance, notes (2), reminders, reviews
        assert len(chart_page(user=counselor, pk=member.patient_id).notes) == 2
    notes(3, 41)
    with django_assert_num_queries(10):
        assert len(chart_page(user=counselor, pk=member.patient_id).notes) == 30  # the latest
