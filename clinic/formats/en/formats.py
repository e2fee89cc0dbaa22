"""Django's date formats for English, with the clinic's time of day ("5:34 PM", clinic/clock.py) instead of
Django's "5:34 p.m.", so the admin writes times as the staff pages, messages and emails do."""

from django.conf.locale.en.formats import *  # noqa: F403

TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "N j, Y, g:i A"
SHORT_DATETIME_FORMAT = "m/d/Y g:i A"
