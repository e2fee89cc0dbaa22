from django.apps import AppConfig


class SessionsConfig(AppConfig):
    """Therapy groups, sessions, attendance, notes and reminders.

    The label is not "sessions": django.contrib.sessions owns that one.
    """

    name = "sessions"
    label = "clinic_sessions"
    verbose_name = "Sessions and attendance"
