"""What plans does when programs ends an enrollment (programs never imports plans).

A transition to another program starts the new enrollment's plan at once, as a draft carried over from the plan
of the enrollment it came from (its last signed version, else its draft): the existing `enrollment_ended` signal
is sent inside the transition's transaction after the Transition row is written, so the new enrollment is known
and the carry-over commits or rolls back with the move. (Starting it lazily on the first visit would leave the
new program's plan deadline running with nothing drafted, and would need a writing read.)
"""

from clinic.audit import AuditAction, audit_record
from plans.models import PlanStatus, TreatmentPlan
from plans.services import carry_over


def on_enrollment_ended(*, enrollment, acting_user=None, **kwargs) -> None:
    transition = getattr(enrollment, "transition_out", None)
    if transition is None:  # a discharge: nothing to carry
        return
    plans = TreatmentPlan.objects.filter(enrollment=enrollment).order_by("-version")
    source = plans.filter(status=PlanStatus.SIGNED).first() or plans.first()
    new = transition.to_enrollment
    if source is None or new.plans.exists():
        return
    plan = carry_over(source=source, enrollment=new, version=1, acting_user=acting_user or source.created_by)
    audit_record(
        actor=acting_user,
        action=AuditAction.PLAN_CARRY_OVER,
        patient_id=new.patient_id,
        target=plan,
        previous_id=source.pk,
        because="enrollment_transition",
    )
