import datetime

import pytest
from django.utils import timezone

from clinic.levels import LevelOfCare
from clinic.models import AuditEvent
from programs.models import DischargeReason, Enrollment, EnrollmentStatus, Transition, TransitionKind
from programs.services import EnrollmentError, enrollment_transition
from programs.signals import enrollment_ended
from tests.factories import EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_a_step_down_closes_the_old_stay_and_opens_the_new_on_the_same_day(residential, counselor):
    iop = ProgramFactory(level_of_care=LevelOfCare.INTENSIVE_OUTPATIENT)

    transition = enrollment_transition(
        acting_user=counselor, enrollment=residential, to_program=iop, reason="Met residential goals."
    )

    old = Enrollment.objects.get(pk=residential.pk)
    new = Enrollment.objects.get(patient=old.patient, status=EnrollmentStatus.ACTIVE)
    assert (old.status, old.discharged_on, old.discharge_reason) == (
        EnrollmentStatus.TRANSFERRED,
        TODAY(),
        DischargeReason.TRANSFERRED,
    )
    assert (new.program, new.admitted_on, new.counselor) == (iop, TODAY(), counselor)
    assert transition.kind == TransitionKind.STEP_DOWN
    assert (transition.from_enrollment, transition.to_enrollment) == (old, new)
    assert transition.decided_by == counselor
    assert AuditEvent.objects.get(action="enrollment.transition").detail["kind"] == "step_down"


@pytest.mark.parametrize(
    ("to_level", "kind"),
    [
        (LevelOfCare.WITHDRAWAL_MANAGEMENT, TransitionKind.STEP_UP),
        (LevelOfCare.CLINICALLY_MANAGED_HIGH_INTENSITY, TransitionKind.STEP_UP),
        (LevelOfCare.INTENSIVE_OUTPATIENT, TransitionKind.LATERAL),
        (LevelOfCare.CONTINUING_CARE, TransitionKind.STEP_DOWN),
    ],
)
def test_the_kind_follows_from_the_levels_ranks(counselor, to_level, kind):
    iop_stay = EnrollmentFactory(program__level_of_care=LevelOfCare.INTENSIVE_OUTPATIENT, counselor=counselor)

    transition = enrollment_transition(
        acting_user=counselor,
        enrollment=iop_stay,
        to_program=ProgramFactory(level_of_care=to_level),
        reason="Reassessed.",
    )

    assert transition.kind == kind


def test_a_transition_into_a_full_program_changes_nothing(residential, counselor):
    full = ProgramFactory(name="IOP - Day Track", capacity=1)
    EnrollmentFactory(program=full)

    with pytest.raises(EnrollmentError, match="IOP - Day Track is full"):
        enrollment_transition(acting_user=counselor, enrollment=residential, to_program=full, reason="Step down")

    residential.refresh_from_db()
    assert residential.status == EnrollmentStatus.ACTIVE
    assert not Transition.objects.exists()


def test_a_crash_mid_transition_leaves_no_half_done_move(residential, counselor):
    def crash(**kwargs):
        raise RuntimeError("worker died")

    enrollment_ended.connect(crash, dispatch_uid="test-crash")
    try:
        with pytest.raises(RuntimeError):
            enrollment_transition(
                acting_user=counselor, enrollment=residential, to_program=ProgramFactory(), reason="Step down"
            )
    finally:
        enrollment_ended.disconnect(dispatch_uid="test-crash")

    assert list(Enrollment.objects.filter(patient=residential.patient).values_list("status", flat=True)) == [
        EnrollmentStatus.ACTIVE
    ]
    assert not Transition.objects.exists()
    assert not AuditEvent.objects.filter(action="enrollment.transition").exists()


def test_the_old_enrollment_ended_signal_carries_the_closed_enrollment(residential, counselor):
    seen = []
    enrollment_ended.connect(
        lambda enrollment, **kw: seen.append(enrollment.status), dispatch_uid="test-seen", weak=False
    )
    try:
        enrollment_transition(
            acting_user=counselor, enrollment=residential, to_program=ProgramFactory(), reason="Step down"
        )
    finally:
        enrollment_ended.disconnect(dispatch_uid="test-seen")

    assert seen == [EnrollmentStatus.TRANSFERRED]


def test_moving_a_flagged_patient_to_iop_needs_a_supervisor_override(residential, counselor, supervisor):
    residential.patient.needs_withdrawal_management = True
    residential.patient.save()
    iop = ProgramFactory(level_of_care=LevelOfCare.INTENSIVE_OUTPATIENT)

    with pytest.raises(EnrollmentError, match="withdrawal management"):
        enrollment_transition(acting_user=counselor, enrollment=residential, to_program=iop, reason="Step down")
    transition = enrollment_transition(
        acting_user=supervisor,
        enrollment=residential,
        to_program=iop,
        reason="Step down",
        override_reason="Symptoms resolved on day 6.",
    )

    assert transition.override_reason == "Symptoms resolved on day 6."
    assert transition.to_enrollment.override_by == supervisor


def test_an_ended_enrollment_cannot_transition(counselor):
    ended = EnrollmentFactory(
        patient__primary_counselor=counselor, status="completed", discharged_on=TODAY(), discharge_reason=1
    )

    with pytest.raises(EnrollmentError, match="already ended"):
        enrollment_transition(acting_user=counselor, enrollment=ended, to_program=ProgramFactory(), reason="x")


def test_a_transition_into_the_same_program_is_refused(residential, counselor):
    with pytest.raises(EnrollmentError, match="already in Maple House"):
        enrollment_transition(acting_user=counselor, enrollment=residential, to_program=residential.program, reason="x")


def test_a_transition_needs_a_reason(residential, counselor):
    with pytest.raises(EnrollmentError, match="clinical reason"):
        enrollment_transition(acting_user=counselor, enrollment=residential, to_program=ProgramFactory(), reason=" ")


def test_a_transition_cannot_predate_the_admission(residential, counselor):
    with pytest.raises(EnrollmentError, match="before the admission to the current program"):
        enrollment_transition(
            acting_user=counselor,
            enrollment=residential,
            to_program=ProgramFactory(),
            reason="x",
            effective_on=residential.admitted_on - datetime.timedelta(days=1),
        )


def test_a_backdated_transition_keeps_the_two_stays_back_to_back(residential, counselor):
    day = TODAY() - datetime.timedelta(days=3)

    transition = enrollment_transition(
        acting_user=counselor,
        enrollment=residential,
        to_program=ProgramFactory(),
        reason="Charted late",
        effective_on=day,
    )

    assert transition.from_enrollment.discharged_on == transition.to_enrollment.admitted_on == day
