"""A progress note on its own: a print view, and the page that adds an addendum to it (the chart and the
attendance sheet post their inline addendum forms here too)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from clinic.audit import AuditAction, audit_record
from clinic.errors import DomainError
from sessions.models import ProgressNote
from sessions.selectors import notes_page_of
from sessions.selectors.notes import note_page
from sessions.services.notes import note_add_addendum
from staff.forms_notes import AddendumForm


def _note(request, pk: int) -> ProgressNote:
    """The note if the user reads notes and sees its patient, else 404; a GET is audited as a view of the record."""
    note = note_page(user=request.user, pk=pk)
    if note is None:
        raise Http404
    if request.method == "GET":
        audit_record(
            actor=request.user,
            action=AuditAction.PATIENT_VIEW,
            patient_id=note.attendance.patient_id,
            target=note,
            page=request.resolver_match.url_name,
        )
    return note


def _back(note: ProgressNote, to: str) -> str:
    if to == "sheet":
        return f"{reverse('attendance-sheet', args=[note.attendance.session_id])}#note-{note.pk}"
    chart = reverse("patient-chart", args=[note.attendance.patient_id])
    return f"{chart}?section=notes&page={notes_page_of(note)}#note-{note.pk}"


@login_required
def note_print(request, pk: int):
    """The note as it is filed: patient, session, the DAP sections, the signature and every addendum."""
    note = _note(request, pk)
    return render(request, "staff/note_print.html", {"note": note, "back_url": _back(note, "chart")})


@login_required
def note_addendum(request, pk: int):
    """Add an addendum to a signed note; the service says who may (the policy's `note.add_addendum`)."""
    note = _note(request, pk)
    form = AddendumForm(request.POST if request.method == "POST" else None, initial={"back": request.GET.get("back")})
    if request.method == "POST" and form.is_valid():
        try:
            note_add_addendum(acting_user=request.user, note=note, text=form.cleaned_data["text"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Addendum added.")
            return redirect(_back(note, form.cleaned_data["back"]))
    back = form["back"].value()
    return render(
        request,
        "staff/note_addendum.html",
        {"note": note, "form": form, "back_url": _back(note, back if back == "sheet" else "chart")},
    )
