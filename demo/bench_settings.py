"""The clinic's settings with the benchmark's urlconf (demo/bench_urls.py: the bare page as well), for a server
that `make benchmark-pages` targets over HTTP: DJANGO_SETTINGS_MODULE=demo.bench_settings."""

from clinic.settings import *  # noqa: F403

ROOT_URLCONF = "demo.bench_urls"
