import datetime

import pytest
from django.utils import timezone

from tests.factories import GroupSessionFactory, MembershipFactory, TherapyGroupFactory


def consenting(**kwargs):
    return MembershipFactory(enrollment__patient__reminder_consent_given_at=timezone.now(), **kwargs)


@pytest.fixture
def group(counselor):
    return TherapyGroupFactory(facilitator=counselor, program__reminder_lead_hours=[24, 2], location="Room 2")


@pytest.fixture
def tomorrow_session(group):
    starts = timezone.localtime() + datetime.timedelta(days=1)
    return GroupSessionFactory(group=group, starts_at=starts.replace(hour=14, minute=0, second=0, microsecond=0),
                               location="Room 2")  # fmt: skip
