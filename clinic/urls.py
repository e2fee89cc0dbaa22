"""The project's URLs. The kernel imports no app of the project: each app's urls are included by dotted string."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Clinic case management"
admin.site.site_title = "Clinic case management"
admin.site.index_title = "Administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("sessions.urls")),
    path("", include("staff.urls")),
]
