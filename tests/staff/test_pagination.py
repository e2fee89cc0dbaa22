import html
import pathlib
import re

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string

from tests.factories import EnrollmentFactory


def links(page: str) -> list[str]:
    return [html.unescape(link) for link in re.findall(r'href="([^"]*)"', page)]


def test_one_page_draws_no_page_links():
    page = Paginator(range(5), 25).get_page(1)

    assert render_to_string("_pagination.html", {"page": page}).strip() == ""


def test_the_page_links_keep_the_lists_filters():
    middle = Paginator(range(60), 25).get_page(2)

    drawn = render_to_string("_pagination.html", {"page": middle, "query": "program=4&status=active", "label": "X"})

    assert links(drawn) == ["?program=4&status=active&page=1", "?program=4&status=active&page=3"]
    assert "Page 2 of 3" in drawn and 'aria-label="X"' in drawn


def test_without_filters_the_links_carry_the_page_alone():
    first = Paginator(range(60), 25).get_page(1)

    drawn = render_to_string("_pagination.html", {"page": first})

    assert links(drawn) == ["?page=2"] and 'aria-label="Pages"' in drawn


@pytest.mark.django_db
def test_the_dashboards_caseload_pages_keep_the_counselor(client, supervisor, counselor):
    for _ in range(26):  # the dashboard shows 25 a page
        EnrollmentFactory(counselor=counselor)
    client.force_login(supervisor)

    page = client.get(f"/?counselor={counselor.pk}").content.decode()

    assert "Page 1 of 2" in page and 'aria-label="Caseload pages"' in page
    assert f"?counselor={counselor.pk}&page=2" in links(page)


def test_the_include_is_the_only_template_that_draws_page_links():
    templates = pathlib.Path(__file__).resolve().parents[2] / "templates"
    drawing = {p.name for p in templates.rglob("*.html") if "page.has_next" in p.read_text()}

    assert drawing == {"_pagination.html"}
