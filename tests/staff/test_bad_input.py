"""Ordinary bad input gets a clear message and changes nothing: never a server error. Each case here answered 500
before (the NUL and over-long ones on PostgreSQL; on SQLite they were stored)."""

import html
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings

from sessions.models import Attendance, GroupNarrative, ProgressNote, TherapySession
from tests.clock import BAD_INPUT_AFTERNOON
from tests.factories import PASSWORD, MembershipFactory, TherapyGroupFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(BAD_INPUT_AFTERNOON, tick=False)]


def sheet(session):
    return f"/sessions/{session.pk}/attendance/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def nothing_recorded():
    return not (Attendance.objects.exists() or ProgressNote.objects.exists() or GroupNarrative.objects.exists())


# A NUL anywhere: refused before any view runs, with a page that says nothing was saved.


@pytest.mark.parametrize("field", ["narrative", "data", "status"])
def test_a_nul_in_the_attendance_sheet_saves_nothing(client, counselor, session, group, field):
    member = MembershipFactory(group=group)
    pid = member.patient_id
    client.force_login(counselor)
    data = {f"status-{pid}": "present", f"data-{pid}": "Shared.", "narrative": "Topic"}
    key = field if field == "narrative" else f"{field}-{pid}"
    data[key] = "bad\x00text"

    response = client.post(sheet(session), data)

    assert response.status_code == 400
    assert "Nothing was saved" in text(response) and "null character" in text(response)
    assert nothing_recorded()


def test_a_nul_in_a_cancel_reason_cancels_nothing(client, counselor, later):
    client.force_login(counselor)

    response = client.post(f"/sessions/{later.pk}/cancel/", {"reason": "Snow\x00"})

    assert response.status_code == 400 and "Nothing was saved" in text(response)
    later.refresh_from_db()
    assert later.status == "scheduled" and later.cancel_reason == ""


@pytest.mark.parametrize(
    "url",
    [
        "/patients/?q=a%00b",
        "/schedule/?week=%00",
        "/?counselor=%00",
        "/admin/patients/patient/?q=a%00b",
        "/admin/patients/patient/?recommended_level__exact=%00",
        "/admin/clinic_sessions/therapysession/?status__exact=%00",
        "/admin/autocomplete/?term=a%00&app_label=clinic_sessions&model_name=groupmembership&field_name=patient",
    ],
)
def test_a_nul_in_a_query_parameter_is_a_clear_400(client, supervisor, url):
    client.force_login(supervisor)

    response = client.get(url)

    assert response.status_code == 400 and "null character" in text(response)


def test_a_nul_in_a_sign_in_is_refused_and_not_counted(client):
    UserFactory(username="dana")

    response = client.post("/login/", {"username": "dana\x00", "password": PASSWORD})

    assert response.status_code == 400 and "null character" in text(response)
    assert not AccessAttempt.objects.exists()
    assert "_auth_user_id" not in client.session


def test_the_views_refuse_a_nul_themselves_when_the_guard_is_off(client, counselor, session, group, settings):
    """The guard is a backstop: the attendance sheet, read by hand, checks its text where it reads it."""
    settings.MIDDLEWARE = [m for m in django_settings.MIDDLEWARE if m != "clinic.request_guard.RejectNulMiddleware"]
    member = MembershipFactory(group=group)
    pid = member.patient_id
    client.force_login(counselor)

    note = client.post(sheet(session), {f"status-{pid}": "present", f"data-{pid}": "a\x00b"})
    narrative = client.post(sheet(session), {f"status-{pid}": "present", "narrative": "a\x00b"})

    assert "The note contains a null character" in text(note)
    assert "The group narrative contains a null character" in text(narrative)
    assert nothing_recorded()


# Minutes: ASCII digits only, and no more digits than a session can last.


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("²", "written with the digits 0 to 9"),
        ("①", "written with the digits 0 to 9"),
        ("\u0663\u0660", "written with the digits 0 to 9"),  # Arabic-Indic 30
        ("9" * 5000, "cannot be more than the session"),
    ],
)
def test_minutes_in_unicode_or_huge_get_a_message(client, counselor, session, group, minutes, message):
    member = MembershipFactory(group=group)
    pid = member.patient_id
    client.force_login(counselor)

    whole = client.post(sheet(session), {f"status-{pid}": "late", f"minutes-{pid}": minutes})
    row = client.post(f"{sheet(session)}{pid}/", {f"status-{pid}": "late", f"minutes-{pid}": minutes})

    assert whole.status_code == 200 and message in text(whole)
    assert "Nothing was saved" in text(whole)
    assert row.status_code == 200 and message in text(row)
    assert nothing_recorded()


# A patient not on the roster, or a row given twice: refused, nothing saved (both were silently ignored).


def test_the_sheet_refuses_a_patient_from_another_group(client, counselor, session, group):
    member = MembershipFactory(group=group)
    stranger = MembershipFactory(group=TherapyGroupFactory(program=group.program))  # in the program, not the group
    client.force_login(counselor)

    response = client.post(
        sheet(session),
        {
            f"status-{member.patient_id}": "present",
            f"status-{stranger.patient_id}": "present",
        },
    )

    page = text(response)
    assert response.status_code == 200
    assert "names a patient who is not on this session's roster" in page and "Nothing was saved" in page
    assert nothing_recorded()


def test_the_sheet_refuses_a_patient_id_that_is_not_a_number(client, counselor, session, group):
    member = MembershipFactory(group=group)
    client.force_login(counselor)

    for key in ("minutes-²", "status-" + "9" * 30, "status-"):
        response = client.post(sheet(session), {f"status-{member.patient_id}": "present", key: "10"})

        assert "not on this session's roster" in text(response), key
    assert nothing_recorded()


@pytest.mark.parametrize("key", ["status", "minutes", "data", "sign"])
def test_the_sheet_refuses_one_patients_field_twice(client, counselor, session, group, key):
    member = MembershipFactory(group=group)
    pid = member.patient_id
    client.force_login(counselor)
    data = {f"status-{pid}": ["present"], f"minutes-{pid}": ["180"], f"data-{pid}": ["Shared."]}
    data[f"{key}-{pid}"] = {
        "status": ["present", "unexcused"],
        "minutes": ["180", "20"],
        "data": ["A", "B"],
        "sign": ["on", "on"],
    }[key]

    response = client.post(sheet(session), data)

    assert "gives one patient's row twice" in text(response)
    assert nothing_recorded()


def test_the_sheet_refuses_the_narrative_twice(client, counselor, session, group):
    member = MembershipFactory(group=group)
    client.force_login(counselor)

    response = client.post(sheet(session), {f"status-{member.patient_id}": "present", "narrative": ["A", "B"]})

    assert "gives the group narrative twice" in text(response)
    assert nothing_recorded()


def test_the_htmx_row_refuses_another_patients_fields_or_its_own_twice(client, counselor, session, group):
    member, other = MembershipFactory.create_batch(2, group=group)
    stranger = MembershipFactory(group=TherapyGroupFactory(program=group.program))
    pid = member.patient_id
    client.force_login(counselor)
    row = f"{sheet(session)}{pid}/"

    for data in (
        {f"status-{pid}": "present", f"status-{other.patient_id}": "present"},  # on the roster, but not this row
        {f"status-{pid}": "present", f"status-{stranger.patient_id}": "present"},
        {f"status-{pid}": ["present", "unexcused"]},
        {f"status-{pid}": "late", f"minutes-{pid}": ["20", "30"]},
    ):
        response = client.post(row, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and 'class="small text-danger' in text(response), data
        assert "not in this row. Nothing was saved" in text(response) or "row twice" in text(response), data

    assert nothing_recorded()


def test_the_htmx_row_of_a_patient_from_another_group_is_not_found(client, counselor, session, group):
    stranger = MembershipFactory(group=TherapyGroupFactory(program=group.program))
    client.force_login(counselor)

    response = client.post(f"{sheet(session)}{stranger.patient_id}/", {f"status-{stranger.patient_id}": "present"})

    assert response.status_code == 404
    assert nothing_recorded()


# Dates, ids and lengths that a form or a hand-read parameter must check.


@pytest.mark.parametrize("week", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_a_week_beyond_the_calendar_says_so_and_shows_this_week(client, supervisor, week):
    client.force_login(supervisor)

    response = client.get(f"/schedule/?week={week}")

    page = text(response)
    assert response.status_code == 200
    assert "Choose a week between the years 1900 and 9998" in page
    assert "Week of Mar 9, 2026" in page


def test_the_schedule_still_shows_an_early_and_a_late_week(client, supervisor):
    client.force_login(supervisor)

    assert "Week of Jan 1, 1900" in text(client.get("/schedule/?week=1900-01-01"))
    assert "Week of Dec 28, 9998" in text(client.get("/schedule/?week=9998-12-31"))


@pytest.mark.parametrize("counselor_param", [quote("²"), "-1", "9" * 30, "abc"])
def test_a_dashboard_counselor_that_matches_no_one_shows_everyone_with_a_message(client, supervisor, counselor_param):
    client.force_login(supervisor)

    response = client.get(f"/?counselor={counselor_param}")

    page = text(response)
    assert response.status_code == 200
    assert "No counselor matches" in page and "Showing all caseloads" in page and "All caseloads" in page


def test_a_cancel_reason_over_its_columns_length_says_so_and_cancels_nothing(client, counselor, later):
    client.force_login(counselor)
    limit = TherapySession._meta.get_field("cancel_reason").max_length

    response = client.post(f"/sessions/{later.pk}/cancel/", {"reason": "x" * (limit + 1)}, follow=True)

    assert f"Not cancelled. Keep the reason to {limit} characters (it has {limit + 1})." in text(response)
    later.refresh_from_db()
    assert later.status == "scheduled" and later.cancel_reason == ""
    ok = client.post(f"/sessions/{later.pk}/cancel/", {"reason": "x" * limit}, follow=True)
    assert "Session cancelled" in text(ok)


def test_a_sign_in_name_over_255_characters_gets_a_message(client):
    response = client.post("/login/", {"username": "u" * 300, "password": "whatever it is"})

    page = text(response)
    assert response.status_code == 200
    assert "No user name is longer than 150 characters (this one has 300)." in page
    assert "_auth_user_id" not in client.session
