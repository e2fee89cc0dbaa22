import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from clinic.audit import audit_record
from clinic.models import AuditEvent, AuditEventPatient
from tests.factories import PASSWORD, PatientFactory, UserFactory
from tests.helpers import audit_csv_export, queries_for_page

pytestmark = pytest.mark.django_db


def test_an_audit_row_cannot_be_changed_or_deleted_through_the_models(counselor):
    event = audit_record(actor=counselor, action="patient.view", patient_id=7)

    event.action = "patient.edited"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().action == "patient.view"


@pytest.mark.postgres
def test_postgresql_refuses_to_change_audit_rows_even_in_raw_sql(counselor):
    event = audit_record(actor=counselor, action="patient.view", patient_id=7)

    for sql in ("UPDATE clinic_auditevent SET action = 'x'", "DELETE FROM clinic_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == "patient.view"


def test_the_admin_shows_the_trail_read_only(client, administrator):
    event = audit_record(actor=administrator, action="patient.view", patient_id=7)
    client.force_login(administrator)

    assert client.get("/admin/clinic/auditevent/").status_code == 200
    assert client.get("/admin/clinic/auditevent/add/").status_code == 403
    client.post(f"/admin/clinic/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_an_administrator_filters_the_trail_and_exports_it_as_csv(client, administrator, counselor):
    audit_record(actor=counselor, action="patient.view", patient_id=7)
    audit_record(actor=counselor, action="patient.view", patient_id=8)
    client.force_login(administrator)

    filtered = client.get("/admin/clinic/auditevent/?q=7").content.decode()
    exported = audit_csv_export(client)

    assert "patient.view" in filtered
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0][:3] == ["time (UTC)", "user", "action"]
    assert sorted(r[3] for r in rows[1:]) == ["7", "8"]
    assert AuditEvent.objects.filter(action="audit.export", actor=administrator).exists()


def test_a_list_event_names_its_patients_in_one_query_and_they_cannot_be_changed(counselor, django_assert_num_queries):
    # PostgreSQL: one statement; elsewhere: savepoint, the event, its patients, release
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 4):
        event = audit_record(actor=counselor, action="patient.list", patient_ids=[9, 7, 8, 7])

    assert event.pk and not event._state.adding and event.at is not None
    assert AuditEvent.objects.get(pk=event.pk).detail == {} and event.actor == counselor

    assert list(event.patients.order_by("patient_id").values_list("patient_id", flat=True)) == [7, 8, 9]
    assert set(AuditEvent.objects.about_patient(8)) == {event}
    row = event.patients.first()
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        AuditEventPatient.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEventPatient.objects.update(patient_id=1)


@pytest.mark.postgres
def test_postgresql_refuses_to_change_the_patients_of_a_list_event(counselor):
    audit_record(actor=counselor, action="patient.list", patient_ids=[7, 8])

    for sql in ("UPDATE clinic_auditeventpatient SET patient_id = 1", "DELETE FROM clinic_auditeventpatient"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert sorted(AuditEvent.objects.get().patients.values_list("patient_id", flat=True)) == [7, 8]


def test_the_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(client, administrator):
    names = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tlead", "\rlead", "plain-name"]
    for name in names:
        audit_record(actor=UserFactory(username=name), action="patient.view", patient_id=7)
    client.force_login(administrator)

    exported = audit_csv_export(client)

    users = {row[1] for row in csv.reader(io.StringIO(exported, newline=""))}
    assert users >= {'\'=HYPERLINK("http://x")', "'+1+1", "'-2+3", "'@SUM(A1)", "'\tlead", "'\rlead", "plain-name"}
    assert not any(user.startswith(("=", "+", "-", "@", "\t", "\r")) for user in users)


@pytest.mark.parametrize(
    ("proxies", "header", "meta", "recorded"),
    [
        (0, "X-Forwarded-For", {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}, "10.0.0.2"),  # no proxy: header ignored
        (1, "X-Forwarded-For", {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}, "203.0.113.7"),  # forged left
        (2, "X-Forwarded-For", {"HTTP_X_FORWARDED_FOR": "6.6.6.6,203.0.113.7, 10.0.0.1"}, "203.0.113.7"),
        (1, "X-Forwarded-For", {}, "10.0.0.2"),  # did not come through the proxy
        (2, "X-Forwarded-For", {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}, "10.0.0.2"),  # through one proxy of two
        (1, "X-Forwarded-For", {"HTTP_X_FORWARDED_FOR": "unknown"}, "10.0.0.2"),
        (1, "X-Real-IP", {"HTTP_X_REAL_IP": "2001:db8::7", "HTTP_X_FORWARDED_FOR": "6.6.6.6"}, "2001:db8::7"),
    ],
)
def test_the_client_address_comes_from_the_trusted_proxies_header(
    client, settings, counselor, proxies, header, meta, recorded
):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_HEADER = proxies, header
    patient = PatientFactory(primary_counselor=counselor)
    client.force_login(counselor)

    assert client.get(f"/patients/{patient.pk}/", REMOTE_ADDR="10.0.0.2", **meta).status_code == 200

    assert AuditEvent.objects.get(action="patient.view").ip_address == recorded


def test_behind_a_proxy_one_address_failing_to_sign_in_does_not_lock_out_another(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="jordan", role="counselor")

    def sign_in(address, password):
        return client.post(
            "/login/",
            {"username": "jordan", "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=address,
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("198.51.100.9", "guess")

    assert sign_in("198.51.100.9", PASSWORD).status_code == 429
    assert sign_in("203.0.113.7", PASSWORD).status_code == 302


def test_the_trail_runs_the_same_queries_for_2_and_40_list_events(client, administrator, counselor):
    client.force_login(administrator)
    for n in range(2):
        audit_record(actor=counselor, action="patient.list", patient_ids=[7, 8 + n])
    with_two = queries_for_page(client, "/admin/clinic/auditevent/?q=7")
    for n in range(38):
        audit_record(actor=counselor, action="patient.list", patient_ids=[7, 20 + n])

    assert queries_for_page(client, "/admin/clinic/auditevent/?q=7") == with_two
    assert "7 57" in client.get("/admin/clinic/auditevent/?q=57").content.decode()


def test_the_export_streams_in_chunks_with_the_same_queries_for_2_and_40_events(client, administrator, counselor):
    client.force_login(administrator)

    def export_queries(events):
        for n in range(events):
            audit_record(actor=counselor, action="patient.list", patient_ids=[7, 8 + n])
        with CaptureQueriesContext(connection) as queries:
            exported = audit_csv_export(client)  # the file is read here, as it streams
        return len(queries), exported

    with_two, _ = export_queries(2)
    with_forty, exported = export_queries(38)

    assert with_forty == with_two
    rows = list(csv.reader(io.StringIO(exported)))[1:]
    assert [row[2] for row in rows].count("patient.list") == 40
    assert [row[2] for row in rows].count("audit.export") == 1  # the earlier export; not this one
    assert AuditEvent.objects.filter(action="audit.export").count() == 2
