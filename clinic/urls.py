from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from sessions.views import reminder_opt_out

admin.site.site_header = "Clinic case management"
admin.site.site_title = "Clinic case management"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    # The opt-out link in patient emails: a short, neutral path that says nothing about the clinic.
    path("stop/<str:token>/", reminder_opt_out, name="reminder-opt-out"),
]
