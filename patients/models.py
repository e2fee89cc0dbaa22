import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from clinic.levels import LevelOfCare
from clinic.models import CLINICAL_ROLES, CLINICIAN_CHOICES

MRN_LENGTH = 8
# Why a patient gets no reminder email: the reason is stored on the cancelled outbox row, for staff to read.
NO_REMINDER_CONSENT = "The patient has not consented to reminder emails."
NO_EMAIL_ADDRESS = "The patient has no email address."


def luhn_check_digit(digits: str) -> str:
    """The Luhn check digit of `digits`: one mistyped digit or swapped pair in an MRN is caught."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def mrn_is_valid(mrn: str) -> bool:
    return len(mrn) == MRN_LENGTH and mrn.isdigit() and luhn_check_digit(mrn[:-1]) == mrn[-1]


def new_mrn() -> str:
    """A random medical record number: 8 digits, the last a check digit. Random rather than sequential, so
    that an MRN reveals neither the clinic's census nor when a patient came."""
    body = str(secrets.randbelow(9 * 10 ** (MRN_LENGTH - 2)) + 10 ** (MRN_LENGTH - 2))
    return body + luhn_check_digit(body)


def fold(text: str) -> str:
    """`text` as names are compared and searched: accents dropped, case folded, spaces squeezed ("José  GARCÍA"
    -> "jose garcia"). One Python function for both databases, so SQLite and PostgreSQL find the same patients."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


NAME_FIELDS = ("legal_last_name", "legal_first_name", "preferred_name")


class AsamRating(models.IntegerChoices):
    NONE = 0, "0 - no risk"
    LOW = 1, "1 - low"
    MODERATE = 2, "2 - moderate"
    SIGNIFICANT = 3, "3 - significant"
    SEVERE = 4, "4 - severe"


ASAM_DIMENSIONS = {
    "asam_d1_withdrawal": "ASAM dimension 1: Acute intoxication and/or withdrawal potential",
    "asam_d2_biomedical": "ASAM dimension 2: Biomedical conditions and complications",
    "asam_d3_emotional": "ASAM dimension 3: Emotional, behavioral or cognitive conditions",
    "asam_d4_readiness": "ASAM dimension 4: Readiness to change",
    "asam_d5_relapse": "ASAM dimension 5: Relapse, continued use or continued problem potential",
    "asam_d6_environment": "ASAM dimension 6: Recovery/living environment",
}


def _asam_field(label):
    return models.PositiveSmallIntegerField(
        label, choices=AsamRating.choices, null=True, blank=True, validators=[MaxValueValidator(4)]
    )


class Patient(models.Model):
    mrn = models.CharField("MRN", max_length=MRN_LENGTH, unique=True, editable=False)
    legal_first_name = models.CharField(max_length=80)
    legal_last_name = models.CharField(max_length=80)
    preferred_name = models.CharField(max_length=80, blank=True, help_text="What the patient likes to be called.")
    date_of_birth = models.DateField()
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    primary_counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="primary_patients",
        limit_choices_to=CLINICIAN_CHOICES,
    )
    intake_date = models.DateField(default=timezone.localdate)

    # Intake screening
    needs_withdrawal_management = models.BooleanField(
        default=False,
        help_text="Screened as needing withdrawal management: placement in IOP, outpatient or aftercare then "
        "needs a supervisor's override.",
    )
    asam_d1_withdrawal = _asam_field(ASAM_DIMENSIONS["asam_d1_withdrawal"])
    asam_d2_biomedical = _asam_field(ASAM_DIMENSIONS["asam_d2_biomedical"])
    asam_d3_emotional = _asam_field(ASAM_DIMENSIONS["asam_d3_emotional"])
    asam_d4_readiness = _asam_field(ASAM_DIMENSIONS["asam_d4_readiness"])
    asam_d5_relapse = _asam_field(ASAM_DIMENSIONS["asam_d5_relapse"])
    asam_d6_environment = _asam_field(ASAM_DIMENSIONS["asam_d6_environment"])
    recommended_level = models.CharField(max_length=10, choices=LevelOfCare.choices, blank=True)

    # Consent to reminder emails: given, and not revoked since.
    reminder_consent_given_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_consent_revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    # The names folded (see `fold`), kept by save(): what the patient search matches, accents and case ignored.
    # On PostgreSQL a trigram index serves it (migration 0003); unaccent() itself cannot be indexed.
    search_name = models.CharField(max_length=250, editable=False, default="")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name", "id"]
        # With the id, the patient list pages through the index alone (no sort, no table rows) however deep the page.
        indexes = [
            models.Index(fields=["legal_last_name", "legal_first_name", "id"], name="patient_name"),
            models.Index(fields=["date_of_birth"], name="patient_birth_date"),  # the duplicate check at registration
        ]
        constraints = [
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__lte": 4}),
                    name=f"patient_{field}_0_to_4",
                )
                for field in ASAM_DIMENSIONS
            ],
            models.CheckConstraint(
                condition=models.Q(reminder_consent_revoked_at__isnull=True)
                | models.Q(reminder_consent_given_at__lte=models.F("reminder_consent_revoked_at")),
                name="patient_consent_revoked_after_given",
            ),
            models.CheckConstraint(
                condition=models.Q(date_of_birth__lte=models.F("intake_date")), name="patient_born_before_intake"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legal_last_name}, {self.display_first_name} ({self.mrn})"

    def save(self, *args, **kwargs):
        self.refresh_search_name()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(NAME_FIELDS) & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def refresh_search_name(self) -> None:
        """Fold the names into `search_name`; save() does it, and so must whatever bulk-inserts patients."""
        self.search_name = fold(" ".join(getattr(self, name) or "" for name in NAME_FIELDS))

    @property
    def display_first_name(self) -> str:
        return self.preferred_name or self.legal_first_name

    @property
    def has_reminder_consent(self) -> bool:
        return self.reminder_consent_given_at is not None and self.reminder_consent_revoked_at is None

    def reminder_blocker(self) -> str:
        """Why no reminder email may go to this patient now, or "" if one may."""
        if not self.has_reminder_consent:
            return NO_REMINDER_CONSENT
        if not self.email:
            return NO_EMAIL_ADDRESS
        return ""

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = "The date of birth cannot be in the future."
        elif self.date_of_birth and self.date_of_birth.year < today.year - 120:
            errors["date_of_birth"] = "Check the date of birth: that is more than 120 years ago."
        if self.intake_date and self.intake_date > today:
            errors["intake_date"] = "The intake date cannot be in the future."
        elif self.intake_date and self.date_of_birth and self.intake_date < self.date_of_birth:
            errors["intake_date"] = "The intake date cannot be before the date of birth."
        if self.primary_counselor_id and self.primary_counselor.role not in CLINICAL_ROLES:
            errors["primary_counselor"] = "The primary counselor must be a counselor or a clinical supervisor."
        if errors:
            raise ValidationError(errors)
