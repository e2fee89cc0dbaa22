"""Addenda to signed notes, from the chart and the attendance sheet: who may add one, and what everyone sees."""

import datetime
import itertools

import pytest
from django.utils import timezone

from clinic.models import AuditEvent
from sessions.models import NoteAddendum
from tests.factories import GroupSessionFactory, MembershipFactory, ProgressNoteFactory, TherapyGroupFactory

pytestmark = pytest.mark.django_db


def addenda_url(note):
    return f"/notes/{note.pk}/addenda/"


@pytest.fixture
def signed(session, counselor):
    """A signed note by the counselor about a patient of the counselor's group."""
    member = MembershipFactory(group=session.group)
    return ProgressNoteFactory(
        attendance__session=session, attendance__enrollment=member.enrollment, author=counselor, signed=True
    )


@pytest.fixture
def colleagues_note(counselor, other_counselor):
    """A signed note by another counselor, in a group the other counselor runs, about a patient of the first
    counselor's caseload: the first counselor reads it on the chart but does not run the session."""
    group = TherapyGroupFactory(facilitator=other_counselor)
    member = MembershipFactory(group=group, enrollment__patient__primary_counselor=counselor)
    return ProgressNoteFactory(
        attendance__session=GroupSessionFactory(group=group),
        attendance__enrollment=member.enrollment,
        author=other_counselor,
        signed=True,
    )


def test_the_chart_offers_an_addendum_on_a_signed_note_and_shows_it_after(client, counselor, signed):
    patient = signed.attendance.patient
    client.force_login(counselor)
    assert (
        f'action="/notes/{signed.pk}/addenda/"' in client.get(f"/patients/{patient.pk}/?section=notes").content.decode()
    )

    response = client.post(addenda_url(signed), {"text": "Called back:\nno cravings since.", "back": "chart"})

    assert (
        response.status_code == 302 and response.url == f"/patients/{patient.pk}/?section=notes&page=1#note-{signed.pk}"
    )
    addendum = NoteAddendum.objects.get()
    assert addendum.author == counselor and addendum.text == "Called back:\nno cravings since."
    page = client.get(f"/patients/{patient.pk}/?section=notes").content.decode()
    assert f"Addendum by {counselor}" in page and "Called back:\nno cravings since." in page
    assert AuditEvent.objects.filter(action="note.addendum", patient_id=patient.pk).count() == 1


def test_addenda_show_under_the_note_oldest_first_on_the_sheet(client, counselor, supervisor, signed, session):
    client.force_login(counselor)
    first = client.post(addenda_url(signed), {"text": "First addition.", "back": "sheet"})
    client.force_login(supervisor)
    client.post(addenda_url(signed), {"text": "Second addition.", "back": "sheet"})

    assert first.url == f"/sessions/{session.pk}/attendance/#note-{signed.pk}"
    page = client.get(f"/sessions/{session.pk}/attendance/").content.decode()
    assert page.index("First addition.") < page.index("Second addition.")
    assert f"Addendum by {counselor}" in page and f"Addendum by {supervisor}" in page
    assert f'form="addendum-form-{signed.pk}"' in page and f'id="addendum-form-{signed.pk}"' in page


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_addendum_is_a_field_error_and_nothing_is_saved(client, counselor, signed, text):
    client.force_login(counselor)

    response = client.post(addenda_url(signed), {"text": text, "back": "chart"})

    assert response.status_code == 200
    assert "Write the addendum." in response.content.decode()
    assert not NoteAddendum.objects.exists()


def test_a_counselor_cannot_add_to_another_counselors_patients_note(client, other_counselor, front_desk, signed):
    for user in (other_counselor, front_desk):
        client.force_login(user)
        assert client.get(addenda_url(signed)).status_code == 404
        assert client.post(addenda_url(signed), {"text": "Tampered."}).status_code == 404

    assert not NoteAddendum.objects.exists()


def test_reading_a_note_is_not_enough_to_add_to_it(client, counselor, other_counselor, colleagues_note):
    patient = colleagues_note.attendance.patient
    client.force_login(counselor)
    chart = client.get(f"/patients/{patient.pk}/?section=notes").content.decode()
    assert f"note-{colleagues_note.pk}" in chart and f"/notes/{colleagues_note.pk}/addenda/" not in chart

    response = client.post(addenda_url(colleagues_note), {"text": "Tampered."})

    assert response.status_code == 200
    assert "only for sessions you run or notes you wrote" in response.content.decode()
    assert not NoteAddendum.objects.exists()
    client.force_login(other_counselor)  # the author, who runs the group
    assert client.post(addenda_url(colleagues_note), {"text": "Mine."}).status_code == 302


def test_a_draft_is_changed_not_added_to(client, counselor, session):
    member = MembershipFactory(group=session.group)
    draft = ProgressNoteFactory(attendance__session=session, attendance__enrollment=member.enrollment, author=counselor)
    client.force_login(counselor)

    response = client.post(addenda_url(draft), {"text": "Too early."})

    assert response.status_code == 200 and "still a draft" in response.content.decode()
    assert not NoteAddendum.objects.exists()


def test_the_addendum_page_is_audited_and_sends_back_only_to_known_pages(client, counselor, signed):
    client.force_login(counselor)

    page = client.get(f"{addenda_url(signed)}?back=sheet")
    response = client.post(addenda_url(signed), {"text": "More.", "back": "https://elsewhere.example/"})

    assert (
        page.status_code == 200
        and f'href="/sessions/{signed.attendance.session_id}/attendance/' in page.content.decode()
    )
    assert response.url == f"/patients/{signed.attendance.patient_id}/?section=notes&page=1#note-{signed.pk}"
    assert AuditEvent.objects.filter(action="patient.view", patient_id=signed.attendance.patient_id).exists()


def test_notes_keep_their_line_breaks_and_stay_escaped(client, counselor, session):
    member = MembershipFactory(group=session.group)
    note = ProgressNoteFactory(
        attendance__session=session,
        attendance__enrollment=member.enrollment,
        author=counselor,
        data="First line\nSecond <b>line</b>",
        signed=True,
    )
    client.force_login(counselor)

    for url in (
        f"/patients/{member.patient_id}/?section=notes",
        f"/sessions/{session.pk}/attendance/",
        f"/notes/{note.pk}/print/",
    ):
        page = client.get(url).content.decode()
        assert "First line\nSecond &lt;b&gt;line&lt;/b&gt;</p>" in page and "<b>line</b>" not in page, url
        text = page.index("First line")
        assert "keep-lines" in page[page.rindex("<p", 0, text) : text], url


def test_addenda_and_their_boxes_load_nothing_one_by_one(client, counselor, other_counselor, session):
    """On the chart (notes of sessions the counselor runs and of a colleague's) and on the sheet."""
    from tests.helpers import queries_for_page

    days_back = itertools.count(2)
    member = MembershipFactory(group=session.group, enrollment__patient__primary_counselor=counselor)
    colleagues = TherapyGroupFactory(facilitator=other_counselor)
    MembershipFactory(group=colleagues, enrollment=member.enrollment)

    def notes(count):
        for _ in range(count):
            # one the counselor runs, one they wrote in a colleague's group, and a colleague's they only read
            for author, group in ((counselor, session.group), (counselor, colleagues), (other_counselor, colleagues)):
                note = ProgressNoteFactory(
                    attendance__session=GroupSessionFactory(
                        group=group, starts_at=timezone.now() - datetime.timedelta(days=next(days_back))
                    ),
                    attendance__enrollment=member.enrollment,
                    author=author,
                    signed=True,
                )
                NoteAddendum.objects.create(note=note, author=author, text="Later.")
        # and the sheet's own rows
        for other in MembershipFactory.create_batch(count, group=session.group):
            note = ProgressNoteFactory(
                attendance__session=session, attendance__enrollment=other.enrollment, author=counselor, signed=True
            )
            NoteAddendum.objects.create(note=note, author=counselor, text="Later.")

    client.force_login(counselor)
    chart, sheet = f"/patients/{member.patient_id}/?section=notes", f"/sessions/{session.pk}/attendance/"
    notes(1)
    one = queries_for_page(client, chart), queries_for_page(client, sheet)
    notes(3)

    assert (queries_for_page(client, chart), queries_for_page(client, sheet)) == one
