"""The audit trail: who did what to which patient's record, when and from where."""

from contextvars import ContextVar

from django.db import models

from clinic.models import AuditEvent

_client_ip: ContextVar[str | None] = ContextVar("audit_client_ip", default=None)


class AuditContextMiddleware:
    """Remembers the client's address for the audit rows written while serving a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)


def audit_record(
    *, actor, action: str, patient_id: int | None = None, target: models.Model | None = None, **detail
) -> AuditEvent:
    """Append one audit row. `detail` holds ids and codes, never names or contact details."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        patient_id=patient_id,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        ip_address=_client_ip.get(),
        detail=detail,
    )


def audit_record_many(*, actor, action: str, patient_ids, target: models.Model | None = None, **detail) -> None:
    """One row per patient, for a page that shows several patients' records at once (an attendance sheet)."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor if actor is not None and actor.is_authenticated else None, action=action, patient_id=pid,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "", ip_address=_client_ip.get(), detail=detail,
        )
        for pid in patient_ids
    )  # fmt: skip
