"""Recording a measure: scored by the system, answers stored item by item, refused whole on a bad answer, by
clinicians within their scope only; a PHQ-9 with item 9 above 0 raises a safety alert in the same transaction."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from clinic.audit import audit_record
from clinic.errors import OutOfScopeError
from clinic.models import AuditAction, AuditEvent
from measures.errors import MeasureError
from measures.models import MeasureAnswer, MeasureResponse, SafetyAlert
from measures.selectors import open_safety_alerts_for
from measures.services import measure_record, safety_alert_follow_up
from tests.factories import EnrollmentFactory, PatientFactory, UserFactory
from tests.measures.conftest import bam, gad7, phq9

pytestmark = pytest.mark.django_db


def test_a_counselor_records_a_phq9_and_the_system_scores_it(counselor, in_care):
    response = measure_record(acting_user=counselor, patient=in_care.patient, instrument="phq9", answers=phq9(12))

    assert (response.total, response.severity, response.enrollment) == (12, "moderate", in_care)
    assert response.administered_on == timezone.localdate()
    stored = dict(MeasureAnswer.objects.filter(response=response).values_list("item", "value"))
    assert stored == phq9(12)
    assert not SafetyAlert.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.MEASURE_RECORD)
    assert (event.actor, event.patient_id, event.object_id) == (counselor, in_care.patient_id, str(response.pk))


def test_a_bam_stores_its_subscales_and_no_total(supervisor, in_care):
    response = measure_record(acting_user=supervisor, patient=in_care.patient, instrument="bam", answers=bam(i4=5))

    assert (response.total, response.use_score, response.risk_score, response.protective_score) == (None, 2, 0, 0)
    assert response.answers.count() == 16  # the 16 required items; 7A-7G were not asked


@pytest.mark.parametrize(
    "answers",
    [{**phq9(), "4": 7}, {k: v for k, v in phq9().items() if k != "9"}, {**phq9(), "1": "x"}],
    ids=["out of range", "missing", "not a number"],
)
def test_a_bad_answer_refuses_the_whole_response(counselor, in_care, answers):
    with pytest.raises(MeasureError, match=r"item [149]"):
        measure_record(acting_user=counselor, patient=in_care.patient, instrument="phq9", answers=answers)

    assert not MeasureResponse.objects.exists() and not MeasureAnswer.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.MEASURE_RECORD).exists()


def test_item_nine_above_zero_raises_an_alert_for_the_counselor_and_supervisors_only(
    counselor, other_counselor, supervisor, front_desk, administrator, in_care
):
    response = measure_record(
        acting_user=counselor, patient=in_care.patient, instrument="phq9", answers=phq9(6, item9=1)
    )

    alert = SafetyAlert.objects.get()
    assert (alert.response, alert.patient, alert.raised_at, alert.is_open) == (
        response,
        in_care.patient,
        timezone.now(),
        True,
    )
    assert AuditEvent.objects.filter(action=AuditAction.SAFETY_ALERT_RAISE, patient_id=in_care.patient_id).exists()
    assert open_safety_alerts_for(counselor) == [alert] and open_safety_alerts_for(supervisor) == [alert]
    for outsider in (other_counselor, front_desk, administrator):
        assert open_safety_alerts_for(outsider) == []


def test_the_alert_is_written_in_the_same_transaction_as_the_response(counselor, in_care):
    """A failure after the alert is written (here: its audit row) rolls back the alert and the response."""

    def failing(**kwargs):
        if kwargs["action"] == AuditAction.SAFETY_ALERT_RAISE:
            raise RuntimeError("the disk is full")
        return audit_record(**kwargs)

    with mock.patch("measures.services.audit_record", side_effect=failing), pytest.raises(RuntimeError):
        measure_record(acting_user=counselor, patient=in_care.patient, instrument="phq9", answers=phq9(3, item9=3))

    assert not SafetyAlert.objects.exists()
    assert not MeasureResponse.objects.exists() and not MeasureAnswer.objects.exists()


def test_a_clinician_records_the_follow_up_and_the_alert_closes(counselor, supervisor, in_care):
    measure_record(acting_user=counselor, patient=in_care.patient, instrument="phq9", answers=phq9(9, item9=2))
    alert = SafetyAlert.objects.get()

    with pytest.raises(MeasureError, match="Write what was done"):
        safety_alert_follow_up(acting_user=supervisor, alert=alert, note="   ")
    safety_alert_follow_up(acting_user=supervisor, alert=alert, note="Safety plan reviewed; no intent.")

    alert.refresh_from_db()
    assert (alert.followed_up_by, alert.followed_up_at, alert.is_open) == (supervisor, timezone.now(), False)
    assert open_safety_alerts_for(counselor) == []
    with pytest.raises(MeasureError, match="already recorded"):
        safety_alert_follow_up(acting_user=counselor, alert=alert, note="Again")
    assert AuditEvent.objects.filter(action=AuditAction.SAFETY_ALERT_FOLLOW_UP).count() == 1


@pytest.mark.parametrize("role", ["front_desk", "administrator"])
def test_front_desk_and_administrators_record_no_measures_and_follow_up_no_alerts(role, counselor, in_care):
    measure_record(acting_user=counselor, patient=in_care.patient, instrument="phq9", answers=phq9(2, item9=1))
    alert = SafetyAlert.objects.get()
    user = UserFactory(role=role)

    with pytest.raises(MeasureError, match="Only counselors and clinical supervisors"):
        measure_record(acting_user=user, patient=in_care.patient, instrument="gad7", answers=gad7(3))
    with pytest.raises(MeasureError, match="Only counselors and clinical supervisors"):
        safety_alert_follow_up(acting_user=user, alert=alert, note="Called")
    assert MeasureResponse.objects.count() == 1 and alert.is_open


def test_a_counselor_cannot_record_for_or_follow_up_on_another_counselors_patient(counselor, other_counselor):
    """The ids an attacker would post: another counselor's patient, and their patient's alert."""
    theirs = EnrollmentFactory(counselor=other_counselor, patient__primary_counselor=other_counselor)
    measure_record(acting_user=other_counselor, patient=theirs.patient, instrument="phq9", answers=phq9(1, item9=1))
    alert = SafetyAlert.objects.get()

    with pytest.raises(OutOfScopeError):
        measure_record(acting_user=counselor, patient=theirs.patient, instrument="phq9", answers=phq9(0))
    with pytest.raises(OutOfScopeError):
        safety_alert_follow_up(acting_user=counselor, alert=alert, note="Not mine")
    alert.refresh_from_db()
    assert MeasureResponse.objects.count() == 1 and alert.is_open


def test_a_superuser_is_not_a_clinician(in_care):
    with pytest.raises(MeasureError, match="Only counselors"):
        measure_record(
            acting_user=UserFactory(role="counselor", is_superuser=True),
            patient=in_care.patient,
            instrument="phq9",
            answers=phq9(0),
        )


def test_refused_for_a_patient_not_in_care_an_unknown_instrument_or_a_day_outside_the_stay(counselor, in_care):
    discharged = PatientFactory(primary_counselor=counselor)
    today = timezone.localdate()
    cases = [
        ({"patient": discharged}, "not in care"),
        ({"instrument": "audit"}, "Choose one of the instruments"),
        ({"administered_on": today + datetime.timedelta(days=1)}, "cannot be in the future"),
        ({"administered_on": in_care.admitted_on - datetime.timedelta(days=1)}, "before this stay's admission"),
    ]
    for overrides, message in cases:
        arguments = {"patient": in_care.patient, "instrument": "phq9", "answers": phq9(0), **overrides}
        with pytest.raises(MeasureError, match=message):
            measure_record(acting_user=counselor, **arguments)
    assert not MeasureResponse.objects.exists()
