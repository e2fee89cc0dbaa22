from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Treatment plans: problems per ASAM dimension, goals, objectives, interventions; signed, versioned, reviewed."""

    name = "plans"
    label = "plans"
    verbose_name = "Treatment plans"

    def ready(self):
        from plans import policy  # noqa: F401  (the plan rules register themselves with clinic.policy)
        from plans.handlers import on_enrollment_ended
        from programs.signals import enrollment_ended

        enrollment_ended.connect(on_enrollment_ended, dispatch_uid="plans.on_enrollment_ended")

        from plans.digest import plans_due_section
        from sessions.selectors.digest import digest_section_register

        digest_section_register("plans_due", plans_due_section, order=20)
