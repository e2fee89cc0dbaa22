"""Drug screens: recorded by clinicians within their scope, for a patient in care; an unexpected positive is
flagged for the counselor, a prescribed one is not."""

import datetime

import pytest
from django.utils import timezone

from clinic.errors import OutOfScopeError
from clinic.models import AuditAction, AuditEvent
from measures.errors import MeasureError
from measures.models import DrugScreen, DrugScreenResult
from measures.selectors import screen_history, unexpected_positives
from measures.services import drug_screen_record
from tests.factories import EnrollmentFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

PANEL = {"bup": "expected", "fty": "negative", "coc": "negative", "thc": "negative", "etg": "negative"}


def record(user, patient, **overrides):
    arguments = {
        "collected_at": timezone.now() - datetime.timedelta(hours=2),
        "observed": True,
        "results": PANEL,
        **{name: value() if callable(value) else value for name, value in overrides.items()},
    }
    return drug_screen_record(acting_user=user, patient=patient, **arguments)


def test_a_counselor_records_a_screen_with_a_prescribed_positive_that_is_not_flagged(counselor, in_care):
    screen = record(counselor, in_care.patient)

    assert (screen.enrollment, screen.observed, screen.entered_by) == (in_care, True, counselor)
    assert dict(screen.results.values_list("substance", "result")) == PANEL
    assert unexpected_positives(counselor, since=timezone.localdate()) == []
    assert AuditEvent.objects.filter(action=AuditAction.DRUG_SCREEN_RECORD, patient_id=in_care.patient_id).exists()
    assert screen_history(patient=in_care.patient) == [screen]


def test_an_unexpected_positive_is_flagged_for_the_counselor_and_supervisors_only(
    counselor, other_counselor, supervisor, front_desk, in_care
):
    record(counselor, in_care.patient, results={**PANEL, "fty": "positive"})

    flagged = unexpected_positives(counselor, since=timezone.localdate() - datetime.timedelta(days=7))
    assert [(r.substance, r.screen.patient) for r in flagged] == [("fty", in_care.patient)]
    assert len(unexpected_positives(supervisor, since=timezone.localdate())) == 1
    assert unexpected_positives(other_counselor, since=timezone.localdate()) == []
    assert unexpected_positives(front_desk, since=timezone.localdate()) == []
    assert unexpected_positives(counselor, since=timezone.localdate() + datetime.timedelta(days=1)) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"results": {}}, "at least one substance"),
        ({"results": {"lsd": "positive"}}, "not on the panel"),
        ({"results": {"coc": "maybe"}}, "Cocaine: choose negative"),
        ({"collected_at": None}, "Give the date and time"),
        ({"collected_at": datetime.datetime(2026, 11, 18, 9)}, "Give the date and time"),  # naive
        # Read at the test's pinned instant, not when the cases are collected.
        ({"collected_at": lambda: timezone.now() + datetime.timedelta(minutes=5)}, "cannot be in the future"),
        ({"collected_at": lambda: timezone.now() - datetime.timedelta(days=40)}, "before this stay's admission"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(counselor, in_care, overrides, message):
    with pytest.raises(MeasureError, match=message):
        record(counselor, in_care.patient, **overrides)

    assert not DrugScreen.objects.exists() and not DrugScreenResult.objects.exists()


def test_refused_for_a_patient_not_in_care(counselor):
    with pytest.raises(MeasureError, match="not in care"):
        record(counselor, PatientFactory(primary_counselor=counselor))
    assert not DrugScreen.objects.exists()


def test_refused_for_front_desk_and_for_another_counselors_patient(counselor, other_counselor):
    theirs = EnrollmentFactory(counselor=other_counselor, patient__primary_counselor=other_counselor).patient

    with pytest.raises(MeasureError, match="Only counselors and clinical supervisors"):
        record(UserFactory(role="front_desk"), theirs)
    with pytest.raises(OutOfScopeError):
        record(counselor, theirs)
    assert not DrugScreen.objects.exists()
