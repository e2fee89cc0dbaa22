"""Entering a PHQ-9, GAD-7 or BAM item by item on the chart: each item a group of its own answers, scored by the
system with a message naming the total and band; a missing or out-of-range answer, a future day or a day before
the stay is a field error and saves nothing; item 9 above 0 raises the safety alert and the message says so."""

import datetime

import pytest
from django.utils import timezone

from measures.instruments import BAM, GAD7, PHQ9
from measures.models import MeasureAnswer, MeasureResponse, SafetyAlert
from tests.factories import EnrollmentFactory, PatientFactory
from tests.measures.conftest import bam, gad7, phq9

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_care(counselor):
    return EnrollmentFactory(
        counselor=counselor,
        patient__primary_counselor=counselor,
        program__level_of_care="2.1",
        admitted_on=timezone.localdate() - datetime.timedelta(days=30),
    )


def url(enrollment, instrument="phq9") -> str:
    return f"/patients/{enrollment.patient_id}/measures/new/?instrument={instrument}"


def posted(answers: dict[str, int], **extra) -> dict:
    return {"administered_on": timezone.localdate().isoformat()} | {f"item_{k}": v for k, v in answers.items()} | extra


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("definition", [PHQ9, GAD7, BAM], ids=lambda d: d.code)
def test_the_form_asks_every_item_with_its_own_answers(client, counselor, in_care, definition):
    client.force_login(counselor)

    page = client.get(url(in_care, definition.code)).content.decode()

    assert page.count("<fieldset") == len(definition.items)
    for item in definition.items:
        assert f'<legend class="fs-6 fw-semibold">{item.code}. ' in page
    assert definition.period in page


def test_the_phq9s_answers_are_its_frequencies_and_the_bams_its_own_scales(client, counselor, in_care):
    client.force_login(counselor)

    phq = client.get(url(in_care)).content.decode()
    bam_page = client.get(url(in_care, "bam")).content.decode()

    assert phq.count('type="radio"') == 9 * 4 and "More than half the days" in phq
    assert "Excellent" in bam_page and "Considerably" in bam_page and "30 days" in bam_page
    assert 'name="item_14" value="4"' in bam_page  # income: No 0, Yes 4


def test_a_phq9_is_recorded_with_a_message_of_its_total_and_band(client, counselor, in_care):
    client.force_login(counselor)

    response = client.post(url(in_care), posted(phq9(12)), follow=True)

    assert response.redirect_chain[-1][0] == f"/patients/{in_care.patient_id}/?section=measures#phq9-history"
    assert messages_of(response) == ["PHQ-9 recorded: 12, moderate."]
    recorded = MeasureResponse.objects.get()
    assert (recorded.total, recorded.entered_by) == (12, counselor)
    assert dict(recorded.answers.values_list("item", "value")) == phq9(12)
    assert 'id="phq9-total-plot"' in response.content.decode()


def test_a_bam_is_recorded_with_its_subscales(client, counselor, in_care):
    client.force_login(counselor)

    response = client.post(url(in_care, "bam"), posted(bam(i4=5, i6=2, i7c=2)), follow=True)

    assert messages_of(response) == [
        "BAM recorded: use 3 (use reported), risk factors 0 (lower risk), protective factors 0 (low protection)."
    ]
    assert MeasureAnswer.objects.filter(item="7c", value=2).exists()


def test_item_nine_above_zero_raises_the_alert_and_the_message_says_so(client, counselor, in_care):
    client.force_login(counselor)

    response = client.post(url(in_care), posted(phq9(6, item9=2)), follow=True)

    assert messages_of(response)[0] == "PHQ-9 recorded: 6, mild."
    assert "Urgent safety alert raised" in messages_of(response)[1]
    assert "counselor and the clinical supervisors were alerted" in messages_of(response)[1]
    assert SafetyAlert.objects.get().patient == in_care.patient
    assert response.redirect_chain[-1][0].endswith("#alerts")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"item_4": ""}, "item_4"),
        ({"item_9": "4"}, "item_9"),
        ({"item_1": "-1"}, "item_1"),
        ({"item_2": "two"}, "item_2"),
        ({"administered_on": ""}, "administered_on"),
        ({"administered_on": "not a day"}, "administered_on"),
    ],
    ids=["missing", "out of range", "negative", "not a number", "no day", "bad day"],
)
def test_a_bad_answer_is_a_field_error_and_nothing_is_saved(client, counselor, in_care, change, field):
    client.force_login(counselor)

    response = client.post(url(in_care), posted(phq9(3)) | change)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not MeasureResponse.objects.exists()


def test_every_missing_answer_is_named(client, counselor, in_care):
    client.force_login(counselor)

    response = client.post(url(in_care, "gad7"), {"administered_on": timezone.localdate().isoformat()})

    errors = response.context["form"].errors
    assert [errors[f"item_{n}"] for n in range(1, 8)] == [[f"Answer item {n}."] for n in range(1, 8)]
    assert not MeasureResponse.objects.exists()


def test_a_bam_day_count_above_thirty_is_refused(client, counselor, in_care):
    client.force_login(counselor)

    response = client.post(url(in_care, "bam"), posted(bam() | {"2": 31}))

    assert response.context["form"].errors["item_2"]
    assert not MeasureResponse.objects.exists()
    html = response.content.decode()  # the select says it is wrong, and a screen reader reads why
    assert '<select name="item_2" class="form-select w-auto" id="id_item_2" required aria-invalid="true"' in html
    assert 'aria-describedby="id_item_2-error"' in html and 'id="id_item_2-error"' in html


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "cannot be in the future"), (31, "before this stay")],
    ids=["future", "before the stay"],
)
def test_a_day_outside_the_stay_is_a_field_error(client, counselor, in_care, days, message):
    client.force_login(counselor)
    day = timezone.localdate() - datetime.timedelta(days=days)

    response = client.post(url(in_care, "gad7"), posted(gad7(3)) | {"administered_on": day.isoformat()})

    assert message in response.context["form"].errors["administered_on"][0]
    assert not MeasureResponse.objects.exists()


def test_a_patient_not_in_care_gets_a_message_and_nothing_is_saved(client, counselor):
    patient = PatientFactory(primary_counselor=counselor)
    client.force_login(counselor)

    response = client.post(f"/patients/{patient.pk}/measures/new/?instrument=phq9", posted(phq9(3)))

    assert "not in care" in response.content.decode()
    assert not MeasureResponse.objects.exists()


def test_an_unknown_instrument_is_not_found(client, counselor, in_care):
    client.force_login(counselor)

    assert client.get(url(in_care, "audit-c")).status_code == 404
    assert client.get(f"/patients/{in_care.patient_id}/measures/new/").status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_front_desk_and_administrators_are_not_found(client, front_desk, administrator, in_care, method):
    for user in (front_desk, administrator):
        client.force_login(user)
        assert getattr(client, method)(url(in_care), posted(phq9(3))).status_code == 404
    assert not MeasureResponse.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_counselor_outside_the_caseload_is_not_found(client, other_counselor, in_care, method):
    client.force_login(other_counselor)

    assert getattr(client, method)(url(in_care), posted(phq9(3))).status_code == 404
    assert not MeasureResponse.objects.exists()


def test_a_supervisor_records_for_any_patient(client, supervisor, in_care):
    client.force_login(supervisor)

    client.post(url(in_care, "gad7"), posted(gad7(15)))

    assert MeasureResponse.objects.get().entered_by == supervisor


def test_the_forms_page_is_audited(client, counselor, in_care):
    from clinic.models import AuditAction, AuditEvent

    client.force_login(counselor)
    client.get(url(in_care))

    assert AuditEvent.objects.filter(action=AuditAction.PATIENT_VIEW, patient_id=in_care.patient_id).exists()
