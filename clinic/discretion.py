"""The discretion rule for everything a patient email prints (42 CFR Part 2).

A reminder is read by whoever sees the patient's inbox, so nothing in it may tie the patient to addiction
treatment: not the clinic's name, a room, a video link, a phone number or an address. One function answers for
all of them: the system check on the settings, the services where rooms and links are entered, and the sender.
"""

import re
import unicodedata
from urllib.parse import unquote

from django.conf import settings

# Stems found anywhere in a text, so "Detox wing", "RecoveryGroup" and ".../substance-use" are all caught.
_STEMS = (
    "addict",
    "alcohol",
    "drug",
    "recover",
    "rehab",
    "detox",
    "sober",
    "sobriety",
    "substance",
    "treatment",
    "opioid",
    "opiate",
    "heroin",
    "cocaine",
    "methadone",
    "suboxone",
    "buprenorphine",
    "naloxone",
    "narcan",
    "narcotic",
    "relapse",
    "withdrawal",
    "dependenc",
)
# Abbreviations matched as whole words only ("aa" inside a word is harmless).
_WORDS = ("aa", "iop", "sud")
_PATTERN = re.compile(
    "|".join([*map(re.escape, _STEMS), r"(?:12|twelve)[\s_-]*steps?", *(rf"\b{w}\b" for w in _WORDS)])
)

# The settings whose text patient emails print (the opt-out link's address and the sender's address included).
PATIENT_FACING_SETTINGS = ("CLINIC_DISCREET_NAME", "CLINIC_PHONE", "DEFAULT_FROM_EMAIL", "SITE_URL")


def revealing_word(text: str) -> str:
    """The first word in `text` that would reveal addiction treatment to a reader, or "" if there is none."""
    normal = unicodedata.normalize("NFKC", unquote(text or "")).casefold()
    found = _PATTERN.search(normal)
    return found.group(0) if found else ""


def is_discreet(text: str) -> bool:
    return not revealing_word(text)


def discretion_problem(text: str) -> str:
    """Why patient emails must not print `text` (a room, a video link...), or "" if they may."""
    if word := revealing_word(text):
        return (
            f"Patients' reminder emails print this, and “{word}” would tell anyone who reads them about their "
            "treatment. Use a neutral name (e.g. Room 2) or link."
        )
    return ""


def require_discreet(text: str, *, label: str, error_class: type[Exception]) -> None:
    """Refuse, as `error_class` (a DomainError), a text that patient emails would print if it reveals treatment."""
    if problem := discretion_problem(text):
        raise error_class(f"{label}: {problem}", code="reveals_treatment")


def revealing_settings() -> dict[str, str]:
    """The patient-facing settings that would reveal treatment, each with the word that does."""
    found = {name: revealing_word(str(getattr(settings, name, ""))) for name in PATIENT_FACING_SETTINGS}
    return {name: word for name, word in found.items() if word}
