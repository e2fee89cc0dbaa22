"""The chart's other actions: book a session, record or revoke consent, resolve an absence review; and registering
a patient. Each calls one service; a broken rule comes back as a message and nothing is saved."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.clock import local_start
from clinic.errors import DomainError
from clinic.policy import Action
from patients.selectors import patient_likely_duplicates
from patients.services import patient_give_reminder_consent, patient_register, patient_revoke_reminder_consent
from sessions.models import AbsenceReview
from sessions.selectors.booking import next_free_slot
from sessions.services.attendance import absence_review_resolve
from sessions.services.counseling import counseling_book
from staff.forms import ChartBookingForm, RegisterForm
from staff.views.chart_common import action_page, chart_patient


@login_required
def patient_book(request, pk: int):
    """Book a session for the patient; the form opens on the counselor's next free slot."""
    patient = chart_patient(request, pk)
    initial = {"counselor": patient.primary_counselor, "location": "Counseling office"}
    if request.method == "GET":
        # From the calendar: the counselor, day and time of the slot clicked (whatever is valid of them); otherwise
        # the counselor's next free slot.
        chosen = ChartBookingForm(request.GET)
        chosen.is_valid()
        initial |= {
            name: chosen.cleaned_data[name] for name in ("counselor", "day", "at") if chosen.cleaned_data.get(name)
        }
        if not ("day" in initial and "at" in initial):  # the first free slot from now, or from the day chosen
            minutes = ChartBookingForm.base_fields["duration_minutes"].initial
            start = max(timezone.now(), local_start(initial["day"], datetime.time(0))) if "day" in initial else None
            slot = next_free_slot(counselor=initial["counselor"], patient=patient, minutes=minutes, now=start)
            if slot is not None:
                slot = timezone.localtime(slot)
                initial.update(day=slot.date(), at=slot.time())
    form = ChartBookingForm(request.POST or None, initial=initial)
    return action_page(
        request,
        patient,
        form,
        title="Book a session",
        done="Booked.",
        action=lambda d: counseling_book(acting_user=request.user, patient=patient, **d),
        refused=form.refused,
    )


@login_required
@require_POST
def patient_consent(request, pk: int):
    """Record (action=give) or revoke (action=revoke) consent to reminder emails."""
    patient = chart_patient(request, pk)
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
    patient = chart_patient(request, pk)
    review = get_object_or_404(AbsenceReview, pk=review_id, enrollment__patient=patient)
    try:
        absence_review_resolve(acting_user=request.user, review=review, outcome=request.POST.get("outcome", ""))
        messages.success(request, "Review resolved.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("patient-chart", patient.pk)


@login_required
def patient_register_view(request):
    """Front desk, supervisors and administrators register a patient; the MRN is generated. A patient born the same
    day with a like name is shown first (named and linked only if the user may open their chart), and registering
    goes on only on "Register anyway"."""
    if not policy.allows(request.user, Action.REGISTER_PATIENT):
        raise PermissionDenied("Registering patients is for front desk, supervisors and administrators.")
    form = RegisterForm(request.POST or None)
    duplicates = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if "register_anyway" not in request.POST:
            duplicates = patient_likely_duplicates(
                user=request.user,
                legal_first_name=data["legal_first_name"],
                legal_last_name=data["legal_last_name"],
                date_of_birth=data["date_of_birth"],
            )
        if duplicates:
            if duplicates.shown:
                audit_record(
                    actor=request.user,
                    action=AuditAction.PATIENT_DUPLICATE_WARNING,
                    patient_ids=[p.pk for p in duplicates.shown],
                )
        else:
            try:
                patient = patient_register(
                    acting_user=request.user, reminder_consent=data.pop("reminder_consent"), **data
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"Registered with MRN {patient.mrn}.")
                return redirect("patient-chart", patient.pk)
    return render(request, "staff/patient_register.html", {"form": form, "duplicates": duplicates})
