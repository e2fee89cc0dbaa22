"""The chart's part of keeping rosters: add the chart's patient to a group, end one of their memberships. Each calls
membership_add or membership_end; a broken rule comes back as a message on the chart and nothing is saved."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from clinic.errors import DomainError
from sessions.selectors.rosters import active_groups, live_memberships_of
from sessions.services.groups import membership_add
from staff.forms_rosters import ChartGroupAddForm
from staff.views.chart_common import chart_patient
from staff.views.groups import end_posted


@login_required
@require_POST
def chart_group_add(request, pk: int):
    """Add the chart's patient to one of the groups offered. The group is checked by the service: one the user may
    not keep, or of a program the patient is not in, is refused with its message."""
    patient = chart_patient(request, pk)
    form = ChartGroupAddForm(request.POST, groups=active_groups())
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, f"Not added. {' '.join(errors)}")
        return redirect(_chart_groups_url(patient))
    group = form.cleaned_data["group"]
    try:
        membership_add(acting_user=request.user, group=group, patient=patient, joined_on=form.cleaned_data["joined_on"])
    except DomainError as error:
        messages.error(request, f"Not added. {error.message}")
    else:
        messages.success(request, f"Added to {group.title}.")
    return redirect(_chart_groups_url(patient))


@login_required
@require_POST
def chart_membership_end(request, pk: int, membership_id: int):
    """End one of the chart's patient's memberships; another patient's membership is not found (404)."""
    patient = chart_patient(request, pk)
    membership = get_object_or_404(live_memberships_of(patient), pk=membership_id)
    end_posted(request, membership)
    return redirect(_chart_groups_url(patient))


def _chart_groups_url(patient) -> str:
    return reverse("patient-chart", args=[patient.pk]) + "#groups"
