"""The print view of a progress note: what it holds, who may open it, and that it stays one screen's work."""

import pytest

from clinic.models import AuditEvent
from sessions.models import NoteAddendum
from tests.factories import MembershipFactory, ProgressNoteFactory, caseload_patient
from tests.helpers import assert_same_load, page_load

pytestmark = pytest.mark.django_db


def print_url(note):
    return f"/notes/{note.pk}/print/"


@pytest.fixture
def signed(session, counselor, supervisor):
    member = MembershipFactory(group=session.group)
    note = ProgressNoteFactory(
        attendance__session=session,
        attendance__enrollment=member.enrollment,
        author=counselor,
        data="Shared a trigger.",
        assessment="Insightful.",
        plan="Practise urge surfing.",
        signed=True,
    )
    NoteAddendum.objects.create(note=note, author=counselor, text="Called back the next day.")
    NoteAddendum.objects.create(note=note, author=supervisor, text="Reviewed with the counselor.")
    return note


def test_the_print_view_holds_the_whole_note_without_the_sites_navigation(client, counselor, supervisor, signed):
    patient, session = signed.attendance.patient, signed.attendance.session
    client.force_login(counselor)

    page = client.get(print_url(signed)).content.decode()

    assert f"{patient.legal_last_name}, {patient.legal_first_name}" in page and patient.mrn in page
    assert session.group.title in page
    for section, text in (("Data", "Shared a trigger."), ("Assessment", "Insightful."), ("Plan", "Practise urge")):
        assert f"<h2>{section}</h2>" in page and text in page
    assert f"Electronically signed by <strong>{counselor}</strong> on" in page
    assert page.index("Called back the next day.") < page.index("Reviewed with the counselor.")
    assert f"Added by {supervisor} on" in page
    assert "css/note-print.css" in page and "navbar" not in page and "bootstrap" not in page


def test_opening_the_print_view_is_audited(client, counselor, signed):
    client.force_login(counselor)

    client.get(print_url(signed))

    event = AuditEvent.objects.get(action="patient.view", detail__page="note-print")
    assert event.patient_id == signed.attendance.patient_id and event.object_id == str(signed.pk)


def test_a_draft_prints_as_a_draft(client, counselor, session):
    member = MembershipFactory(group=session.group)
    draft = ProgressNoteFactory(attendance__session=session, attendance__enrollment=member.enrollment, author=counselor)
    client.force_login(counselor)

    page = client.get(print_url(draft)).content.decode()

    assert "draft, not signed" in page and "Electronically signed" not in page


def test_the_print_view_is_refused_outside_the_users_scope(client, other_counselor, front_desk, supervisor, signed):
    for user, status in ((other_counselor, 404), (front_desk, 404), (supervisor, 200)):
        client.force_login(user)
        assert client.get(print_url(signed)).status_code == status, user.role
    assert client.get("/notes/999999/print/").status_code == 404
    assert not AuditEvent.objects.filter(detail__page="note-print", actor__in=[other_counselor, front_desk]).exists()


def test_the_chart_and_the_sheet_link_to_the_print_view(client, counselor, signed):
    client.force_login(counselor)

    for url in (
        f"/patients/{signed.attendance.patient_id}/?section=notes",
        f"/sessions/{signed.attendance.session_id}/attendance/",
    ):
        assert f'href="{print_url(signed)}"' in client.get(url).content.decode(), url


@pytest.mark.parametrize("page", ["print", "addenda"])
def test_the_note_pages_are_the_same_size_however_big_the_clinic(client, counselor, signed, page):
    url = f"/notes/{signed.pk}/{page}/"
    client.force_login(counselor)
    small = page_load(client, url)
    for _ in range(12):
        other = caseload_patient(counselor)
        note = other.attendances.get().note
        NoteAddendum.objects.create(note=note, author=counselor, text="Another patient's addendum.")

    assert_same_load(small, page_load(client, url))


@pytest.mark.parametrize("page", ["print", "addenda"])
@pytest.mark.parametrize("role", ["counselor", "supervisor"])
def test_the_note_pages_addenda_load_nothing_one_by_one(client, users, signed, role, page):
    url = f"/notes/{signed.pk}/{page}/"
    client.force_login(users[role])
    two = page_load(client, url)
    for _ in range(5):
        NoteAddendum.objects.create(note=signed, author=users["supervisor"], text="More.")

    assert page_load(client, url)[0] == two[0]
