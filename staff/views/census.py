"""The census: each program's capacity against its active enrollments, and this week's movements."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from clinic.clock import week_start
from programs.selectors import census_for_week


@login_required
def census(request):
    census = census_for_week(monday=week_start(timezone.localdate()))
    return render(request, "staff/census.html", {"census": census})
