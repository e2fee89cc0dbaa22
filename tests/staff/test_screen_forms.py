"""Recording a drug screen on the chart (collected when, on the clinic's clock; observed or not; each substance of
the panel negative unless marked) and a safety alert's follow-up; every posted id checked against the patient."""

import datetime
import re

import pytest
from django.utils import timezone

from clinic.clock import local_start
from measures.models import DrugScreen, DrugScreenResult, SafetyAlert, Substance
from measures.services import measure_record
from tests.factories import EnrollmentFactory, PatientFactory
from tests.measures.conftest import phq9

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_care(counselor):
    return EnrollmentFactory(counselor=counselor, patient__primary_counselor=counselor, program__level_of_care="2.1")


def url(patient_id) -> str:
    return f"/patients/{patient_id}/screens/new/"


def screen_form(day=None, at="08:15", observed="yes", **results) -> dict:
    day = day or timezone.localdate() - datetime.timedelta(days=1)
    form = {"collected_on": day.isoformat(), "collected_time": at, "observed": observed}
    form |= {f"result_{s.value}": "negative" for s in Substance}
    return form | {f"result_{code}": result for code, result in results.items()}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_form_offers_every_substance_negative_by_default(client, counselor, in_care):
    client.force_login(counselor)

    page = client.get(url(in_care.patient_id)).content.decode()

    for substance in Substance:
        assert re.search(rf'<input type="radio" name="result_{substance.value}" value="negative"[^>]* checked>', page)
    assert page.count(" checked>") == len(Substance)  # and nothing else chosen beforehand
    assert "Positive as expected (prescribed)" in page and "Fentanyl" in page


def test_a_screen_is_recorded_on_the_clinics_clock(client, counselor, in_care):
    client.force_login(counselor)
    day = timezone.localdate() - datetime.timedelta(days=1)

    response = client.post(url(in_care.patient_id), screen_form(day, bup="expected"), follow=True)

    assert messages_of(response) == ["Drug screen recorded."]
    assert response.redirect_chain[-1][0] == f"/patients/{in_care.patient_id}/?section=measures#screens"
    screen = DrugScreen.objects.get()
    assert (screen.collected_at, screen.observed, screen.entered_by) == (
        local_start(day, datetime.time(8, 15)),
        True,
        counselor,
    )
    assert screen.results.count() == len(Substance)
    assert screen.results.get(substance="bup").result == "expected"


def test_an_unexpected_positive_is_flagged_in_the_message_and_on_the_chart(client, counselor, in_care):
    client.force_login(counselor)

    form = screen_form(observed="no", coc="positive") | {"note": "Says it was at a party."}
    response = client.post(url(in_care.patient_id), form, follow=True)

    assert messages_of(response) == [
        "Drug screen recorded: unexpected positive for Cocaine. It is flagged on the chart for the counselor."
    ]
    assert '<span class="badge text-bg-danger">Unexpected positive</span> Cocaine positive' in response.content.decode()
    assert "Says it was at a party." in response.content.decode()
    assert (DrugScreen.objects.get().observed, DrugScreen.objects.get().note) == (False, "Says it was at a party.")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"collected_time": ""}, "collected_time"),
        ({"collected_on": "yesterday"}, "collected_on"),
        ({"observed": ""}, "observed"),
        ({"observed": "maybe"}, "observed"),
        ({"result_coc": "unclear"}, "result_coc"),
        ({"result_fty": ""}, "result_fty"),
        ({"note": "x" * 2001}, "note"),
    ],
    ids=["no time", "bad day", "observed missing", "observed unknown", "bad result", "result missing", "long note"],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(client, counselor, in_care, change, field):
    client.force_login(counselor)

    response = client.post(url(in_care.patient_id), screen_form() | change)

    assert response.context["form"].errors[field]
    assert not DrugScreen.objects.exists() and not DrugScreenResult.objects.exists()


def test_a_collection_in_the_future_or_before_the_stay_is_refused(client, counselor, in_care):
    client.force_login(counselor)
    later = timezone.localtime() + datetime.timedelta(hours=2)

    future = client.post(url(in_care.patient_id), screen_form(later.date(), later.strftime("%H:%M")))
    before = client.post(url(in_care.patient_id), screen_form(in_care.admitted_on - datetime.timedelta(days=1)))

    assert "cannot be in the future" in future.context["form"].errors["collected_time"][0]
    assert "before this stay" in before.context["form"].errors["collected_on"][0]
    assert not DrugScreen.objects.exists()


def test_a_screen_for_a_patient_not_in_care_gets_a_message_and_nothing_is_saved(client, counselor):
    patient = PatientFactory(primary_counselor=counselor)
    client.force_login(counselor)

    response = client.post(url(patient.pk), screen_form())

    assert "This patient is not in care" in response.content.decode()
    assert not DrugScreen.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_front_desk_and_other_counselors_are_not_found(client, front_desk, other_counselor, in_care, method):
    for user in (front_desk, other_counselor):
        client.force_login(user)
        assert getattr(client, method)(url(in_care.patient_id), screen_form()).status_code == 404
    assert not DrugScreen.objects.exists()


# The safety alert's follow-up


@pytest.fixture
def alert(counselor, in_care):
    response = measure_record(
        acting_user=counselor, patient=in_care.patient, instrument="phq9", answers=phq9(5, item9=1)
    )
    return response.safety_alert


def follow_up_url(alert) -> str:
    return f"/patients/{alert.patient_id}/alerts/{alert.pk}/follow-up/"


def test_a_counselor_records_the_follow_up_from_the_chart(client, counselor, alert):
    client.force_login(counselor)

    response = client.post(follow_up_url(alert), {"note": "Safety plan agreed; crisis line given."}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Follow-up recorded; the safety alert is closed."]
    assert response.redirect_chain[-1][0].endswith("?section=measures#alerts")
    alert.refresh_from_db()
    assert (alert.is_open, alert.followed_up_by, alert.follow_up_note) == (
        False,
        counselor,
        "Safety plan agreed; crisis line given.",
    )
    assert "No open safety alerts." in response.content.decode()


def test_an_empty_follow_up_is_a_field_error(client, counselor, alert):
    client.force_login(counselor)

    response = client.post(follow_up_url(alert), {"note": ""})

    assert response.context["form"].errors["note"] == ["Write what was done to follow up."]
    assert SafetyAlert.objects.get().is_open


def test_a_second_follow_up_is_refused_with_a_message(client, counselor, supervisor, alert):
    client.force_login(counselor)
    client.post(follow_up_url(alert), {"note": "Called."})
    client.force_login(supervisor)

    response = client.post(follow_up_url(alert), {"note": "Called again."})

    assert "already recorded" in response.content.decode()
    alert.refresh_from_db()
    assert (alert.followed_up_by, alert.follow_up_note) == (counselor, "Called.")


def test_another_patients_alert_id_is_not_found_and_nothing_is_saved(client, counselor, alert):
    mine_too = EnrollmentFactory(counselor=counselor, patient__primary_counselor=counselor)
    client.force_login(counselor)

    response = client.post(f"/patients/{mine_too.patient_id}/alerts/{alert.pk}/follow-up/", {"note": "Tampered."})

    assert response.status_code == 404
    assert SafetyAlert.objects.get().is_open


@pytest.mark.parametrize("method", ["get", "post"])
def test_front_desk_administrators_and_other_counselors_are_not_found(
    client, front_desk, administrator, other_counselor, alert, method
):
    for user in (front_desk, administrator, other_counselor):
        client.force_login(user)
        assert getattr(client, method)(follow_up_url(alert), {"note": "x"}).status_code == 404
    assert SafetyAlert.objects.get().is_open
