from django.apps import AppConfig


class SessionsConfig(AppConfig):
    """Therapy groups, sessions, attendance, notes and reminders.

    The label is not "sessions": django.contrib.sessions owns that one.
    """

    name = "sessions"
    label = "clinic_sessions"
    verbose_name = "Sessions and attendance"

    def ready(self):
        from programs.signals import enrollment_ended
        from sessions import policy
        from sessions.handlers import on_enrollment_ended

        enrollment_ended.connect(on_enrollment_ended, dispatch_uid="sessions.on_enrollment_ended")
        policy.register()  # the patient scope and the session rules, for clinic.policy to answer
