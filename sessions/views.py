from django.core import signing
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from patients.models import Patient
from patients.services import PatientError, patient_revoke_reminder_consent
from sessions.emails import opt_out_token_read, patient_contact


@csrf_exempt  # mail clients' one-click unsubscribe POSTs without a form (RFC 8058); the signed token is the proof
@never_cache
@require_http_methods(["GET", "POST"])
def reminder_opt_out(request, token: str):
    """The link at the foot of every patient email. GET only asks, because mail scanners open links to check them;
    POST (the page's button, or a mail client's one-click unsubscribe) revokes consent to reminder emails."""
    context = patient_contact()
    try:
        patient, consent_given_at = opt_out_token_read(token)
    except (signing.BadSignature, Patient.DoesNotExist):
        return render(request, "sessions/opt_out.html", context | {"state": "invalid"}, status=400)
    if not patient.has_reminder_consent:
        state = "already"
    elif patient.reminder_consent_given_at != consent_given_at:
        state = "renewed"  # the link came with an email sent before the patient consented again
    elif request.method == "GET":
        state = "confirm"
    else:
        try:
            patient_revoke_reminder_consent(
                acting_user=None, patient=patient, via="opt-out link", consent_given_at=consent_given_at
            )
            state = "done"
        except PatientError as error:  # consent changed between the checks above and the lock
            state = "renewed" if error.code == "consent_renewed" else "already"
    return render(request, "sessions/opt_out.html", context | {"state": state})
