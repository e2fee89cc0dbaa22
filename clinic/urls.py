from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from clinic.views import chart_actions
from clinic.views.attendance import attendance_row, attendance_sheet
from clinic.views.census import census
from clinic.views.dashboard import dashboard
from clinic.views.patients import patient_chart, patient_list
from clinic.views.schedule import schedule, session_cancel_view, session_detail
from clinic.views.sign_in import SignInForm
from sessions.views import reminder_opt_out

admin.site.site_header = "Clinic case management"
admin.site.site_title = "Clinic case management"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("patients/", patient_list, name="patient-list"),
    path("patients/new/", chart_actions.patient_register_view, name="patient-register"),
    path("patients/<int:pk>/", patient_chart, name="patient-chart"),
    path("patients/<int:pk>/reviews/<int:review_id>/resolve/", chart_actions.review_resolve, name="review-resolve"),
    path("patients/<int:pk>/admit/", chart_actions.patient_admit, name="patient-admit"),
    path("patients/<int:pk>/transition/", chart_actions.patient_transition, name="patient-transition"),
    path("patients/<int:pk>/discharge/", chart_actions.patient_discharge, name="patient-discharge"),
    path("patients/<int:pk>/book/", chart_actions.patient_book, name="patient-book"),
    path("patients/<int:pk>/consent/", chart_actions.patient_consent, name="patient-consent"),
    path("schedule/", schedule, name="schedule"),
    path("census/", census, name="census"),
    path("sessions/<int:pk>/", session_detail, name="session-detail"),
    path("sessions/<int:pk>/cancel/", session_cancel_view, name="session-cancel"),
    path("sessions/<int:pk>/attendance/", attendance_sheet, name="attendance-sheet"),
    path("sessions/<int:pk>/attendance/<int:patient_id>/", attendance_row, name="attendance-row"),
    path("admin/", admin.site.urls),
    # The opt-out link in patient emails: a short, neutral path that says nothing about the clinic.
    path("stop/<str:token>/", reminder_opt_out, name="reminder-opt-out"),
]
