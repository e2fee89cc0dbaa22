"""The patient search ignores accents and case, both ways, on SQLite and on PostgreSQL alike; an MRN is found
exactly, as before."""

import pytest
from django.db import connection

from patients.models import Patient, fold
from patients.services import patient_update
from sessions.selectors import patients_list, patients_search
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def found(user, q):
    return {p.legal_first_name for p in patients_search(user=user, params={"q": q}).qs}


def test_folding_drops_accents_case_and_extra_spaces():
    assert fold("  José   GARCÍA ") == "jose garcia"
    assert fold("Renée Ångström-Øre") == "renee angstrom-øre"  # ø is a letter of its own, not an accented o


@pytest.mark.parametrize(
    "q", ["jose", "JOSE", "José", "josé garcía", "GARCIA", "garcía jose", "arc", "Pepe"], ids=str.lower
)
def test_an_accented_name_is_found_without_accents_and_in_any_case(supervisor, q):
    PatientFactory(legal_first_name="José", legal_last_name="García", preferred_name="Pepe")
    PatientFactory(legal_first_name="Ann", legal_last_name="Smith")

    assert found(supervisor, q) == {"José"}


@pytest.mark.parametrize("q", ["renée", "RENÉE", "Renee", "müller", "muller"])
def test_a_plain_name_is_found_by_an_accented_search_too(supervisor, q):
    PatientFactory(legal_first_name="Renee", legal_last_name="Muller")

    assert found(supervisor, q) == {"Renee"}


def test_every_word_must_match_some_name(supervisor):
    PatientFactory(legal_first_name="José", legal_last_name="García")
    PatientFactory(legal_first_name="José", legal_last_name="Smith")

    assert found(supervisor, "jose garcia") == {"José"}
    assert len(patients_search(user=supervisor, params={"q": "jose zzz"}).qs) == 0


def test_the_mrn_is_found_exactly_and_only_exactly(supervisor):
    patient = PatientFactory(legal_first_name="Ann")

    assert found(supervisor, f" {patient.mrn} ") == {"Ann"}
    assert found(supervisor, patient.mrn[:-1]) == set()


def test_a_wildcard_is_a_character_not_a_pattern(supervisor):
    PatientFactory(legal_first_name="Ann")

    assert found(supervisor, "%") == found(supervisor, "_") == set()


def test_a_renamed_patient_is_found_by_the_new_name_only(supervisor):
    patient = PatientFactory(legal_first_name="Zoë", legal_last_name="Adams", email="zoe@example.com")

    patient_update(acting_user=supervisor, patient=patient, legal_first_name="Chloé")
    patient.legal_last_name = "Éclair"
    patient.save(update_fields=["legal_last_name"])  # a save of some fields keeps the folded names in step

    assert Patient.objects.get(pk=patient.pk).search_name == "eclair chloe"
    assert found(supervisor, "chloe eclair") == {"Chloé"} and found(supervisor, "zoe") == set()


def test_a_counselor_finds_only_their_own_josé(counselor):
    PatientFactory(legal_first_name="José", primary_counselor=counselor, legal_last_name="Mine")
    PatientFactory(legal_first_name="José", legal_last_name="Theirs")

    assert {p.legal_last_name for p in patients_search(user=counselor, params={"q": "jose"}).qs} == {"Mine"}


@pytest.mark.parametrize("size", [2, 40])
def test_an_accent_blind_search_runs_the_same_queries_at_any_size(supervisor, size, django_assert_num_queries):
    PatientFactory.create_batch(size, legal_first_name="José")

    with django_assert_num_queries(3):  # the count, the page's rows, their current enrollments
        page = patients_list(user=supervisor, params={"q": "jose"}, page=1).page
        assert len(page) == min(size, 25)


@pytest.mark.postgres
def test_postgresql_serves_the_search_from_the_trigram_index(supervisor):
    PatientFactory.create_batch(3)
    with connection.cursor() as cursor:
        # A table this small is otherwise scanned whatever the index: with plain scans off (of the table, or of a
        # whole btree index in its order), what is left is a bitmap scan, which needs an index that answers LIKE.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        sql, params = Patient.objects.filter(search_name__contains="jose").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")

    assert "patient_search_name_trgm" in plan
