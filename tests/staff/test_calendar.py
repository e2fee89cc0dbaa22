"""The schedule as a calendar: one counselor's week and a day by counselor or room as time grids, and booking from
an empty slot."""

import datetime
import re

import pytest
from django.utils import timezone

from clinic.models import AuditEvent
from sessions.models import TherapySession
from tests.clock import EDGES, TODAY, at, clinic_time, monday, this_week
from tests.factories import (
    EnrollmentFactory,
    GroupSessionFactory,
    ProgramFactory,
    TherapyGroupFactory,
    UserFactory,
    book_counseling,
    caseload_patient,
)
from tests.helpers import assert_same_load, page_load, queries_for_page

pytestmark = pytest.mark.django_db


def entry(page: str, title: str) -> str:
    """The calendar's <li> holding the session titled `title`."""
    found = re.search(r'<li class="(cal-row-\d+ cal-span-\d+)">\s*<a[^>]*>\s*<strong>[^<]*</strong> ' + title, page)
    assert found, title
    return found.group(1)


@pytest.mark.parametrize("instant", EDGES)
def test_a_counselors_week_places_each_session_on_its_day_and_time(client, counselor, time_machine, instant):
    time_machine.move_to(clinic_time(instant), tick=False)
    GroupSessionFactory(
        facilitator=counselor, group__facilitator=counselor, group__title="Morning Process", starts_at=this_week(1, 9)
    )
    late = GroupSessionFactory(facilitator=counselor, group__facilitator=counselor, group__title="Evening Skills")
    late.starts_at, late.duration_minutes = at(monday() + datetime.timedelta(days=3), 18, 30), 90
    late.save()
    client.force_login(counselor)

    page = client.get("/schedule/").content.decode()  # a counselor's schedule opens on their own week

    assert entry(page, "Morning Process") == "cal-row-9 cal-span-12"  # 9:00 is 2 h after 7:00; 180 minutes
    assert entry(page, "Evening Skills") == "cal-row-47 cal-span-6"  # 18:30; 90 minutes
    columns = re.findall(r'<h2 class="cal-head h6" id="cal-col-(\d)">([^<]+)', page)
    assert [label.strip() for _, label in columns][1] == (monday() + datetime.timedelta(days=1)).strftime("%a %b %-d")
    today = re.search(r'id="cal-col-(\d)">[^<]+<span class="badge text-bg-primary" aria-current="date">today', page)
    assert int(today.group(1)) == (timezone.localdate() - monday()).days + 1


def test_an_early_or_a_late_session_widens_the_grid_to_midnight_at_most(client, counselor):
    early = GroupSessionFactory(facilitator=counselor, group__facilitator=counselor, group__title="Sunrise Check-in")
    early.starts_at, early.duration_minutes = at(TODAY, 6, 15), 30
    early.save()
    client.force_login(counselor)

    page = client.get(f"/schedule/?counselor={counselor.pk}").content.decode()

    assert 'data-first-hour="6"' in page and 'data-rows="60"' in page  # 6:00 to 21:00
    assert entry(page, "Sunrise Check-in") == "cal-row-2 cal-span-2"

    late = GroupSessionFactory(facilitator=counselor, group__facilitator=counselor, group__title="Night Watch")
    late.starts_at = at(TODAY, 23)  # three hours: the day's grid stops at midnight
    late.save()
    page = client.get(f"/schedule/?counselor={counselor.pk}").content.decode()
    assert 'data-rows="72"' in page and entry(page, "Night Watch") == "cal-row-69 cal-span-4"


def test_names_outside_the_users_scope_stay_hidden_on_the_grid(client, counselor, supervisor, other_counselor):
    theirs = EnrollmentFactory(counselor=other_counselor, patient__legal_last_name="Whitfield").patient
    book_counseling(acting_user=other_counselor, patient=theirs, day=TODAY, at=datetime.time(15))
    client.force_login(counselor)

    page = client.get(f"/schedule/?counselor={other_counselor.pk}").content.decode()

    assert "Individual counseling" in page and "Whitfield" not in page
    client.force_login(supervisor)
    assert "Whitfield" in client.get(f"/schedule/?counselor={other_counselor.pk}").content.decode()


def test_the_day_view_has_a_column_per_counselor_or_per_room(client, supervisor):
    for last, room in [("Adams", "Room 1"), ("Baker", "Room 1"), ("Cruz", "")]:
        person = UserFactory(role="counselor", last_name=last)
        session = GroupSessionFactory(
            facilitator=person, group__facilitator=person, group__title=f"{last} group", starts_at=at(TODAY, 10)
        )
        TherapySession.objects.filter(pk=session.pk).update(location=room)
    client.force_login(supervisor)

    by_counselor = client.get(f"/schedule/?view=day&week={TODAY}").content.decode()
    by_room = client.get(f"/schedule/?view=day&by=room&week={TODAY}").content.decode()

    heads = re.findall(r'<h2 class="cal-head h6" id="cal-col-\d">([^<]+)', by_counselor)
    assert [h.split(",")[0].split()[-1] for h in heads] == ["Adams", "Baker", "Cruz"]
    rooms = re.findall(r'<h2 class="cal-head h6" id="cal-col-\d">([^<]+)', by_room)
    assert [room.strip() for room in rooms] == ["Video", "Room 1"]
    # Two groups at 10:00 in Room 1 share its column, side by side (CSS places them in two lanes).
    room_one = by_room.split('id="cal-col-2"')[1]
    assert "Adams group" in room_one and "Baker group" in room_one


def test_the_day_view_pages_its_columns(client, supervisor, monkeypatch):
    monkeypatch.setattr("sessions.selectors.calendar.COLUMNS_PER_PAGE", 2)
    for last in ["Adams", "Baker", "Cruz"]:
        person = UserFactory(role="counselor", last_name=last)
        GroupSessionFactory(facilitator=person, group__facilitator=person, starts_at=at(TODAY, 11))
    client.force_login(supervisor)

    first = client.get(f"/schedule/?view=day&week={TODAY}").content.decode()
    second = client.get(f"/schedule/?view=day&week={TODAY}&page=2").content.decode()

    assert "Adams" in first and "Baker" in first and "Cruz" not in first
    assert "Cruz" in second and "Page 2 of 2" in second
    assert f"week={TODAY}" in re.search(r'href="([^"]*page=2)"', first).group(1)  # the next page keeps the day


def test_each_column_books_with_its_counselor_and_day(client, front_desk, counselor):
    GroupSessionFactory(facilitator=counselor, group__facilitator=counselor, starts_at=at(TODAY, 9))
    client.force_login(front_desk)

    page = client.get(f"/schedule/?counselor={counselor.pk}").content.decode()

    assert f'data-book="/schedule/book/?counselor={counselor.pk}&amp;day={TODAY}"' in page
    assert page.count("data-book=") == 7


def _sizes(client, counselor, n):
    """`n` one-hour groups a day all week for `counselor`."""
    for hour in range(8, 8 + n):
        group = TherapyGroupFactory(facilitator=counselor, duration_minutes=60)
        for day in range(7):
            GroupSessionFactory(group=group, facilitator=counselor, starts_at=this_week(day, hour))


def test_the_calendar_runs_the_same_queries_for_a_quiet_and_a_full_week(client, supervisor, counselor):
    client.force_login(supervisor)
    week, day = f"/schedule/?counselor={counselor.pk}", f"/schedule/?view=day&week={monday()}"
    _sizes(client, counselor, 1)
    few = queries_for_page(client, week), queries_for_page(client, day)
    _sizes(client, UserFactory(role="counselor"), 10)
    for _ in range(9):  # more counselors than a page of columns
        _sizes(client, UserFactory(role="counselor"), 1)

    assert (queries_for_page(client, week), queries_for_page(client, day)) == few


def test_the_day_view_stays_one_screen_however_many_counselors_work(client, supervisor, monkeypatch):
    monkeypatch.setattr("sessions.selectors.calendar.COLUMNS_PER_PAGE", 3)
    client.force_login(supervisor)
    program = ProgramFactory()  # the schedule's program filter lists every program

    def counselors(count):
        for _ in range(count):
            person = UserFactory(role="counselor", first_name="Ana", last_name="Garcia")
            group = TherapyGroupFactory(
                program=program, facilitator=person, title="Relapse Prevention AM", duration_minutes=60
            )
            GroupSessionFactory(group=group, facilitator=person, starts_at=at(TODAY, 9))

    counselors(4)
    small = page_load(client, f"/schedule/?view=day&week={TODAY}")
    counselors(20)

    assert_same_load(small, page_load(client, f"/schedule/?view=day&week={TODAY}"))


def test_booking_from_a_slot_asks_for_the_patient_then_fills_the_booking_form(client, counselor, other_counselor):
    mine = caseload_patient(counselor).patient
    EnrollmentFactory(counselor=other_counselor, patient__legal_last_name="Outsider")
    client.force_login(counselor)
    slot = f"/schedule/book/?counselor={counselor.pk}&day={TODAY}&at=14:30"

    page = client.get(slot).content.decode()
    label = f"{mine.legal_last_name}, {mine.display_first_name} (MRN {mine.mrn})"
    assert f'<option value="{label}">' in page and "Outsider" not in page
    assert AuditEvent.objects.filter(action="patient.list", actor=counselor).exists()

    chosen = client.post(slot, {"counselor": counselor.pk, "day": TODAY, "at": "14:30", "patient": label})
    assert chosen.status_code == 302
    assert chosen.url == f"/patients/{mine.pk}/book/?counselor={counselor.pk}&day={TODAY}&at=14%3A30"
    form = client.get(chosen.url).content.decode()
    assert re.search(r'name="at" value="14:30(:00)?"', form) and f'name="day" value="{TODAY}"' in form


def test_booking_from_a_slot_refuses_a_patient_out_of_scope_and_a_tampered_link(client, counselor, other_counselor):
    EnrollmentFactory(counselor=other_counselor, patient__legal_last_name="Outsider", patient__mrn="99999999")
    client.force_login(counselor)

    for typed in ["Outsider", "99999999"]:
        refused = client.post(
            "/schedule/book/", {"counselor": counselor.pk, "day": TODAY, "at": "14:30", "patient": typed}
        )
        assert refused.status_code == 200 and "No patient you may see matches" in refused.content.decode()
    front = UserFactory(role="front_desk")
    for bad in [f"counselor={front.pk}&day={TODAY}", "counselor=999999&day=2026-13-45", ""]:
        page = client.get(f"/schedule/book/?{bad}")
        assert page.status_code == 200 and "This booking link is not valid" in page.content.decode()


def test_a_days_book_link_opens_the_booking_form_on_that_days_first_free_slot(client, counselor):
    mine = caseload_patient(counselor).patient
    friday = TODAY + datetime.timedelta(days=2)  # the suite's day is a Wednesday
    GroupSessionFactory(
        facilitator=counselor, group__facilitator=counselor, group__duration_minutes=60, starts_at=at(friday, 8)
    )
    client.force_login(counselor)

    form = client.get(f"/patients/{mine.pk}/book/?counselor={counselor.pk}&day={friday}").content.decode()

    assert f'name="day" value="{friday}"' in form  # not the next free slot of the week
    assert re.search(r'name="at" value="09:00(:00)?"', form)  # 8:00 is taken by the counselor's group


def test_a_counselors_schedule_stays_their_own_for_any_week_unless_they_choose_everyone(client, counselor):
    GroupSessionFactory(
        facilitator=counselor, group__facilitator=counselor, group__title="Mine", starts_at=this_week(8, 9)
    )
    GroupSessionFactory(group__title="Someone else's", starts_at=this_week(8, 11))
    client.force_login(counselor)
    next_week = monday() + datetime.timedelta(days=7)

    own = client.get(f"/schedule/?week={next_week}").content.decode()
    everyone = client.get(f"/schedule/?week={next_week}&counselor=").content.decode()

    assert 'id="calendar"' in own and "Mine" in own and "Someone else" not in own
    assert 'id="calendar"' not in everyone and "Someone else" in everyone
