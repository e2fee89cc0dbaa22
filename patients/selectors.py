"""Reads over patients: the likely duplicates of a patient about to be registered."""

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import CharField, Value
from django.db.models.functions import Concat

from clinic import policy
from patients.models import Patient, fold

# How alike two names must be, as pg_trgm measures it (shared trigrams over all trigrams): "Jose Garcia" and
# "José García" score 1, "Maria Garcia" and "Mario Garcia" 0.79, "Maria Lopez" 0.33, "Maria Garcia" and "Ann Smith" 0.
DUPLICATE_SIMILARITY = 0.4
MOST_DUPLICATES = 10  # a page of warnings, not a list of the patients born that day


@dataclass
class LikelyDuplicates:
    shown: list[Patient] = field(default_factory=list)  # those the user may open, best match first
    hidden: int = 0  # those outside the user's scope: counted, never named

    def __bool__(self) -> bool:
        return bool(self.shown or self.hidden)


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams of `text`, folded: each word padded with two spaces before and one after."""
    grams = set()
    for word in re.findall(r"\w+", fold(text)):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def name_similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(), accents and case ignored: the shared trigrams over all of them."""
    first, second = trigrams(a), trigrams(b)
    return len(first & second) / len(first | second) if first | second else 0.0


def patient_likely_duplicates(
    *, user, legal_first_name: str, legal_last_name: str, date_of_birth: datetime.date
) -> LikelyDuplicates:
    """The registered patients born on `date_of_birth` whose legal name is like the one given (accents, case and
    word order ignored). On PostgreSQL pg_trgm measures the likeness over unaccent()ed names; elsewhere the same
    measure is computed here, over the few patients born that day (the date of birth is indexed). Two queries."""
    typed = f"{legal_first_name} {legal_last_name}"
    born = Patient.objects.filter(date_of_birth=date_of_birth).order_by("pk")
    if connection.vendor == "postgresql":
        full_name = Concat("legal_first_name", Value(" "), "legal_last_name", output_field=CharField())
        found = list(
            born.annotate(similarity=TrigramSimilarity(Unaccent(full_name), fold(typed)))
            .filter(similarity__gte=DUPLICATE_SIMILARITY)
            .order_by("-similarity", "pk")[:MOST_DUPLICATES]
        )
    else:
        scored = [
            (name_similarity(typed, f"{p.legal_first_name} {p.legal_last_name}"), p)
            for p in born  # the few patients born that day
        ]
        best = sorted((pair for pair in scored if pair[0] >= DUPLICATE_SIMILARITY), key=lambda pair: -pair[0])
        found = [p for _, p in best[:MOST_DUPLICATES]]
    if not found:
        return LikelyDuplicates()
    visible = policy.patients_visible_to(user).filter(pk__in=[p.pk for p in found])
    shown_ids = set(visible.values_list("pk", flat=True))
    shown = [p for p in found if p.pk in shown_ids]
    return LikelyDuplicates(shown=shown, hidden=len(found) - len(shown))
