import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.clock import CLINIC_ZONE
from tests.factories import GroupSessionFactory, MembershipFactory, TherapyGroupFactory

# Reminders are about the clock: every test here runs at a stated clinic-local instant, never the real one.
# A Wednesday morning, well before quiet hours, far from a daylight-saving change or the end of a year.
TODAY = datetime.date(2026, 11, 18)
TOMORROW = TODAY + datetime.timedelta(days=1)
PLANNED_AT = datetime.time(10, 0)


@pytest.fixture(autouse=True)
def _clinic_clock(settings):
    settings.TIME_ZONE = CLINIC_ZONE.key
    with time_machine.travel(at(TODAY, PLANNED_AT.hour), tick=False) as traveller:
        yield traveller


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """The aware instant of a clinic-local wall-clock time (one that does not exist falls an hour later)."""
    moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=CLINIC_ZONE)
    return moment.astimezone(datetime.UTC).astimezone(CLINIC_ZONE)


def consenting(**kwargs):
    return MembershipFactory(enrollment__patient__reminder_consent_given_at=timezone.now(), **kwargs)


@pytest.fixture
def group(counselor):
    return TherapyGroupFactory(facilitator=counselor, program__reminder_lead_hours=[24, 2], location="Room 2")


@pytest.fixture
def tomorrow_session(group):
    return GroupSessionFactory(group=group, starts_at=at(TOMORROW, 14), location="Room 2")
