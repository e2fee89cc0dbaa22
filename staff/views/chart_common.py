"""What the chart's action pages share: the patient, fetched within the user's scope, and the form page that calls
one service and shows a broken rule as a message on the form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.errors import DomainError
from clinic.policy import Action


def chart_patient(request, pk):
    """The patient if the user may see them, else 404; a GET is audited, since the form pages show the record."""
    patient = get_object_or_404(policy.patients_visible_to(request.user), pk=pk)
    if request.method == "GET":
        audit_record(
            actor=request.user,
            action=AuditAction.PATIENT_VIEW,
            patient_id=patient.pk,
            page=request.resolver_match.url_name,
        )
    return patient


def action_page(request, patient, form, *, title: str, done: str, action, needs: Action | None = None, refused=None):
    """Refuse (403) a user the policy refuses `needs`; validate, call the service, and on a broken rule show its
    message on the form (nothing is saved): as `refused(error)` puts it, else above the fields."""
    if needs is not None and not policy.allows(request.user, needs):
        raise PermissionDenied("Only counselors and clinical supervisors do this.")
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as error:
            if refused is not None:
                refused(error)
            else:
                form.add_error(None, error.message)
        else:
            messages.success(request, done)
            return redirect("patient-chart", patient.pk)
    return render(request, "staff/patient_action.html", {"form": form, "patient": patient, "title": title})
