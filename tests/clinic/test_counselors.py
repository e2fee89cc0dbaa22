"""The counselor picker's field: what a typed value resolves to, among whom, and in how few queries."""

import pytest
from django import forms

from clinic.counselors import CounselorField, clinicians_matching, counselor_label
from clinic.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class PickForm(forms.Form):
    counselor = CounselorField(required=False, empty_label="Any counselor")


def picked(value, *, among=None):
    """The counselor `value` names, or the form's error for it."""
    form = PickForm({"counselor": value})
    if among is not None:
        form.fields["counselor"].queryset = among
    return form.cleaned_data["counselor"] if form.is_valid() else form.errors["counselor"][0]


@pytest.fixture
def rivera():
    return UserFactory(username="arivera", first_name="Ana", last_name="Rivera", role="counselor")


@pytest.fixture
def riviera():
    return UserFactory(username="triviera", first_name="Tomas", last_name="Riviera", role="supervisor")


def test_the_label_is_last_first_and_the_user_name(rivera):
    assert counselor_label(rivera) == "Rivera, Ana (arivera)"
    assert counselor_label(UserFactory(username="solo", first_name="", last_name="")) == "solo"


def test_an_id_from_a_link_picks_that_counselor(rivera):
    assert picked(str(rivera.pk)) == rivera


def test_the_exact_label_picks_its_counselor_even_when_the_words_match_others(rivera):
    UserFactory(username="arivera2", first_name="Ana", last_name="Rivera")  # same name, another user name

    assert picked("Rivera, Ana (arivera)") == rivera
    assert picked("  rivera, ana (ARIVERA) ") == rivera


def test_a_user_name_picks_its_counselor(rivera, riviera):
    assert picked("triviera") == riviera


def test_a_unique_part_of_a_name_picks_its_counselor(rivera, riviera):
    assert picked("Ana") == rivera
    assert picked("ana riv") == rivera
    assert picked("Tomas") == riviera


def test_an_ambiguous_name_says_how_many_match_and_to_type_more(rivera, riviera):
    UserFactory(username="criv", first_name="Carla", last_name="Rivas")

    assert picked("Riv") == "3 counselors match “Riv”: type more of the name, or pick one of the suggestions."


@pytest.mark.parametrize("typed", ["Nobody", "999999", "9" * 30, "9" * 5000, "²", "-1", "Someone (arivera2)"])
def test_a_name_or_id_that_matches_no_one_says_so(rivera, typed):
    assert picked(typed) == f"No counselor matches “{typed}”."


def test_blank_is_any_counselor(rivera):
    assert picked("") is None
    assert picked("   ") is None


def test_an_inactive_user_or_a_non_clinician_never_resolves(rivera):
    inactive = UserFactory(username="gone", first_name="Gwen", last_name="Gone", is_active=False)
    desk = UserFactory(username="desk", first_name="Dana", last_name="Desk", role="front_desk")

    for user in (inactive, desk):
        for typed in (str(user.pk), counselor_label(user), user.username, user.last_name):
            assert picked(typed).startswith("No counselor matches"), typed


def test_a_counselor_outside_the_given_choices_never_resolves(rivera, riviera):
    only_supervisors = User.objects.clinicians().filter(role="supervisor")

    for typed in (str(rivera.pk), counselor_label(rivera), "arivera", "Ana"):
        assert picked(typed, among=only_supervisors).startswith("No counselor matches"), typed
    assert picked("Riv", among=only_supervisors) == riviera  # one match among the choices


def test_resolving_reads_at_most_two_queries_whatever_the_number_of_counselors(
    rivera, riviera, django_assert_max_num_queries
):
    UserFactory.create_batch(30, first_name="Ana")
    for typed in (str(rivera.pk), counselor_label(rivera), "triviera", "Tomas", "Ana", "Nobody"):
        with django_assert_max_num_queries(2):
            picked(typed)


def test_the_box_shows_the_chosen_counselors_label_and_an_empty_list_to_fill(rivera):
    form = PickForm({"counselor": str(rivera.pk)})
    form.is_valid()
    html = str(form["counselor"])

    assert 'type="search"' in html and 'autocomplete="off"' in html and "data-counselor-picker" in html
    assert 'list="id_counselor-options"' in html and '<datalist id="id_counselor-options"></datalist>' in html
    assert 'value="Rivera, Ana (arivera)"' in html and 'placeholder="Any counselor"' in html
    assert 'data-source="/counselors/"' in html and "<option" not in html


def test_the_box_keeps_what_was_typed_when_it_matches_no_one(rivera):
    form = PickForm({"counselor": "Nobody"})
    form.is_valid()

    assert 'value="Nobody"' in str(form["counselor"])


def test_an_initial_counselor_shows_as_its_label(rivera):
    assert PickForm(initial={"counselor": rivera})["counselor"].value() == "Rivera, Ana (arivera)"
    assert PickForm(initial={"counselor": rivera.pk})["counselor"].value() == "Rivera, Ana (arivera)"


def test_suggestions_are_active_clinicians_matching_every_word_by_name(rivera, riviera):
    UserFactory(username="gone", first_name="Ana", last_name="Rivers", is_active=False)
    UserFactory(username="desk", first_name="Ana", last_name="Rivet", role="front_desk")
    UserFactory.create_batch(20, first_name="Bo", last_name="Rivington")

    assert clinicians_matching("Ana") == [rivera]
    assert clinicians_matching("riv", limit=3) == [rivera, riviera, *clinicians_matching("Rivington", limit=1)]
    assert len(clinicians_matching("")) == 15


@pytest.mark.parametrize("typed", ["9" * 5000, "9" * 19, "²"])
def test_the_box_shows_any_number_typed_as_it_was(typed):
    form = PickForm({"counselor": typed})
    form.is_valid()

    assert f'value="{typed}"' in str(form["counselor"])
