"""The chart's actions: admit, transition, discharge, book a session, record or revoke consent.

Each page is a form that calls one service; a broken rule comes back as a message on the form and nothing is
saved."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic.audit import AuditAction, audit_record
from clinic.errors import DomainError
from clinic.roles import is_clinician
from patients.selectors import patients_visible_to
from patients.services import patient_give_reminder_consent, patient_register, patient_revoke_reminder_consent
from programs.models import Enrollment, EnrollmentStatus, Program
from programs.services import enrollment_admit, enrollment_discharge, enrollment_transition
from sessions.forms import BookingForm
from sessions.models import AbsenceReview
from sessions.services.attendance import absence_review_resolve
from sessions.services.counseling import counseling_book
from staff.forms import AdmitForm, DischargeForm, RegisterForm, TransitionForm


def _patient(request, pk):
    patient = get_object_or_404(patients_visible_to(request.user), pk=pk)
    if request.method == "GET":  # the form pages show the patient's record too
        audit_record(
            actor=request.user,
            action=AuditAction.PATIENT_VIEW,
            patient_id=patient.pk,
            page=request.resolver_match.url_name,
        )
    return patient


def _current(patient) -> Enrollment | None:
    return patient.enrollments.filter(status=EnrollmentStatus.ACTIVE).select_related("program").first()


def _form_page(request, patient, form, *, title: str, done: str, action, clinical: bool = True):
    """Validate, call the service, and on a broken rule show its message on the form (nothing is saved)."""
    if clinical and not is_clinician(request.user):
        raise PermissionDenied("Only counselors and clinical supervisors do this.")
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, done)
            return redirect("patient-chart", patient.pk)
    return render(request, "staff/patient_action.html", {"form": form, "patient": patient, "title": title})


@login_required
def patient_admit(request, pk: int):
    patient = _patient(request, pk)
    form = AdmitForm(request.POST or None, initial={"counselor": patient.primary_counselor})
    return _form_page(
        request,
        patient,
        form,
        title="Admit",
        done="Admitted.",
        action=lambda d: enrollment_admit(acting_user=request.user, patient=patient, **d),
    )


@login_required
def patient_transition(request, pk: int):
    patient = _patient(request, pk)
    current = _current(patient)
    if current is None:
        messages.error(request, "This patient is not in care: admit them instead.")
        return redirect("patient-chart", patient.pk)
    form = TransitionForm(request.POST or None)
    form.fields["to_program"].queryset = Program.objects.filter(is_active=True).exclude(pk=current.program_id)
    return _form_page(
        request,
        patient,
        form,
        title=f"Move from {current.program.name}",
        done="Transition recorded.",
        action=lambda d: enrollment_transition(acting_user=request.user, enrollment=current, **d),
    )


@login_required
def patient_discharge(request, pk: int):
    patient = _patient(request, pk)
    current = _current(patient)
    if current is None:
        messages.error(request, "This patient is not in care.")
        return redirect("patient-chart", patient.pk)
    form = DischargeForm(request.POST or None)
    return _form_page(
        request,
        patient,
        form,
        title=f"Discharge from {current.program.name}",
        done="Discharged.",
        action=lambda d: enrollment_discharge(acting_user=request.user, enrollment=current, **d),
    )


@login_required
def patient_book(request, pk: int):
    patient = _patient(request, pk)
    form = BookingForm(
        request.POST or None,
        initial={
            "counselor": patient.primary_counselor,
            "day": timezone.localdate() + datetime.timedelta(days=1),
            "at": datetime.time(10, 0),
            "location": "Counseling office",
        },
    )
    return _form_page(
        request,
        patient,
        form,
        title="Book a session",
        done="Booked.",
        clinical=False,
        action=lambda d: counseling_book(acting_user=request.user, patient=patient, **d),
    )


@login_required
@require_POST
def patient_consent(request, pk: int):
    """Record (action=give) or revoke (action=revoke) consent to reminder emails."""
    patient = _patient(request, pk)
    services = {"give": patient_give_reminder_consent, "revoke": patient_revoke_reminder_consent}
    service = services.get(request.POST.get("action", ""))
    if service is None:  # a garbled form must not revoke a patient's consent by default
        messages.error(request, "Choose whether to record or revoke consent; nothing was changed.")
        return redirect("patient-chart", patient.pk)
    try:
        service(acting_user=request.user, patient=patient)
        messages.success(request, "Consent to reminder emails updated.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("patient-chart", patient.pk)


@login_required
@require_POST
def review_resolve(request, pk: int, review_id: int):
    """Close an absence review from the chart with its outcome."""
    patient = _patient(request, pk)
    review = get_object_or_404(AbsenceReview, pk=review_id, enrollment__patient=patient)
    try:
        absence_review_resolve(acting_user=request.user, review=review, outcome=request.POST.get("outcome", ""))
        messages.success(request, "Review resolved.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("patient-chart", patient.pk)


@login_required
def patient_register_view(request):
    """Front desk, supervisors and administrators register a patient; the MRN is generated."""
    if not request.user.has_perm("patients.add_patient"):
        raise PermissionDenied("Registering patients is for front desk, supervisors and administrators.")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            patient = patient_register(acting_user=request.user, reminder_consent=data.pop("reminder_consent"), **data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Registered with MRN {patient.mrn}.")
            return redirect("patient-chart", patient.pk)
    return render(request, "staff/patient_register.html", {"form": form})
