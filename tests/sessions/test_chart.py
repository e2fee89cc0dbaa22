import datetime

import pytest
from django.utils import timezone

from sessions.selectors import chart_head, chart_notes, notes_page_of
from tests.factories import (
    EnrollmentFactory,
    GroupSessionFactory,
    PatientFactory,
    ProgressNoteFactory,
)

pytestmark = pytest.mark.django_db


def test_a_patient_outside_the_users_scope_has_no_chart(counselor, supervisor):
    other = EnrollmentFactory().patient

    assert chart_head(user=counselor, pk=other.pk) is None
    assert chart_head(user=supervisor, pk=other.pk + 1000) is None
    assert chart_head(user=supervisor, pk=other.pk).patient == other


def test_notes_are_a_section_for_clinicians_and_the_screening_is_labelled(counselor, front_desk):
    patient = PatientFactory(primary_counselor=counselor, asam_d1_withdrawal=3)

    clinical, desk = chart_head(user=counselor, pk=patient.pk), chart_head(user=front_desk, pk=patient.pk)

    assert clinical.clinician and "notes" in dict(clinical.sections())
    assert not desk.clinician and "notes" not in dict(desk.sections())
    assert clinical.screening[0] == ("ASAM dimension 1: Acute intoxication and/or withdrawal potential", 3)
    assert len(clinical.screening) == 6


def _notes(member, counselor, first, last):
    for days in range(first, last):
        session = GroupSessionFactory(group=member.group, starts_at=timezone.now() - datetime.timedelta(days=days))
        note = ProgressNoteFactory(
            attendance__session=session, attendance__enrollment=member.enrollment, attendance__patient=member.patient
        )
        note.addenda.create(author=counselor, text="later")


def test_a_page_of_notes_runs_the_same_queries_for_2_and_40_notes(counselor, member, django_assert_num_queries):
    _notes(member, counselor, 1, 3)
    with django_assert_num_queries(3):  # count, notes, addenda
        assert len(chart_notes(member.patient, page=1)) == 2
    _notes(member, counselor, 3, 41)
    with django_assert_num_queries(3):
        one_page = chart_notes(member.patient, page=2)
    assert len(one_page) == 10 and one_page.paginator.num_pages == 4


def test_a_notes_page_is_where_the_chart_shows_it(counselor, member):
    _notes(member, counselor, 1, 26)  # 25 notes, the newest yesterday
    newest_first = list(chart_notes(member.patient, page=1)) + list(chart_notes(member.patient, page=2))

    assert notes_page_of(newest_first[0]) == 1 and notes_page_of(newest_first[9]) == 1
    assert notes_page_of(newest_first[10]) == 2 and notes_page_of(newest_first[19]) == 2
    oldest = list(chart_notes(member.patient, page=3))[-1]
    assert notes_page_of(oldest) == 3
