"""The audit trail: who did what to which patient's record, when and from where."""

import ipaddress
from collections.abc import Iterable
from contextvars import ContextVar

from django.conf import settings
from django.db import connection, models, transaction

from clinic.models import AuditAction, AuditEvent, AuditEventPatient

_client_ip: ContextVar[str | None] = ContextVar("audit_client_ip", default=None)


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies that each append the address they were reached from
    to TRUSTED_PROXY_HEADER (X-Forwarded-For), the client is that many entries from the right: entries further
    left were written by the client itself and prove nothing. A request that did not come through the proxies
    (the header has too few entries) is recorded with the address it came from."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    header = "HTTP_" + settings.TRUSTED_PROXY_HEADER.upper().replace("-", "_")
    entries = [entry for entry in request.META.get(header, "").split(",") if entry.strip()]
    if len(entries) < count:
        return remote
    return _valid_ip(entries[-count]) or remote


class AuditContextMiddleware:
    """Remembers the client's address for the audit rows written while serving a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)


def audit_record(
    *,
    actor,
    action: AuditAction,
    patient_id: int | None = None,
    patient_ids: Iterable[int] = (),
    target: models.Model | None = None,
    **detail,
) -> AuditEvent:
    """Append one audit row. `patient_ids` names the patients a page showed (a list, a roster): they are stored one
    row each beside the event, in one query, so the trail of any of them finds the page. `detail` holds ids and
    codes, never names or contact details. An action that is not an AuditAction raises ValueError."""
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=AuditAction(action),
        patient_id=patient_id,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        ip_address=_client_ip.get(),
        detail=detail,
    )
    shown = sorted({int(pid) for pid in patient_ids if pid is not None})
    if not shown:
        event.save()
    elif connection.vendor == "postgresql":
        _insert_with_patients(event, shown)
    else:
        with transaction.atomic():
            event.save()
            AuditEventPatient.objects.bulk_create(AuditEventPatient(event=event, patient_id=pid) for pid in shown)
    return event


def _insert_with_patients(event: AuditEvent, patient_ids: list[int]) -> None:
    """The event and its patients' rows in one statement (an INSERT feeding another), atomic by itself: every page
    that shows patients writes one, so it saves the second query and the transaction's round trips."""
    if event.pk is not None or not event._state.adding:
        raise PermissionError("Audit events are append-only and cannot be updated.")
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(event, add=True), connection) for f in fields]
    quote = connection.ops.quote_name  # identifiers from the models' metadata; every value is a parameter
    events, shown = quote(AuditEvent._meta.db_table), quote(AuditEventPatient._meta.db_table)
    columns, slots = ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    sql = f"WITH e AS (INSERT INTO {events} ({columns}) VALUES ({slots}) RETURNING id) INSERT INTO {shown} "  # noqa: S608
    sql += "(event_id, patient_id) SELECT e.id, p FROM e, UNNEST(%s::bigint[]) AS p RETURNING event_id"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, patient_ids])
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias


def audit_record_many(*, actor, action: AuditAction, patient_ids, target: models.Model | None = None, **detail) -> None:
    """One row per patient, for a page that shows several patients' records at once (an attendance sheet)."""
    action = AuditAction(action)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor if actor is not None and actor.is_authenticated else None,
            action=action,
            patient_id=pid,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            ip_address=_client_ip.get(),
            detail=detail,
        )
        for pid in patient_ids
    )
