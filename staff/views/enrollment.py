"""Admit, move to another program, discharge: the chart's clinical decisions, for counselors and supervisors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from clinic.policy import Action
from programs.selectors import enrollment_current
from programs.services import enrollment_admit, enrollment_discharge, enrollment_transition
from staff.forms import AdmitForm, DischargeForm, TransitionForm
from staff.views.chart_common import action_page, chart_patient


@login_required
def patient_admit(request, pk: int):
    patient = chart_patient(request, pk)
    form = AdmitForm(request.POST or None, initial={"counselor": patient.primary_counselor})
    return action_page(
        request,
        patient,
        form,
        title="Admit",
        done="Admitted.",
        needs=Action.CHANGE_ENROLLMENT,
        action=lambda d: enrollment_admit(acting_user=request.user, patient=patient, **d),
    )


@login_required
def patient_transition(request, pk: int):
    patient = chart_patient(request, pk)
    if (current := enrollment_current(patient)) is None:
        return _back_to_chart(request, patient, "This patient is not in care: admit them instead.")
    form = TransitionForm(request.POST or None, current=current)
    return action_page(
        request,
        patient,
        form,
        title=f"Move from {current.program.name}",
        done="Transition recorded.",
        needs=Action.CHANGE_ENROLLMENT,
        action=lambda d: enrollment_transition(acting_user=request.user, enrollment=current, **d),
    )


@login_required
def patient_discharge(request, pk: int):
    patient = chart_patient(request, pk)
    if (current := enrollment_current(patient)) is None:
        return _back_to_chart(request, patient, "This patient is not in care.")
    form = DischargeForm(request.POST or None)
    return action_page(
        request,
        patient,
        form,
        title=f"Discharge from {current.program.name}",
        done="Discharged.",
        needs=Action.CHANGE_ENROLLMENT,
        action=lambda d: enrollment_discharge(acting_user=request.user, enrollment=current, **d),
    )


def _back_to_chart(request, patient, why: str):
    """What a decision about the current enrollment answers when there is none: the chart, saying why."""
    messages.error(request, why)
    return redirect("patient-chart", patient.pk)
