"""Booking from the calendar: a click on an empty slot (or a column's "Book" link) names the counselor, the day and
the time; this page asks for the patient, then hands over to the patient's booking form with those filled in."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from clinic.audit import AuditAction, audit_record
from sessions.selectors.calendar import patients_to_book
from staff.forms_booking import BookAtForm


@login_required
def book_at(request):
    form = BookAtForm(request.POST if request.method == "POST" else request.GET, user=request.user)
    if form.is_valid() and request.method == "POST":
        chosen = form.cleaned_data
        query = {"counselor": chosen["counselor"].pk, "day": chosen["day"].isoformat()}
        if chosen["at"]:
            query["at"] = chosen["at"].isoformat(timespec="minutes")
        return redirect(f"{reverse('patient-book', args=[chosen['patient'].pk])}?{urlencode(query)}")
    if request.method == "GET":
        form.errors.pop("patient", None)  # asked for, not yet typed
    counselor = form.cleaned_data.get("counselor")
    offered = []
    if counselor is not None:
        offered = patients_to_book(request.user, counselor=counselor)
        audit_record(
            actor=request.user,
            action=AuditAction.PATIENT_LIST,
            patient_ids=[p.pk for p in offered],
            page="schedule.book",
        )
    return render(request, "staff/schedule_book.html", {"form": form, "offered": offered})
