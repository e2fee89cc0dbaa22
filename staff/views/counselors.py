"""The counselor picker's suggestions: a few active clinicians whose name matches what was typed."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from clinic import policy
from clinic.counselors import clinicians_matching, counselor_label
from clinic.policy import Action


@login_required
@require_GET
def counselor_search(request):
    """{"results": [{"id": 12, "label": "Rivera, Ana (arivera)"}, ...]}: at most 15, by name; staff only, no patient
    in it. One query."""
    if not policy.allows(request.user, Action.PICK_COUNSELOR):
        raise PermissionDenied("Your role chooses no counselors.")
    found = clinicians_matching(request.GET.get("q", ""))
    return JsonResponse({"results": [{"id": user.pk, "label": counselor_label(user)} for user in found]})
