from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo clinic that `make run` serves, and the data the benchmarks load. No models."""

    name = "demo"
    verbose_name = "Demo data"
