from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from clinic.views.dashboard import dashboard
from clinic.views.patients import patient_chart, patient_list
from sessions.views import reminder_opt_out

admin.site.site_header = "Clinic case management"
admin.site.site_title = "Clinic case management"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("patients/", patient_list, name="patient-list"),
    path("patients/<int:pk>/", patient_chart, name="patient-chart"),
    path("admin/", admin.site.urls),
    # The opt-out link in patient emails: a short, neutral path that says nothing about the clinic.
    path("stop/<str:token>/", reminder_opt_out, name="reminder-opt-out"),
]
