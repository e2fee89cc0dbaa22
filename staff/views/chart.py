"""A patient's chart, a section at a time (summary, journey, plan, measures, attendance, notes, reminders), and the
summary's print view. Every opening is audited, naming the section."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from clinic.audit import AuditAction, audit_record
from plans.plan_page import plan_page
from sessions.selectors import (
    chart_attendance,
    chart_head,
    chart_hours,
    chart_journey,
    chart_notes,
    chart_reminders,
)
from sessions.selectors.chart import Section
from sessions.selectors.rosters import chart_groups
from staff.plots.chart import hours_plot
from staff.views.chart_measures import measures_section


def _summary(request, head) -> dict:
    return {"groups": chart_groups(user=request.user, patient=head.patient, current=head.current)}


def _attendance(request, head) -> dict:
    weeks = chart_hours(head)
    return {
        "weeks": weeks,
        "hours_plot": hours_plot(weeks),
        "page": chart_attendance(head.patient, page=_page(request)) if head.clinician else None,
    }


def _page(request) -> str | None:
    return request.GET.get("page")


def _plan(request, head) -> dict:
    """The plan of the current stay (else the latest), a reader of plans only (the section is clinical)."""
    enrollment = head.latest
    if enrollment is not None:
        enrollment.patient = head.patient
    return {"plan_page": plan_page(enrollment=enrollment, today=timezone.localdate())}


SHOWN = {
    Section.SUMMARY: _summary,
    Section.JOURNEY: lambda request, head: {"journey": chart_journey(head.patient)},
    Section.PLAN: _plan,
    Section.MEASURES: measures_section,
    Section.ATTENDANCE: _attendance,
    Section.NOTES: lambda request, head: {"page": chart_notes(head.patient, page=_page(request))},
    Section.REMINDERS: lambda request, head: {"page": chart_reminders(head.patient, page=_page(request))},
}


def _opened(request, pk: int, section: str):
    """The chart's head, for a patient in the user's scope (404 otherwise), the opening audited."""
    head = chart_head(user=request.user, pk=pk)
    if head is None:
        raise Http404
    if section not in dict(head.sections()):
        section = Section.SUMMARY
    patient = head.patient
    audit_record(
        actor=request.user, action=AuditAction.PATIENT_VIEW, patient_id=patient.pk, target=patient, section=section
    )
    return head, section


@login_required
def patient_chart(request, pk: int):
    """The chart's head (who, where in care, open reviews, the actions) and one section (`?section=`, the summary
    by default; notes for clinicians only), its rows a page at a time."""
    head, section = _opened(request, pk, request.GET.get("section", Section.SUMMARY))
    context = {"head": head, "patient": head.patient, "section": section, "sections": head.sections()}
    return render(request, "staff/patient_chart.html", context | SHOWN[section](request, head))


@login_required
def patient_chart_print(request, pk: int):
    """The chart's summary to print: identity, contact, consent, screening, care, groups and open reviews."""
    head, _ = _opened(request, pk, Section.SUMMARY)
    return render(request, "staff/chart_print.html", {"head": head, "patient": head.patient} | _summary(request, head))
