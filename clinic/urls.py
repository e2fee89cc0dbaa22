"""The project's URLs. The kernel imports no app of the project: each app's urls are included by dotted string."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Clinic case management"
admin.site.site_title = "Clinic case management"
admin.site.index_title = "Administration"


class FaviconRedirect(RedirectView):
    """/favicon.ico, which browsers ask for on their own, is the site's SVG icon: resolved per request, since the
    hashed name exists only once collectstatic has run. Not permanent: the hash changes with the file."""

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.svg")


urlpatterns = [
    path("favicon.ico", FaviconRedirect.as_view()),
    path("admin/", admin.site.urls),
    path("", include("sessions.urls")),
    path("", include("staff.urls")),
]
