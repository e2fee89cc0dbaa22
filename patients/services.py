"""Writes to a patient's record. Each service is atomic and leaves one audit row."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.errors import DomainError, full_clean_or_raise
from clinic.policy import Action
from patients.models import Patient, new_mrn


class PatientError(DomainError):
    pass


# Fields a registration or an update may set. The MRN and the consent history have services of their own.
EDITABLE_FIELDS = frozenset(
    {
        "legal_first_name",
        "legal_last_name",
        "preferred_name",
        "date_of_birth",
        "email",
        "phone",
        "primary_counselor",
        "intake_date",
        "needs_withdrawal_management",
        "asam_d1_withdrawal",
        "asam_d2_biomedical",
        "asam_d3_emotional",
        "asam_d4_readiness",
        "asam_d5_relapse",
        "asam_d6_environment",
        "recommended_level",
    }
)


def _validate(patient: Patient) -> None:
    full_clean_or_raise(patient, PatientError, exclude=["mrn"], code="invalid_patient")


def _changed_fields(patient: Patient, fields) -> list[str]:
    """The fields whose stored value `patient` changes (a caller may pass a field with the value it already has).
    Compared with the database row, not the instance, which a form has already updated."""
    attnames = {name: Patient._meta.get_field(name).attname for name in fields if name in EDITABLE_FIELDS}
    if not attnames:
        return []
    stored = Patient.objects.filter(pk=patient.pk).values(*attnames.values()).get()
    return sorted(name for name, attname in attnames.items() if stored[attname] != getattr(patient, attname))


@transaction.atomic
def patient_register(*, acting_user, reminder_consent: bool = False, **fields) -> Patient:
    """Register a new patient with a fresh, unique, check-digited MRN. Front desk, supervisors and administrators
    register (whoever holds the permission to add patients)."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"patient_register() got unexpected fields: {', '.join(sorted(unknown))}")
    policy.require(acting_user, Action.REGISTER_PATIENT, error=PatientError)
    patient = Patient(**fields)
    if reminder_consent and not patient.email:
        raise PatientError("Reminder emails need an email address: add one, or leave consent unrecorded.")
    if reminder_consent:
        patient.reminder_consent_given_at = timezone.now()
    _validate(patient)
    for _attempt in range(5):
        patient.mrn = new_mrn()
        try:
            with transaction.atomic():
                patient.save()
            break
        except IntegrityError:
            if not Patient.objects.filter(mrn=patient.mrn).exists():
                raise
    else:  # pragma: no cover - five collisions in a space of 9 million
        raise PatientError("Could not allocate a new MRN; please try again.")
    audit_record(
        actor=acting_user,
        action=AuditAction.PATIENT_REGISTER,
        patient_id=patient.pk,
        target=patient,
        reminder_consent=reminder_consent,
    )
    return patient


@transaction.atomic
def patient_update(*, acting_user, patient: Patient, **fields) -> Patient:
    """Change demographics, contact details, counselor or intake screening, of a patient in the user's scope."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"patient_update() got unexpected fields: {', '.join(sorted(unknown))}")
    policy.require(acting_user, Action.CHANGE_PATIENT, patient)
    for name, value in fields.items():
        setattr(patient, name, value)
    _validate(patient)
    changed = _changed_fields(patient, fields)
    patient.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.PATIENT_UPDATE,
        patient_id=patient.pk,
        target=patient,
        fields=changed,
    )
    return patient


@transaction.atomic
def patient_give_reminder_consent(*, acting_user, patient: Patient) -> Patient:
    """Record the patient's consent to reminder emails (a fresh consent after a revocation starts anew)."""
    policy.require(acting_user, Action.CHANGE_PATIENT, patient)
    if not patient.email:
        raise PatientError("Add an email address before recording consent to reminder emails.")
    patient.reminder_consent_given_at = timezone.now()
    patient.reminder_consent_revoked_at = None
    patient.save(update_fields=["reminder_consent_given_at", "reminder_consent_revoked_at", "updated_at"])
    audit_record(actor=acting_user, action=AuditAction.PATIENT_CONSENT_GIVEN, patient_id=patient.pk, target=patient)
    return patient


_ANY_CONSENT = object()


@transaction.atomic
def patient_revoke_reminder_consent(
    *, acting_user, patient: Patient, via: str = "staff", consent_given_at=_ANY_CONSENT
) -> Patient:
    """Revoke consent to reminder emails; from now on the patient receives none. `via` says how (staff, or the
    patient's own opt-out link, with no acting user). `consent_given_at` names the consent an opt-out link was
    issued under: a consent given again since then is not revoked."""
    if acting_user is not None:  # None: the patient themselves, through the signed opt-out link
        policy.require(acting_user, Action.CHANGE_PATIENT, patient)
    if consent_given_at is not _ANY_CONSENT:
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        if patient.has_reminder_consent and patient.reminder_consent_given_at != consent_given_at:
            raise PatientError("The patient consented again after this request was made.", code="consent_renewed")
    if not patient.has_reminder_consent:
        raise PatientError(
            "This patient has not consented to reminder emails, so there is nothing to revoke.", code="no_consent"
        )
    patient.reminder_consent_revoked_at = timezone.now()
    patient.save(update_fields=["reminder_consent_revoked_at", "updated_at"])
    audit_record(
        actor=acting_user, action=AuditAction.PATIENT_CONSENT_REVOKED, patient_id=patient.pk, target=patient, via=via
    )
    return patient
