"""Booking from the chart: the form opens on the counselor's next free slot, and a time that has passed is refused
on the time field, or (BOOKING_PAST = "warn") booked once confirmed."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions.models import TherapySession
from sessions.services.common import SessionError
from sessions.services.counseling import counseling_book
from tests.clock import at, clinic_time
from tests.factories import EnrollmentFactory, GroupSessionFactory
from tests.helpers import booking_form

pytestmark = pytest.mark.django_db
WEDNESDAY = datetime.date(2026, 11, 18)  # the suite's day, 10:00 (tests/clock.py)
CONFIRM = "Book it although this time has passed"


@pytest.fixture
def patient(counselor):
    return EnrollmentFactory(
        counselor=counselor, patient__primary_counselor=counselor, admitted_on=WEDNESDAY - datetime.timedelta(days=30)
    ).patient


def book(client, patient, counselor, **overrides):
    return client.post(f"/patients/{patient.pk}/book/", booking_form(None, counselor, **overrides))


def yesterday(client, patient, counselor, **overrides):
    return book(client, patient, counselor, day=(WEDNESDAY - datetime.timedelta(days=1)).isoformat(), **overrides)


@pytest.mark.parametrize(
    ("now", "day", "time"),
    [
        ("2026-11-18 09:00", "2026-11-18", "12:30"),  # after the counselor's own group (09:30 to 12:30)
        ("2026-11-18 13:10", "2026-11-18", "13:30"),
        ("2026-11-18 22:45", "2026-11-19", "08:00"),  # late evening: tomorrow's first slot
        ("2026-11-20 19:00", "2026-11-23", "08:00"),  # Friday evening: Monday's
        ("2026-11-01 01:30 again", "2026-11-02", "08:00"),  # the fall-back night
    ],
)
def test_the_form_opens_on_the_counselors_next_free_slot(client, counselor, patient, group, now, day, time):
    GroupSessionFactory(group=group, starts_at=at(WEDNESDAY, 9, 30))
    with time_machine.travel(clinic_time(now), tick=False):
        client.force_login(counselor)  # signed in then: staff are signed out after 30 idle minutes
        form = client.get(f"/patients/{patient.pk}/book/").context["form"]

    assert (form["day"].value().isoformat(), form["at"].value().strftime("%H:%M")) == (day, time)


def test_a_time_that_has_passed_is_refused_on_the_time_field(client, counselor, patient):
    client.force_login(counselor)

    response = yesterday(client, patient, counselor, past_confirmed="on")  # a posted confirmation changes nothing

    form = response.context["form"]
    assert response.status_code == 200 and "Tue Nov 17, 10:00 AM has passed: choose a later time." in form.errors["at"]
    assert "past_confirmed" not in form.fields and CONFIRM not in response.content.decode()
    assert not TherapySession.objects.exists()


def test_earlier_today_is_in_the_past_too(client, counselor, patient):
    client.force_login(counselor)

    response = book(client, patient, counselor, day=WEDNESDAY.isoformat(), at="09:59")

    assert "has passed" in response.context["form"].errors["at"][0] and not TherapySession.objects.exists()


def test_with_warn_the_form_warns_then_books_once_confirmed(client, counselor, patient, settings):
    settings.BOOKING_PAST = "warn"
    client.force_login(counselor)

    warned = yesterday(client, patient, counselor)
    booked = yesterday(client, patient, counselor, past_confirmed="on")

    assert "confirm to book it all the same" in warned.context["form"].errors["at"][0]
    assert CONFIRM in warned.content.decode() and not warned.context["form"]["past_confirmed"].value()
    assert booked.status_code == 302
    assert TherapySession.objects.get().starts_at == at(WEDNESDAY - datetime.timedelta(days=1), 10)


def test_with_warn_a_future_time_books_without_a_question(client, counselor, patient, settings):
    settings.BOOKING_PAST = "warn"
    client.force_login(counselor)

    assert book(client, patient, counselor).status_code == 302 and TherapySession.objects.count() == 1


def test_another_counselors_patient_is_not_booked_nor_told_about(client, counselor, other_counselor, settings):
    settings.BOOKING_PAST = "warn"
    theirs = EnrollmentFactory(counselor=other_counselor, patient__primary_counselor=other_counselor).patient
    client.force_login(counselor)

    assert book(client, theirs, counselor).status_code == 404
    assert yesterday(client, theirs, counselor, past_confirmed="on").status_code == 404
    assert client.get(f"/patients/{theirs.pk}/book/").status_code == 404
    assert not TherapySession.objects.exists()


def test_a_posted_counselor_who_holds_no_sessions_is_refused(client, counselor, patient, front_desk):
    client.force_login(counselor)

    response = book(client, patient, front_desk)

    assert response.status_code == 200 and not TherapySession.objects.exists()


@pytest.mark.parametrize("confirmed", [False, True])
def test_the_service_refuses_a_past_time_whatever_is_confirmed(counselor, patient, confirmed):
    with pytest.raises(SessionError) as refused:
        counseling_book(
            acting_user=counselor,
            patient=patient,
            counselor=counselor,
            kind="individual",
            day=WEDNESDAY,
            at=datetime.time(9),
            duration_minutes=50,
            location="Office 4",
            past_confirmed=confirmed,
        )

    assert refused.value.code == "past" and not TherapySession.objects.exists()


def test_the_service_takes_the_instant_it_books_at(counselor, patient, settings):
    settings.BOOKING_PAST = "warn"
    kwargs = dict(
        acting_user=counselor,
        patient=patient,
        counselor=counselor,
        kind="individual",
        day=WEDNESDAY,
        at=datetime.time(9),
        duration_minutes=50,
        location="Office 4",
    )

    counseling_book(**kwargs, now=clinic_time("2026-11-18 08:59"))
    with pytest.raises(SessionError):
        counseling_book(**kwargs | {"at": datetime.time(11)}, now=clinic_time("2026-11-18 11:01"))
    counseling_book(**kwargs | {"at": datetime.time(11)}, now=clinic_time("2026-11-18 11:01"), past_confirmed=True)

    assert TherapySession.objects.count() == 2


def test_the_form_page_runs_the_same_queries_for_2_and_40_sessions_in_the_way(client, counselor, patient, group):
    def sessions(count, first):
        for n in range(first, first + count):
            day = WEDNESDAY + datetime.timedelta(days=n // 16)
            GroupSessionFactory(
                group__facilitator=counselor, starts_at=at(day, 10) + datetime.timedelta(minutes=30 * (n % 16))
            )

    def load():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/patients/{patient.pk}/book/")
        assert response.status_code == 200
        return len(queries)

    client.force_login(counselor)
    sessions(2, 0)
    two = load()
    sessions(38, 2)
    assert load() == two
