import pytest

from tests.clock import TOMORROW, at
from tests.factories import GroupSessionFactory

# Reminders are about the clock: these tests plan at the suite's instant (tests/clock.py), a Wednesday at 10:00,
# and move it where a lead time or quiet hours meet midnight, a daylight-saving night or the end of a year.


@pytest.fixture
def tomorrow_session(group):
    """The group's session tomorrow at 14:00: its 24-hour reminder falls due at 14:00 today, its 2-hour one
    tomorrow at noon."""
    return GroupSessionFactory(group=group, starts_at=at(TOMORROW, 14), location="Room 2")
