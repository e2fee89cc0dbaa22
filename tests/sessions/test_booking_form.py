import datetime
import inspect

import pytest
from django.contrib.admin.widgets import AdminDateWidget, AdminTimeWidget

from patients.models import Patient
from sessions.forms import BookingForm
from sessions.services.counseling import counseling_book
from tests.factories import EnrollmentFactory, UserFactory
from tests.helpers import booking_form

pytestmark = pytest.mark.django_db


def test_on_a_chart_the_form_has_no_patient_field_and_gives_the_service_its_arguments(counselor):
    form = BookingForm(booking_form(None, counselor, kind="family"))

    assert list(form.fields)[:3] == ["kind", "counselor", "day"]
    assert form.is_valid(), form.errors
    # Not the clock, nor the confirmation of a time that has passed (the chart's form offers it once it has warned).
    booking = set(inspect.signature(counseling_book).parameters) - {"acting_user", "patient", "now", "past_confirmed"}
    assert set(form.cleaned_data) == booking
    assert form.cleaned_data["at"] == datetime.time(10) and form.cleaned_data["kind"] == "family"


def test_given_patients_the_form_chooses_among_them_only(counselor):
    mine, other = EnrollmentFactory().patient, EnrollmentFactory().patient
    patients = Patient.objects.filter(pk=mine.pk)

    chosen = BookingForm(booking_form(mine, counselor, kind="family"), patients=patients)
    refused = BookingForm(booking_form(other, counselor, kind="family"), patients=patients)

    assert chosen.is_valid() and chosen.cleaned_data["patient"] == mine
    assert not refused.is_valid() and "patient" in refused.errors


def test_sessions_are_booked_with_active_counselors_and_supervisors_only(counselor, supervisor, front_desk):
    gone = UserFactory(role="counselor", is_active=False)

    offered = set(BookingForm().fields["counselor"].queryset)

    assert offered == {counselor, supervisor} and front_desk not in offered and gone not in offered


def test_the_chart_and_the_admin_book_with_the_same_form(client, supervisor):
    patient = EnrollmentFactory().patient
    client.force_login(supervisor)

    chart = client.get(f"/patients/{patient.pk}/book/").context["form"]
    admin = client.get("/admin/clinic_sessions/therapysession/add/").context["adminform"].form

    assert isinstance(chart, BookingForm) and isinstance(admin, BookingForm)
    assert "patient" not in chart.fields and list(admin.fields["patient"].queryset) == [patient]
    assert chart.fields["day"].widget.input_type == "date"  # the browser's own date picker on the staff page
    assert isinstance(admin.fields["day"].widget, AdminDateWidget)  # the admin's calendar
    assert isinstance(admin.fields["at"].widget, AdminTimeWidget)
