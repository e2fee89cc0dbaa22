"""The demo's measures and screens: eight weeks of scores that mostly improve, weekly screens in IOP, one open
safety alert for the demo counselor; every stored score is what the instrument scores from the stored answers."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from clinic.models import User
from measures.instruments import score
from measures.models import DrugScreen, MeasureResponse, MeasureSchedule, SafetyAlert, ScreenResult
from measures.selectors import open_safety_alerts_for, unexpected_positives
from tests.clock import clinic_time

pytestmark = pytest.mark.django_db


def test_the_demo_has_measures_screens_and_one_open_alert():
    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()

    assert MeasureSchedule.objects.filter(instrument="phq9", every_days=14).exists()
    responses = MeasureResponse.objects.prefetch_related("answers")
    assert responses.filter(administered_on__lt=today - datetime.timedelta(weeks=7)).exists()
    for response in responses:
        scored = score(response.instrument, {a.item: a.value for a in response.answers.all()})
        assert (response.total, response.risk_score, response.severity) == (
            scored.scales.get("total"),
            scored.scales.get("risk"),
            scored.severity,
        )
    trends = {}
    for response in responses.filter(instrument="phq9").order_by("administered_on", "id"):
        trends.setdefault(response.patient_id, []).append(response.total)
    changes = [totals[-1] - totals[0] for totals in trends.values() if len(totals) >= 3]
    assert sum(c < 0 for c in changes) > len(changes) / 2 and any(c > 0 for c in changes)

    counselor = User.objects.get(username="counselor")
    alert = SafetyAlert.objects.get()
    assert alert.is_open and alert.response.entered_by == counselor and alert.response.answers.get(item="9").value == 1
    assert open_safety_alerts_for(counselor) == [alert]
    assert DrugScreen.objects.filter(enrollment__program__level_of_care="2.1").count() > 20
    assert DrugScreen.objects.filter(results__result=ScreenResult.EXPECTED).exists()
    supervisor = User.objects.get(username="supervisor")
    assert unexpected_positives(supervisor, since=today - datetime.timedelta(weeks=8))


@pytest.mark.time_machine(clinic_time("2026-11-18 02:25"), tick=False)
def test_seeded_before_dawn_nothing_is_raised_or_collected_later_today():
    call_command("seed_demo", stdout=StringIO())
    now = timezone.now()

    assert SafetyAlert.objects.get().raised_at <= now
    assert not DrugScreen.objects.filter(collected_at__gt=now).exists()
    assert DrugScreen.objects.filter(collected_at__gte=now - datetime.timedelta(days=7)).exists()
