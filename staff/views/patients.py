import secrets
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.levels import LevelOfCare
from clinic.models import User
from clinic.policy import Action
from patients.models import ASAM_DIMENSIONS
from programs.models import Enrollment, EnrollmentStatus, Program
from sessions.selectors import chart_for

PAGE_SIZE = 25
# A name or MRN searched for never goes in a URL (URLs land in access logs): the search box posts it, the session
# keeps the latest search under a random id, and the list's URL carries only that id and the other filters.
SEARCH_SESSION_KEY = "patient_search"
URL_FILTERS = ("program", "level", "counselor", "status")


class PatientFilter(forms.Form):
    q = forms.CharField(label="Name or MRN", required=False)
    program = forms.ModelChoiceField(Program.objects.order_by("name"), required=False, empty_label="Any program")
    level = forms.ChoiceField(choices=[("", "Any level"), *LevelOfCare.choices], required=False)
    counselor = forms.ModelChoiceField(
        User.objects.clinicians(),
        required=False,
        empty_label="Any counselor",
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), ("active", "In care"), ("ended", "Not in care")], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"


@login_required
def patient_list(request):
    """Search by name or MRN, filter by program, level, counselor and status; 25 a page."""
    if request.method == "POST":
        return _patient_search(request)
    data = request.GET.copy()
    data.pop("q", None)  # a name typed into the URL is not searched for (nor repeated in the page's links)
    search = request.session.get(SEARCH_SESSION_KEY) or {}
    if data.get("search") and data["search"] == search.get("id"):
        data["q"] = search["q"]
    form = PatientFilter(data or None)
    current = Enrollment.objects.filter(patient=OuterRef("pk"), status=EnrollmentStatus.ACTIVE)
    patients = (
        policy.patients_visible_to(request.user)
        .select_related("primary_counselor")
        .annotate(
            program_name=Subquery(current.values("program__name")[:1]),
            level=Subquery(current.values("program__level_of_care")[:1]),
        )
        .order_by("legal_last_name", "legal_first_name", "pk")
    )
    if form.is_valid():
        data = form.cleaned_data
        if q := data["q"].strip():
            patients = patients.filter(
                Q(mrn=q)
                | Q(legal_last_name__icontains=q)
                | Q(legal_first_name__icontains=q)
                | Q(preferred_name__icontains=q)
            )
        if data["program"]:
            patients = patients.filter(enrollments__program=data["program"], enrollments__status="active")
        if data["level"]:
            patients = patients.filter(enrollments__program__level_of_care=data["level"], enrollments__status="active")
        if data["counselor"]:
            patients = patients.filter(primary_counselor=data["counselor"])
        if data["status"] == "active":
            patients = patients.filter(program_name__isnull=False)
        elif data["status"] == "ended":
            patients = patients.filter(program_name__isnull=True)
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user, action=AuditAction.PATIENT_LIST, patient_ids=[p.pk for p in page], page=page.number
    )
    query = urlencode({name: data[name] for name in (*URL_FILTERS, "search") if data.get(name)})
    return render(request, "staff/patient_list.html", {"form": form, "page": page, "query": query})


def _patient_search(request):
    """The search box posts here: keep the name or MRN in the session and redirect to a URL without it."""
    url = reverse("patient-list")
    if "clear" in request.POST:
        request.session.pop(SEARCH_SESSION_KEY, None)
        return redirect(url)
    form = PatientFilter(request.POST)
    form.is_valid()  # the filters that are valid go in the URL; the list page reports any other
    params = {name: request.POST[name] for name in URL_FILTERS if form.cleaned_data.get(name)}
    if q := request.POST.get("q", "").strip():
        params["search"] = secrets.token_urlsafe(6)
        request.session[SEARCH_SESSION_KEY] = {"id": params["search"], "q": q}  # a new search replaces the old
    else:
        request.session.pop(SEARCH_SESSION_KEY, None)
    return redirect(f"{url}?{urlencode(params)}" if params else url)


@login_required
def patient_chart(request, pk: int):
    """The chart: demographics, consents, screening, the level-of-care journey, attendance with weekly hours,
    notes (clinicians only) and the reminders sent. Every opening is audited."""
    patient = get_object_or_404(policy.patients_visible_to(request.user).select_related("primary_counselor"), pk=pk)
    audit_record(actor=request.user, action=AuditAction.PATIENT_VIEW, patient_id=patient.pk, target=patient)
    chart = chart_for(patient, with_notes=policy.allows(request.user, Action.SEE_CLINICAL))
    screening = [(label, getattr(patient, name)) for name, label in ASAM_DIMENSIONS.items()]
    return render(
        request,
        "staff/patient_chart.html",
        {
            "chart": chart,
            "patient": patient,
            "screening": screening,
        },
    )
