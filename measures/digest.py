"""The measures sections of a clinician's daily digest (registered with sessions' digest in MeasuresConfig.ready).
An email can go astray: rows name the patient and what needs doing, never a score or an answer."""

import dataclasses
import datetime

from django.utils import timezone

from clinic import policy
from clinic.policy import Action
from measures.selectors import FLAG_LIMIT, measures_due_for, open_safety_alerts_for, score_rises, unexpected_positives
from sessions.selectors.digest import DigestSection, digest_name, digest_section

NEWS_DAYS = 1  # positives and rises since yesterday: the day before's digest told the rest


def _clinician(staff) -> bool:
    return policy.allows(staff, Action.SEE_CLINICAL)


def safety_alerts_section(staff, day: datetime.date) -> DigestSection | None:
    if not _clinician(staff):
        return None
    rows = [
        f"{digest_name(alert.patient)}: raised {timezone.localdate(alert.raised_at):%b %-d}, follow-up not recorded"
        for alert in open_safety_alerts_for(staff)
    ]
    return digest_section("URGENT: safety alerts to follow up", rows, cap=FLAG_LIMIT, urgent=True)


def measures_due_section(staff, day: datetime.date) -> DigestSection | None:
    if not _clinician(staff):
        return None
    rows = [
        f"{digest_name(due.enrollment.patient)}: {due.instrument.label.split(' (')[0]} "
        + (f"overdue since {due.due_on:%b %-d}" if due.overdue else "due today")
        for due in measures_due_for(staff, today=day)
    ]
    return digest_section("Measures due", rows, cap=FLAG_LIMIT)


def unexpected_positives_section(staff, day: datetime.date) -> DigestSection | None:
    if not _clinician(staff):
        return None
    since = day - datetime.timedelta(days=NEWS_DAYS)
    found = unexpected_positives(staff, since=since)
    screens = {}  # one row per screen, however many substances it found
    for result in found:
        screens.setdefault(result.screen_id, result.screen)
    rows = [
        f"{digest_name(screen.patient)}: unexpected positive drug screen, collected "
        f"{timezone.localdate(screen.collected_at):%b %-d}"
        for screen in screens.values()
    ]
    section = digest_section("Unexpected positive screens since yesterday", rows)
    return dataclasses.replace(section, at_least=len(found) >= FLAG_LIMIT)


def score_rises_section(staff, day: datetime.date) -> DigestSection | None:
    if not _clinician(staff):
        return None
    since = day - datetime.timedelta(days=NEWS_DAYS)
    rows = [
        f"{digest_name(response.patient)}: {response.get_instrument_display().split(' (')[0]} up 5 points or more "
        f"on {response.administered_on:%b %-d}"
        for response in score_rises(staff, since=since)
    ]
    return digest_section("Scores up 5 points or more since yesterday", rows, cap=FLAG_LIMIT)
