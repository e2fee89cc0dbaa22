"""The staff app is the top floor and keeps its views a screen tall: each binds a form, calls one service or
selector and renders. A transaction, a query or a long module in a view means a service or selector is missing."""

from pathlib import Path

import pytest
from django.apps import apps

VIEWS = sorted((Path(__file__).resolve().parents[2] / "staff" / "views").glob("*.py"))
QUERY_BUILDING = (".filter(", ".exclude(", ".annotate(", ".aggregate(", "Q(", "Count(", "Subquery(", "transaction")
# Who may do what is the policy's to say (clinic.policy), not a view's.
ROLE_RULES = ("Role.", ".role", "is_clinician", "is_superuser", "has_perm(")


def test_the_staff_app_has_views_and_no_models():
    assert len(VIEWS) >= 6
    assert list(apps.get_app_config("staff").get_models()) == []


@pytest.mark.parametrize("path", VIEWS, ids=lambda path: path.name)
def test_a_view_module_is_about_a_screen_tall(path):
    assert len(path.read_text().splitlines()) <= 150


@pytest.mark.parametrize("path", VIEWS, ids=lambda path: path.name)
def test_a_view_module_opens_no_transaction_and_builds_no_query(path):
    text = path.read_text()
    assert [word for word in QUERY_BUILDING if word in text] == []


@pytest.mark.parametrize("path", VIEWS, ids=lambda path: path.name)
def test_a_view_module_asks_the_policy_rather_than_the_role(path):
    text = path.read_text()
    assert [word for word in ROLE_RULES if word in text] == []
