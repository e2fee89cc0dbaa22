"""The admin's busiest pages stay the same size, in queries and in bytes, as the clinic grows: lists show one page
of rows, the session form names no patient until one is searched for, a roster loads in one query."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessions.models import TherapySession
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    GroupSessionFactory,
    MembershipFactory,
    ProgramFactory,
    ProgressNoteFactory,
    TherapyGroupFactory,
    UserFactory,
    attendees_with_notes,
)
from tests.helpers import SESSION_ADD, page_bytes, queries_for_page

pytestmark = pytest.mark.django_db

S = "/admin/clinic_sessions"
# Two lists of more rows than a page holds differ only in their page links, row counts and the lengths of names
# and ids; one more row would add far more than this.
SLACK = 400


@pytest.fixture
def short_pages(monkeypatch):
    """Five rows a page, so that a few rows already fill more than one page."""
    for model_admin in admin.site._registry.values():
        monkeypatch.setattr(model_admin, "list_per_page", 5)


def notes(count, *, author):
    session = GroupSessionFactory(group__facilitator=author)
    return attendees_with_notes(session, count, author=author)


def sessions(count, *, group):
    """`count` more sessions of `group` (one a day, going back), each attended by one member."""
    first = TherapySession.objects.filter(group=group).count()
    for day in range(first, first + count):
        session = GroupSessionFactory(group=group, starts_at=timezone.now() - datetime.timedelta(days=day + 1))
        AttendanceFactory(session=session, enrollment=MembershipFactory(group=group).enrollment)


@pytest.mark.parametrize("viewer", ["supervisor", "counselor"])
def test_the_notes_list_sends_one_page_whatever_the_number_of_notes(client, short_pages, counselor, viewer, request):
    client.force_login(request.getfixturevalue(viewer))
    notes(6, author=counselor)
    url = f"{S}/progressnote/"
    size, queries = page_bytes(client, url), queries_for_page(client, url)
    notes(30, author=counselor)

    assert queries_for_page(client, url) == queries
    assert abs(page_bytes(client, url) - size) < SLACK


@pytest.mark.parametrize("viewer", ["supervisor", "counselor", "front_desk"])
def test_the_session_list_sends_one_page_whatever_the_number_of_sessions(
    client, short_pages, counselor, viewer, request
):
    client.force_login(request.getfixturevalue(viewer))
    group = TherapyGroupFactory(facilitator=counselor)
    sessions(6, group=group)
    url = f"{S}/therapysession/"
    size, queries = page_bytes(client, url), queries_for_page(client, url)
    sessions(30, group=group)

    assert queries_for_page(client, url) == queries
    assert abs(page_bytes(client, url) - size) < SLACK


def test_the_session_list_counts_each_sessions_attendance(supervisor_client):
    group = TherapyGroupFactory()
    held, empty = (
        GroupSessionFactory(group=group),
        GroupSessionFactory(group=group, starts_at=timezone.now() + datetime.timedelta(days=1)),
    )
    for status, minutes in [("present", 180), ("late", 150), ("unexcused", 0)]:
        member = MembershipFactory(group=group)
        AttendanceFactory(session=held, enrollment=member.enrollment, status=status, minutes_attended=minutes)

    changelist = supervisor_client.get(f"{S}/therapysession/").context["cl"]

    counts = {session.pk: session.participant_count for session in changelist.result_list}
    assert counts == {held.pk: 2, empty.pk: 0}


def test_the_session_lists_drill_down_by_date_runs_a_constant_number_of_queries(supervisor_client, counselor):
    group = TherapyGroupFactory(facilitator=counselor)
    url = f"{S}/therapysession/?starts_at__year={timezone.localdate().year}"
    sessions(2, group=group)
    supervisor_client.get(url)  # the first page of a test loads the content types once
    with_two = queries_for_page(supervisor_client, url)
    sessions(38, group=group)

    assert queries_for_page(supervisor_client, url) == with_two


def test_the_session_form_lists_no_patient_whatever_the_number_of_patients(client, front_desk):
    client.force_login(front_desk)
    EnrollmentFactory.create_batch(2)
    size, queries = page_bytes(client, SESSION_ADD), queries_for_page(client, SESSION_ADD)
    # A name no page says by itself (a random surname such as "Page" or "Day" could stand in the form's own text).
    EnrollmentFactory.create_batch(38, patient__legal_last_name="Quennell")

    page = client.get(SESSION_ADD).content.decode()
    assert queries_for_page(client, SESSION_ADD) == queries
    assert len(page.encode()) == size
    assert "admin-autocomplete" in page  # the patient is searched for as typed
    assert "Quennell" not in page


def test_a_group_page_loads_its_roster_in_one_query(supervisor_client):
    group = TherapyGroupFactory(capacity=60)
    url = f"{S}/therapygroup/{group.pk}/change/"
    MembershipFactory.create_batch(2, group=group)
    supervisor_client.get(url)  # the first page of a test loads the content types once
    with_two = queries_for_page(supervisor_client, url)
    MembershipFactory.create_batch(38, group=group)

    assert queries_for_page(supervisor_client, url) == with_two


@pytest.mark.parametrize("url", [f"{S}/progressnote/", f"{S}/therapysession/", f"{S}/attendance/", f"{S}/reminder/"])
def test_lists_of_a_user_who_sees_every_patient_are_not_filtered_by_a_scope(client, supervisor, counselor, url):
    notes(2, author=counselor)

    def scope_filters(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in queries if 'FROM "patients_patient" U' in q["sql"] or "UNION" in q["sql"]]

    assert scope_filters(supervisor) == []  # `patient IN (every patient)` would only slow the count and the sort
    assert scope_filters(counselor) != []


def test_the_session_lists_drill_down_offers_the_periods_that_hold_sessions(supervisor_client):
    group = TherapyGroupFactory()
    now = timezone.now()
    for days in (-400, -40, -39, -3, 0, 2, 70):
        GroupSessionFactory(group=group, starts_at=now + datetime.timedelta(days=days))
    sessions = TherapySession.objects.all()
    year, month = timezone.localdate().year, timezone.localdate().month

    for query, kind, plain in [
        ("", "year", sessions),
        (f"?starts_at__year={year}", "month", sessions.filter(starts_at__year=year)),
        (
            f"?starts_at__year={year}&starts_at__month={month}",
            "day",
            sessions.filter(starts_at__year=year, starts_at__month=month),
        ),
    ]:
        changelist = supervisor_client.get(f"{S}/therapysession/{query}").context["cl"]
        offered = changelist.queryset.datetimes("starts_at", kind)

        assert offered == list(plain.datetimes("starts_at", kind))
        assert list(changelist.queryset.datetimes("starts_at", kind, order="DESC")) == offered[::-1]


def test_the_session_lists_drill_down_links_to_each_month_with_sessions(supervisor_client):
    group = TherapyGroupFactory()
    GroupSessionFactory(group=group, starts_at=timezone.now() - datetime.timedelta(days=40))
    GroupSessionFactory(group=group, starts_at=timezone.now())
    today = timezone.localdate()
    before = today - datetime.timedelta(days=40)

    page = supervisor_client.get(f"{S}/therapysession/?starts_at__year={today.year}").content.decode()

    months = {before.month, today.month} if before.year == today.year else {today.month}
    for month in months:
        assert f"starts_at__month={month}&amp;starts_at__year={today.year}" in page


@pytest.mark.parametrize(
    "url", [f"{S}/progressnote/", "/admin/patients/patient/", f"{S}/therapygroup/", f"{S}/groupmembership/"]
)
def test_lists_do_not_grow_with_the_number_of_clinicians_and_groups(supervisor_client, short_pages, url):
    program = ProgramFactory(capacity=100)  # a clinic has a few programs, whatever its size

    def clinicians(count):
        for clinician in UserFactory.create_batch(count):
            member = MembershipFactory(
                group__program=program, group__facilitator=clinician, enrollment__patient__primary_counselor=clinician
            )
            session = GroupSessionFactory(group=member.group)
            ProgressNoteFactory(author=clinician, attendance__session=session, attendance__enrollment=member.enrollment)

    clinicians(6)
    size = page_bytes(supervisor_client, url)
    clinicians(30)

    assert abs(page_bytes(supervisor_client, url) - size) < SLACK


def test_the_session_forms_patient_search_offers_only_the_users_caseload(client, counselor):
    mine, other = EnrollmentFactory(counselor=counselor), EnrollmentFactory()
    client.force_login(counselor)
    search = "/admin/autocomplete/?app_label=clinic_sessions&model_name=therapysession&field_name=patient&term="

    offered = {row["id"] for row in client.get(search).json()["results"]}

    assert offered == {str(mine.patient.pk)}
    assert str(other.patient.pk) not in offered
