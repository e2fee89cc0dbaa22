from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    """Measurement-based care: standardized instruments (PHQ-9, GAD-7, BAM), safety alerts, and drug screens."""

    name = "measures"
    label = "measures"
    verbose_name = "Measures and drug screens"

    def ready(self):
        from measures import policy  # noqa: F401 - registers the rules
