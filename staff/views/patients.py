"""The patient list: search and filters."""

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from clinic.audit import AuditAction, audit_record
from programs.filters import PatientFilter
from sessions.selectors import patients_list
from staff.forms import bootstrap_widgets

# A name or MRN searched for never goes in a URL (URLs land in access logs): the search box posts it, the session
# keeps the latest search under a random id, and the list's URL carries only that id and the other filters.
SEARCH_SESSION_KEY = "patient_search"
URL_FILTERS = ("program", "level", "counselor", "status")


@login_required
def patient_list(request):
    """Search by name or MRN, filter by program, level, counselor and status; 25 a page."""
    if request.method == "POST":
        return _patient_search(request)
    params = request.GET.copy()
    params.pop("q", None)  # a name typed into the URL is not searched for (nor repeated in the page's links)
    search = request.session.get(SEARCH_SESSION_KEY) or {}
    if params.get("search") and params["search"] == search.get("id"):
        params["q"] = search["q"]
    found = patients_list(user=request.user, params=params, page=request.GET.get("page"))
    page = found.page
    audit_record(
        actor=request.user, action=AuditAction.PATIENT_LIST, patient_ids=[p.pk for p in page], page=page.number
    )
    query = urlencode({name: params[name] for name in (*URL_FILTERS, "search") if params.get(name)})
    return render(
        request, "staff/patient_list.html", {"form": bootstrap_widgets(found.form), "page": page, "query": query}
    )


def _patient_search(request):
    """The search box posts here: keep the name or MRN in the session and redirect to a URL without it."""
    url = reverse("patient-list")
    if "clear" in request.POST:
        request.session.pop(SEARCH_SESSION_KEY, None)
        return redirect(url)
    form = PatientFilter(request.POST).form
    form.is_valid()  # the filters that are valid go in the URL; a message reports any other
    for name in (name for name in URL_FILTERS if name in form.errors):
        messages.error(request, f"{form.fields[name].label}: {form.errors[name][0]}")
    chosen = {name: form.cleaned_data[name] for name in URL_FILTERS if form.cleaned_data.get(name)}
    params = {name: getattr(value, "pk", value) for name, value in chosen.items()}  # a counselor by id, not as typed
    if q := request.POST.get("q", "").strip():
        params["search"] = secrets.token_urlsafe(6)
        request.session[SEARCH_SESSION_KEY] = {"id": params["search"], "q": q}  # a new search replaces the old
    else:
        request.session.pop(SEARCH_SESSION_KEY, None)
    return redirect(f"{url}?{urlencode(params)}" if params else url)
