"""The forms of the chart's Measures section (staff.views.chart_measures): a measure entered item by item, a drug
screen, a safety alert's follow-up. Each calls one service and comes back to the section (post, redirect, get)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.policy import Action
from measures.errors import MeasureError
from measures.instruments import INSTRUMENTS, PHQ9_SELF_HARM_ITEM, Definition, Instrument
from measures.models import MeasureResponse, SafetyAlert, ScreenResult, Substance
from measures.services import drug_screen_record, measure_record, safety_alert_follow_up
from staff.forms_measures import DrugScreenForm, FollowUpForm, MeasureForm
from staff.plots.chart import SCALE_FIELDS, short_name


def _patient(request, pk: int, action: Action):
    """The patient if the user may see them and do `action` for them, else 404 (front desk, another counselor's
    patient); a GET is audited, since the form pages show the record."""
    patient = get_object_or_404(policy.patients_visible_to(request.user), pk=pk)
    if not policy.allows(request.user, action, patient):
        raise Http404
    if request.method == "GET":
        audit_record(
            actor=request.user,
            action=AuditAction.PATIENT_VIEW,
            patient_id=patient.pk,
            page=request.resolver_match.url_name,
        )
    return patient


def measures_url(patient, anchor: str = "") -> str:
    return f"{reverse('patient-chart', args=[patient.pk])}?section=measures{'#' + anchor if anchor else ''}"


def recorded_message(definition: Definition, response: MeasureResponse) -> str:
    """ "PHQ-9 recorded: 12, moderate." (the BAM: each subscale with its band)."""
    name = short_name(definition)
    if response.total is not None:
        band = definition.scale("total").band(response.total).label.lower()
        return f"{name} recorded: {response.total}, {band}."
    parts = []
    for scale in definition.scales:
        value = getattr(response, SCALE_FIELDS[scale.code])
        parts.append(f"{scale.label.lower()} {value} ({scale.band(value).label.lower()})")
    return f"{name} recorded: {', '.join(parts)}."


@login_required
def measure_new(request, pk: int):
    """Enter an instrument (`?instrument=phq9`, `gad7` or `bam`) item by item for the patient."""
    patient = _patient(request, pk, Action.RECORD_MEASURES)
    definition = INSTRUMENTS.get(request.GET.get("instrument", ""))
    if definition is None:
        raise Http404
    form = MeasureForm(request.POST or None, definition=definition)
    if request.method == "POST" and form.is_valid():
        try:
            response = measure_record(
                acting_user=request.user,
                patient=patient,
                instrument=definition.code,
                answers=form.answers,
                administered_on=form.cleaned_data["administered_on"],
            )
        except MeasureError as error:
            form.refused(error)
        else:
            messages.success(request, recorded_message(definition, response))
            if definition.code == Instrument.PHQ9 and form.answers[PHQ9_SELF_HARM_ITEM] > 0:
                messages.error(
                    request,
                    "Urgent safety alert raised: item 9 (thoughts of self-harm) was answered above 0. The primary "
                    "counselor and the clinical supervisors were alerted. Record the follow-up once done.",
                )
                return redirect(measures_url(patient, "alerts"))
            return redirect(measures_url(patient, f"{definition.code}-history"))
    context = {"form": form, "patient": patient, "definition": definition, "name": short_name(definition)}
    return render(request, "staff/measure_form.html", context)


@login_required
def screen_new(request, pk: int):
    """Record a urine drug screen for the patient, the panel's substances negative unless marked."""
    patient = _patient(request, pk, Action.RECORD_MEASURES)
    form = DrugScreenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            drug_screen_record(
                acting_user=request.user,
                patient=patient,
                collected_at=form.cleaned_data["collected_at"],
                observed=form.cleaned_data["observed"] == "yes",
                results=form.results,
                note=form.cleaned_data["note"],
            )
        except MeasureError as error:
            form.refused(error)
        else:
            unexpected = [Substance(s).label for s, r in form.results.items() if r == ScreenResult.POSITIVE]
            if unexpected:
                messages.warning(
                    request,
                    f"Drug screen recorded: unexpected positive for {', '.join(unexpected)}. "
                    "It is flagged on the chart for the counselor.",
                )
            else:
                messages.success(request, "Drug screen recorded.")
            return redirect(measures_url(patient, "screens"))
    return render(request, "staff/screen_form.html", {"form": form, "patient": patient})


@login_required
def alert_follow_up(request, pk: int, alert_id: int):
    """Record what was done about one of the patient's safety alerts (another patient's alert: 404)."""
    patient = _patient(request, pk, Action.FOLLOW_UP_SAFETY_ALERT)
    alert = get_object_or_404(SafetyAlert.objects.select_related("response"), pk=alert_id, patient=patient)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            safety_alert_follow_up(acting_user=request.user, alert=alert, note=form.cleaned_data["note"])
        except MeasureError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Follow-up recorded; the safety alert is closed.")
            return redirect(measures_url(patient, "alerts"))
    return render(request, "staff/alert_follow_up.html", {"form": form, "patient": patient, "alert": alert})
