"""Therapy groups: the list, a group's page with its roster and history, and keeping the roster (add a patient, end
a membership) from the group's page (the chart's part is chart_groups.py). Each change calls membership_add or
membership_end; a broken rule comes back as a message and nothing is saved."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.errors import DomainError
from clinic.policy import Action
from sessions.models import GroupMembership, TherapyGroup
from sessions.selectors.rosters import candidates_matching, group_page, groups_list, patient_label
from sessions.services.groups import membership_add, membership_end
from staff.forms_rosters import MembershipAddForm, MembershipEndForm


def _require_groups(request) -> None:
    if not policy.allows(request.user, Action.SEE_GROUPS):
        raise PermissionDenied("Your role sees no therapy groups.")


@login_required
def group_list(request):
    """Active groups with their schedule and seats, by program; a program or one's own groups. No patient named."""
    _require_groups(request)
    mine = request.GET.get("mine") == "1"
    found = groups_list(
        user=request.user, program_id=request.GET.get("program"), mine=mine, page=request.GET.get("page")
    )
    query = urlencode({k: v for k, v in (("program", found.program and found.program.pk), ("mine", mine and 1)) if v})
    return render(request, "staff/group_list.html", {"groups": found, "page": found.page, "query": query})


def _group_response(request, pk: int, *, add_form: MembershipAddForm | None = None):
    """The group's page (with `add_form` as posted, when adding failed). Audited with the patients it names."""
    _require_groups(request)
    found = group_page(user=request.user, pk=pk, past_page=request.GET.get("past"))
    if found is None:
        raise Http404
    group = found.group
    audit_record(
        actor=request.user,
        action=AuditAction.GROUP_VIEW,
        patient_ids=found.shown_patient_ids,
        target=group,
        past_page=found.past.number,
    )
    keeps_roster = policy.allows(request.user, Action.KEEP_ROSTER, group)
    if keeps_roster and add_form is None:
        add_form = MembershipAddForm(user=request.user, group=group)
    context = {
        "page": found,
        "group": group,
        "add_form": add_form if keeps_roster else None,
        "end_form": MembershipEndForm(),
    }
    return render(request, "staff/group.html", context)


@login_required
def group_detail(request, pk: int):
    return _group_response(request, pk)


def _roster_group(request, pk: int) -> TherapyGroup:
    """The group, if the user keeps its roster; a group of another facilitator is refused (403), unchanged."""
    _require_groups(request)
    group = get_object_or_404(TherapyGroup.objects.select_related("program"), pk=pk)
    if not policy.allows(request.user, Action.KEEP_ROSTER, group):
        raise PermissionDenied("Only the group's facilitator or a clinical supervisor manages its roster.")
    return group


@login_required
@require_POST
def group_candidates(request, pk: int):
    """The patient picker's suggestions, posted (what was typed is a patient's name: never in a URL):
    {"results": [{"label": "Whitfield, Dana (MRN 1000001)"}, ...]}, at most 15 of the group's candidates. Audited,
    since it names patients."""
    group = _roster_group(request, pk)
    found = candidates_matching(request.user, group, request.POST.get("q", ""))
    audit_record(
        actor=request.user,
        action=AuditAction.PATIENT_LIST,
        patient_ids=[p.pk for p in found],
        target=group,
        page="group-candidates",
    )
    return JsonResponse({"results": [{"label": patient_label(p)} for p in found]})


@login_required
@require_POST
def group_member_add(request, pk: int):
    group = _roster_group(request, pk)
    form = MembershipAddForm(request.POST, user=request.user, group=group)
    if form.is_valid():
        patient = form.cleaned_data["patient"]
        try:
            membership_add(
                acting_user=request.user, group=group, patient=patient, joined_on=form.cleaned_data["joined_on"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{patient.legal_last_name}, {patient.display_first_name} joined {group.title}.")
            return redirect("group-detail", group.pk)
    return _group_response(request, group.pk, add_form=form)


def end_posted(request, membership: GroupMembership) -> None:
    """End `membership` on the posted date; the outcome as a message."""
    form = MembershipEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not ended. {form.errors['left_on'][0]}")
        return
    try:
        membership_end(acting_user=request.user, membership=membership, left_on=form.cleaned_data["left_on"])
    except DomainError as error:
        messages.error(request, f"Not ended. {error.message}")
    else:
        messages.success(request, f"Membership of {membership.group.title} ended.")


@login_required
@require_POST
def group_member_end(request, pk: int, membership_id: int):
    group = _roster_group(request, pk)
    membership = get_object_or_404(GroupMembership.objects.select_related("group"), pk=membership_id, group=group)
    end_posted(request, membership)
    return redirect("group-detail", group.pk)
