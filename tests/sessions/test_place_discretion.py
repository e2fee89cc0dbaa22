"""A room or video link that patient emails would print is refused where it is entered, when it reveals treatment."""

import datetime

import pytest

from sessions.models import TherapyGroup, TherapySession
from sessions.services.common import SessionError
from sessions.services.groups import group_create, group_update
from tests.factories import EnrollmentFactory, ProgramFactory, TherapyGroupFactory, book_counseling
from tests.helpers import GROUP_ADD, SESSION_ADD, booking_form, group_form

pytestmark = pytest.mark.django_db
REVEALING = [
    ("location", "Detox wing"),
    ("location", "12-Step room"),
    ("location", "IOP hall B"),
    ("video_link", "https://meet.example/RecoveryGroup"),
    ("video_link", "https://meet.example/%73ubstance-use"),  # percent-encoded "s"
]


@pytest.mark.parametrize(("field", "text"), REVEALING)
def test_a_revealing_room_or_link_is_refused_in_the_group_admin_and_nothing_is_saved(
    supervisor_client, counselor, field, text
):
    response = supervisor_client.post(GROUP_ADD, group_form(ProgramFactory(), counselor, **{field: text}))

    assert response.status_code == 200
    assert "would tell anyone who reads them about their treatment" in str(
        response.context["adminform"].form.errors[field]
    )
    assert not TherapyGroup.objects.exists() and not TherapySession.objects.exists()


def test_the_group_services_refuse_a_revealing_room_and_change_nothing(supervisor, counselor):
    with pytest.raises(SessionError, match=r"Room: .*“detox”"):
        group_create(
            acting_user=supervisor,
            program=ProgramFactory(),
            title="Group",
            facilitator=counselor,
            weekdays=[1],
            start_time=datetime.time(9),
            duration_minutes=60,
            location="Detox wing",
            starts_on=datetime.date(2027, 3, 1),
        )
    group = TherapyGroupFactory(facilitator=counselor, location="Room 2")

    with pytest.raises(SessionError, match=r"Video link: .*“sober”"):
        group_update(acting_user=supervisor, group=group, video_link="https://meet.example/sober-living")

    group.refresh_from_db()
    assert (group.location, group.video_link) == ("Room 2", "")
    assert not TherapyGroup.objects.exclude(pk=group.pk).exists()


@pytest.mark.parametrize(("field", "text"), REVEALING)
def test_booking_counseling_refuses_a_revealing_room_or_link(client, front_desk, counselor, field, text):
    enrollment = EnrollmentFactory()
    client.force_login(front_desk)

    response = client.post(SESSION_ADD, booking_form(enrollment.patient, counselor, **{field: text}))

    assert response.status_code == 200
    assert "would tell anyone who reads them about their treatment" in response.content.decode()
    assert not TherapySession.objects.exists()
    with pytest.raises(SessionError, match="about their treatment"):
        book_counseling(
            acting_user=front_desk,
            patient=enrollment.patient,
            counselor=counselor,
            day=enrollment.admitted_on + datetime.timedelta(days=30),
            **{field: text},
        )
    assert not TherapySession.objects.exists()


def test_neutral_rooms_and_links_are_accepted(supervisor, counselor):
    group = group_create(
        acting_user=supervisor,
        program=ProgramFactory(),
        title="Group",
        facilitator=counselor,
        weekdays=[1],
        start_time=datetime.time(9),
        duration_minutes=60,
        location="Riverside, chapel room",
        video_link="https://meet.example/j/aaXY-12",
        starts_on=datetime.date(2027, 3, 1),
    )

    assert group.pk
