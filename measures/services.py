"""Writes: record a measure (scoring it, raising a safety alert in the same transaction), record a safety alert's
follow-up, record a drug screen. Each is keyword-only with an `acting_user`, atomic, checked by the policy, audited.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.policy import Action
from measures.errors import MeasureError
from measures.instruments import INSTRUMENTS, PHQ9_SELF_HARM_ITEM, AnswerError, Instrument, score
from measures.models import (
    DrugScreen,
    DrugScreenResult,
    MeasureAnswer,
    MeasureResponse,
    SafetyAlert,
    ScreenResult,
    Substance,
)
from patients.models import Patient
from programs.models import Enrollment, EnrollmentStatus


def _enrollment_in_care(patient: Patient, what: str) -> Enrollment:
    enrollment = (
        Enrollment.objects.filter(patient=patient, status=EnrollmentStatus.ACTIVE).select_related("program").first()
    )
    if enrollment is None:
        raise MeasureError(f"This patient is not in care: {what} only for a patient in a program.", code="not_in_care")
    return enrollment


def _check_day(day: datetime.date, enrollment: Enrollment, today: datetime.date, what: str) -> None:
    if day > today:
        raise MeasureError(f"The {what} cannot be in the future.", code="future")
    if day < enrollment.admitted_on:
        raise MeasureError(f"The {what} is before this stay's admission.", code="before_admission")


def _keep_changes(response: MeasureResponse) -> None:
    """Store the new response's change since the patient's previous total on the instrument, and, when it was given
    before a response already recorded (a paper form entered late), the next one's change since it. The patient's
    row is locked first, so two entries for one patient keep their order."""
    Patient.objects.select_for_update().filter(pk=response.patient_id).first()
    same = MeasureResponse.objects.filter(patient_id=response.patient_id, instrument=response.instrument)
    before = Q(administered_on__lt=response.administered_on) | Q(
        administered_on=response.administered_on, id__lt=response.pk
    )
    previous = same.filter(before).order_by("-administered_on", "-id").values_list("total", flat=True).first()
    if previous is not None:
        response.change = response.total - previous
        MeasureResponse.objects.filter(pk=response.pk).update(change=response.change)
    after = same.exclude(pk=response.pk).exclude(before).order_by("administered_on", "id").first()
    if after is not None:
        MeasureResponse.objects.filter(pk=after.pk).update(change=after.total - response.total)


@transaction.atomic
def measure_record(
    *,
    acting_user,
    patient: Patient,
    instrument: str,
    answers: dict[str, int],
    administered_on: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> MeasureResponse:
    """Record an instrument's answers, item by item, with the scores the system computes. Every answer is checked
    first: a missing or out-of-range answer refuses the whole response, naming the item. A PHQ-9 whose item 9
    (thoughts of self-harm) is above 0 raises an urgent SafetyAlert in this same transaction."""
    policy.require(acting_user, Action.RECORD_MEASURES, patient, error=MeasureError)
    if instrument not in INSTRUMENTS:
        raise MeasureError("Choose one of the instruments.", code="unknown_instrument")
    now = now or timezone.now()
    today = timezone.localdate(now)
    administered_on = administered_on or today
    enrollment = _enrollment_in_care(patient, "measures are recorded")
    _check_day(administered_on, enrollment, today, "day it was given")
    try:
        scored = score(instrument, answers)
    except AnswerError as error:
        raise MeasureError(str(error), code="bad_answer") from error

    scales = scored.scales
    response = MeasureResponse.objects.create(
        patient=patient,
        enrollment=enrollment,
        instrument=instrument,
        administered_on=administered_on,
        entered_by=acting_user,
        total=scales.get("total"),
        use_score=scales.get("use"),
        risk_score=scales.get("risk"),
        protective_score=scales.get("protective"),
        severity=scored.severity,
    )
    MeasureAnswer.objects.bulk_create(
        MeasureAnswer(response=response, item=code, value=answers[code], points=points)
        for code, points in scored.points.items()
    )
    if response.total is not None:
        _keep_changes(response)
    audit_record(
        actor=acting_user,
        action=AuditAction.MEASURE_RECORD,
        patient_id=patient.pk,
        target=response,
        instrument=instrument,
    )
    if instrument == Instrument.PHQ9 and answers[PHQ9_SELF_HARM_ITEM] > 0:
        alert = SafetyAlert.objects.create(patient=patient, response=response, raised_at=now)
        # The alert is for the primary counselor and the clinical supervisors: it is shown on their dashboards
        # (measures.selectors.open_safety_alerts_for) until a clinician records the follow-up.
        audit_record(actor=acting_user, action=AuditAction.SAFETY_ALERT_RAISE, patient_id=patient.pk, target=alert)
    return response


@transaction.atomic
def safety_alert_follow_up(
    *, acting_user, alert: SafetyAlert, note: str, now: datetime.datetime | None = None
) -> SafetyAlert:
    """A clinician records what was done about a safety alert (e.g. a safety assessment, a plan); it closes."""
    policy.require(acting_user, Action.FOLLOW_UP_SAFETY_ALERT, alert.patient, error=MeasureError)
    alert = SafetyAlert.objects.select_for_update().get(pk=alert.pk)
    if not alert.is_open:
        raise MeasureError("This alert's follow-up is already recorded.", code="already_followed_up")
    if not note.strip():
        raise MeasureError("Write what was done to follow up.", code="note_required")
    alert.followed_up_by = acting_user
    alert.followed_up_at = now or timezone.now()
    alert.follow_up_note = note.strip()
    alert.save(update_fields=["followed_up_by", "followed_up_at", "follow_up_note"])
    audit_record(
        actor=acting_user, action=AuditAction.SAFETY_ALERT_FOLLOW_UP, patient_id=alert.patient_id, target=alert
    )
    return alert


@transaction.atomic
def drug_screen_record(
    *,
    acting_user,
    patient: Patient,
    collected_at: datetime.datetime,
    observed: bool,
    results: dict[str, str],
    note: str = "",
    now: datetime.datetime | None = None,
) -> DrugScreen:
    """Record a urine drug screen: when it was collected, whether collection was observed, and each tested
    substance's result (negative, positive, or positive as expected for a prescribed medication)."""
    policy.require(acting_user, Action.RECORD_MEASURES, patient, error=MeasureError)
    now = now or timezone.now()
    enrollment = _enrollment_in_care(patient, "drug screens are recorded")
    if collected_at is None or timezone.is_naive(collected_at):
        raise MeasureError("Give the date and time the sample was collected.", code="collected_at_required")
    if collected_at > now:
        raise MeasureError("The collection time cannot be in the future.", code="future")
    _check_day(timezone.localdate(collected_at), enrollment, timezone.localdate(now), "collection day")
    if not results:
        raise MeasureError("Record the result of at least one substance.", code="no_results")
    for substance, result in results.items():
        if substance not in Substance.values:
            raise MeasureError(f"{substance!r} is not on the panel.", code="unknown_substance")
        if result not in ScreenResult.values:
            label = Substance(substance).label
            raise MeasureError(f"{label}: choose negative, positive or positive as expected.", code="bad_result")
    screen = DrugScreen.objects.create(
        patient=patient,
        enrollment=enrollment,
        collected_at=collected_at,
        observed=bool(observed),
        note=(note or "").strip(),
        entered_by=acting_user,
    )
    DrugScreenResult.objects.bulk_create(
        DrugScreenResult(screen=screen, substance=substance, result=result) for substance, result in results.items()
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.DRUG_SCREEN_RECORD,
        patient_id=patient.pk,
        target=screen,
    )
    return screen
