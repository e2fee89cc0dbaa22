from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from patients.models import Patient
from patients.services import patient_revoke_reminder_consent
from sessions.emails import patient_id_from_token


@csrf_exempt  # mail clients' one-click unsubscribe POSTs without a form (RFC 8058); the signed token is the proof
@never_cache
@require_http_methods(["GET", "POST"])
def reminder_opt_out(request, token: str):
    """The link at the foot of every patient email: one click revokes consent to reminder emails."""
    context = {"clinic_name": settings.CLINIC_DISCREET_NAME, "clinic_phone": settings.CLINIC_PHONE}
    try:
        patient = Patient.objects.filter(pk=patient_id_from_token(token)).first()
    except (signing.BadSignature, ValueError):
        patient = None
    if patient is None:
        return render(request, "sessions/opt_out.html", context | {"invalid": True}, status=400)
    if not patient.has_reminder_consent:
        return render(request, "sessions/opt_out.html", context | {"already": True})
    patient_revoke_reminder_consent(acting_user=None, patient=patient, via="opt-out link")
    return render(request, "sessions/opt_out.html", context)
