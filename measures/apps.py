from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    """Measurement-based care: standardized instruments (PHQ-9, GAD-7, BAM), safety alerts, and drug screens."""

    name = "measures"
    label = "measures"
    verbose_name = "Measures and drug screens"

    def ready(self):
        from measures import (
            digest,
            policy,  # noqa: F401 - registers the rules
        )
        from sessions.selectors.digest import digest_section_register

        # The digest's sections: the urgent alerts first, the plans' section (plans.apps) between.
        digest_section_register("safety_alerts", digest.safety_alerts_section, order=10)
        digest_section_register("measures_due", digest.measures_due_section, order=30)
        digest_section_register("unexpected_positives", digest.unexpected_positives_section, order=40)
        digest_section_register("score_rises", digest.score_rises_section, order=50)
