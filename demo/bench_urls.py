"""The benchmark's URLs: the project's, plus the floor every page is measured against (benchmark_pages).

Only the page benchmark uses this urlconf (in-process it overrides ROOT_URLCONF; a server started with
DJANGO_SETTINGS_MODULE=demo.bench_settings serves it), so the clinic's own URLs never include the bare page.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path

BARE_PATH = "/benchmark/bare/"


@login_required
def bare(request):
    """A signed-in request through the full middleware stack (session, auth, CSRF, audit context, axes) and
    nothing else: what Django itself costs, the floor the staff pages are compared with."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path(BARE_PATH.strip("/") + "/", bare, name="benchmark-bare"),
    path("", include("clinic.urls")),
]
