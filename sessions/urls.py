from django.urls import path

from sessions.views import reminder_opt_out

urlpatterns = [
    # The opt-out link in patient emails: a short, neutral path that says nothing about the clinic.
    path("stop/<str:token>/", reminder_opt_out, name="reminder-opt-out"),
]
