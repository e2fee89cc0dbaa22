"""A transition to another program starts the new enrollment's plan as a draft carried over from the last one."""

from clinic.models import AuditAction, AuditEvent
from plans.models import PlanStatus, TreatmentPlan
from plans.services import plan_sign
from programs.services import enrollment_discharge, enrollment_transition
from tests.factories import ProgramFactory
from tests.plans.conftest import AGREED


def _step_down(counselor, enrollment):
    return enrollment_transition(
        acting_user=counselor, enrollment=enrollment, to_program=ProgramFactory(level_of_care="1.0"), reason="Stable."
    )


def test_a_transition_carries_the_signed_plan_over_as_a_draft(counselor, signed):
    transition = _step_down(counselor, signed.enrollment)

    new = TreatmentPlan.objects.get(enrollment=transition.to_enrollment)
    assert (new.version, new.previous, new.status) == (1, signed, PlanStatus.DRAFT)
    assert [p.description for p in new.problems.all()] == [p.description for p in signed.problems.all()]
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_CARRY_OVER, patient_id=new.enrollment.patient_id).exists()
    # The carried draft is signed like any other.
    assert plan_sign(acting_user=counselor, plan=new, **AGREED).is_signed


def test_without_a_plan_nothing_is_carried(counselor, enrollment):
    transition = _step_down(counselor, enrollment)
    assert not TreatmentPlan.objects.filter(enrollment=transition.to_enrollment).exists()


def test_a_discharge_carries_nothing(counselor, signed):
    enrollment_discharge(acting_user=counselor, enrollment=signed.enrollment, reason=2, note="Left.")
    assert TreatmentPlan.objects.count() == 1
