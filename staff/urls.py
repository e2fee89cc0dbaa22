from django.contrib.auth import views as auth_views
from django.urls import path

from staff.forms import SignInForm
from staff.views import (
    attendance,
    booking,
    census,
    chart,
    chart_actions,
    chart_groups,
    counselors,
    dashboard,
    enrollment,
    groups,
    measures,
    notes,
    patients,
    schedule,
)

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("patients/", patients.patient_list, name="patient-list"),
    path("patients/new/", chart_actions.patient_register_view, name="patient-register"),
    path("patients/<int:pk>/", chart.patient_chart, name="patient-chart"),
    path("patients/<int:pk>/print/", chart.patient_chart_print, name="patient-chart-print"),
    path("patients/<int:pk>/reviews/<int:review_id>/resolve/", chart_actions.review_resolve, name="review-resolve"),
    path("patients/<int:pk>/admit/", enrollment.patient_admit, name="patient-admit"),
    path("patients/<int:pk>/transition/", enrollment.patient_transition, name="patient-transition"),
    path("patients/<int:pk>/discharge/", enrollment.patient_discharge, name="patient-discharge"),
    path("patients/<int:pk>/book/", chart_actions.patient_book, name="patient-book"),
    path("patients/<int:pk>/consent/", chart_actions.patient_consent, name="patient-consent"),
    path("patients/<int:pk>/groups/add/", chart_groups.chart_group_add, name="patient-group-add"),
    path(
        "patients/<int:pk>/groups/<int:membership_id>/end/", chart_groups.chart_membership_end, name="patient-group-end"
    ),
    path("patients/<int:pk>/measures/new/", measures.measure_new, name="measure-new"),
    path("patients/<int:pk>/screens/new/", measures.screen_new, name="screen-new"),
    path("patients/<int:pk>/alerts/<int:alert_id>/follow-up/", measures.alert_follow_up, name="alert-follow-up"),
    path("groups/", groups.group_list, name="group-list"),
    path("groups/<int:pk>/", groups.group_detail, name="group-detail"),
    path("groups/<int:pk>/candidates/", groups.group_candidates, name="group-candidates"),
    path("groups/<int:pk>/members/", groups.group_member_add, name="group-member-add"),
    path("groups/<int:pk>/members/<int:membership_id>/end/", groups.group_member_end, name="group-member-end"),
    path("schedule/", schedule.schedule, name="schedule"),
    path("schedule/book/", booking.book_at, name="schedule-book"),
    path("census/", census.census, name="census"),
    path("counselors/", counselors.counselor_search, name="counselor-search"),
    path("sessions/<int:pk>/", schedule.session_detail, name="session-detail"),
    path("sessions/<int:pk>/cancel/", schedule.session_cancel_view, name="session-cancel"),
    path("sessions/<int:pk>/attendance/", attendance.attendance_sheet, name="attendance-sheet"),
    path("sessions/<int:pk>/attendance/<int:patient_id>/", attendance.attendance_row, name="attendance-row"),
    path("notes/<int:pk>/print/", notes.note_print, name="note-print"),
    path("notes/<int:pk>/addenda/", notes.note_addendum, name="note-addendum"),
]
