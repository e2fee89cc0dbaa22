from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Clinic case management"
admin.site.site_title = "Clinic case management"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
