import pytest
from django.db import DatabaseError, connection, transaction

from clinic.audit import audit_record
from clinic.models import AuditEvent

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
    import csv
    import io

    audit_record(actor=counselor, action="patient.view", patient_id=7)
    audit_record(actor=counselor, action="patient.view", patient_id=8)
    client.force_login(administrator)

    filtered = client.get("/admin/clinic/auditevent/?q=7").content.decode()
    response = client.post("/admin/clinic/auditevent/", {
        "action": "export_csv", "select_across": "1", "index": "0",
        "_selected_action": list(AuditEvent.objects.values_list("pk", flat=True)),
    })  # fmt: skip

    assert "patient.view" in filtered
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv"
    assert rows[0][:3] == ["time (UTC)", "user", "action"]
    assert sorted(r[3] for r in rows[1:]) == ["7", "8"]
    assert AuditEvent.objects.filter(action="audit.export", actor=administrator).exists()
