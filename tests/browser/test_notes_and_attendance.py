"""A counselor's day by keyboard: mark the whole group present, record the one who came late, save; then add an
addendum to a signed note from the chart."""

import pytest
from django.utils import timezone

from sessions.models import Attendance, NoteAddendum, ProgressNote
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_mark_all_present_then_one_late_row_by_keyboard(page, live_server, sign_in, clinic, screenshot):
    session = clinic["session"]
    others = MembershipFactory.create_batch(2, group=session.group, enrollment__program=session.program)
    late = others[0].patient_id
    sign_in("jordan")
    page.goto(f"{live_server.url}/sessions/{session.pk}/attendance/")

    page.get_by_role("button", name="Mark all present").focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").get_by_text("3 marked present").wait_for()
    statuses = page.locator("select[data-status]")
    assert [statuses.nth(i).input_value() for i in range(3)] == ["present"] * 3
    assert page.locator("input[data-minutes]:enabled").count() == 0  # present needs no minutes

    page.locator(f"#status-{late}").focus()
    page.keyboard.type("La")  # the select's own type-ahead: "Late"
    assert page.locator(f"#status-{late}").input_value() == "late"
    page.keyboard.press("Tab")  # status, then this patient's minutes
    assert page.evaluate("document.activeElement.id") == f"minutes-{late}"
    page.keyboard.type("45")
    screenshot("attendance-marked")
    page.keyboard.press("Enter")  # the sheet's own button saves it

    page.get_by_text("Attendance and notes saved.").wait_for()
    minutes = dict(Attendance.objects.filter(session=session).values_list("patient_id", "minutes_attended"))
    assert minutes[late] == 45 and sorted(minutes.values()) == [45, session.duration_minutes, session.duration_minutes]
    assert Attendance.objects.get(session=session, patient_id=late).status == "late"


def test_an_addendum_to_a_signed_note_from_the_chart_by_keyboard(page, live_server, sign_in, clinic, screenshot):
    note = clinic["note"]
    ProgressNote.objects.filter(pk=note.pk).update(signed_at=timezone.now())
    sign_in("jordan")
    page.goto(f"{live_server.url}/patients/{clinic['patient'].pk}/?section=notes")

    card = page.locator(f"#note-{note.pk}")
    card.get_by_text("Add an addendum").focus()
    page.keyboard.press("Enter")  # opens the box
    page.keyboard.press("Tab")
    page.keyboard.type("Called back the next day.")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("Feeling steadier.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    page.get_by_text("Addendum added.").wait_for()
    text = NoteAddendum.objects.get(note=note).text
    assert text.splitlines() == ["Called back the next day.", "Feeling steadier."]  # the browser sends CRLF
    shown = page.locator(f"#note-{note.pk} .addenda").inner_text()
    assert "Addendum by Jordan Lee" in shown and "Called back the next day.\nFeeling steadier." in shown
    screenshot("chart-addendum")

    page.locator(f"#note-{note.pk}").get_by_role("link", name="Print view").click()
    page.get_by_role("heading", name="Progress note").wait_for()
    assert "Called back the next day." in page.locator("main").inner_text()
    assert page.get_by_role("navigation").count() == 0
    screenshot("note-print")


def test_the_note_pages_fit_a_phone(page, live_server, sign_in, clinic):
    note = clinic["note"]
    ProgressNote.objects.filter(pk=note.pk).update(signed_at=timezone.now())
    NoteAddendum.objects.create(note=note, author=clinic["counselor"], text="A long addendum " * 20)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("jordan")

    for path in (
        f"/notes/{note.pk}/print/",
        f"/notes/{note.pk}/addenda/",
        f"/patients/{clinic['patient'].pk}/",
        f"/patients/{clinic['patient'].pk}/?section=notes",
        f"/patients/{clinic['patient'].pk}/print/",
        f"/sessions/{note.attendance.session_id}/attendance/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path


def test_save_row_saves_that_row_alone_on_a_sheet_of_several(page, live_server, sign_in, clinic):
    session = clinic["session"]
    other = MembershipFactory(group=session.group, enrollment__program=session.program).patient_id
    patient = clinic["patient"].pk
    sign_in("jordan")
    page.goto(f"{live_server.url}/sessions/{session.pk}/attendance/")

    page.locator(f"#status-{other}").select_option("unexcused")  # changed, not saved: the row save leaves it
    page.locator(f"#status-{patient}").select_option("late")
    page.locator(f"#minutes-{patient}").fill("40")
    page.locator(f"#row-{patient}").get_by_role("button", name="Save row").click()

    page.locator(f"#row-{patient}").get_by_text("Saved", exact=True).wait_for()
    assert list(Attendance.objects.filter(session=session).values_list("patient_id", "status", "minutes_attended")) == [
        (patient, "late", 40)
    ]
