import pathlib
import re

import pytest

from clinic.audit import audit_record, audit_record_many
from clinic.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db
ROOT = pathlib.Path(__file__).resolve().parents[2]

# The stored values: existing rows, searches and exports rely on them, so none may change.
STORED = {
    "PATIENT_VIEW": "patient.view",
    "PATIENT_LIST": "patient.list",
    "DASHBOARD_VIEW": "dashboard.view",
    "SCHEDULE_VIEW": "schedule.view",
    "SESSION_VIEW": "session.view",
    "ATTENDANCE_VIEW": "attendance.view",
    "GROUP_VIEW": "group.view",
    "PATIENT_DUPLICATE_WARNING": "patient.duplicate_warning",
    "ADMIN_LIST": "admin.list",
    "ADMIN_VIEW": "admin.view",
    "ADMIN_HISTORY": "admin.history",
    "ADMIN_AUTOCOMPLETE": "admin.autocomplete",
    "AUDIT_EXPORT": "audit.export",
    "PATIENT_REGISTER": "patient.register",
    "PATIENT_UPDATE": "patient.update",
    "PATIENT_CONSENT_GIVEN": "patient.consent_given",
    "PATIENT_CONSENT_REVOKED": "patient.consent_revoked",
    "ENROLLMENT_ADMIT": "enrollment.admit",
    "ENROLLMENT_TRANSITION": "enrollment.transition",
    "ENROLLMENT_DISCHARGE": "enrollment.discharge",
    "GROUP_CREATE": "group.create",
    "GROUP_UPDATE": "group.update",
    "MEMBERSHIP_ADD": "membership.add",
    "MEMBERSHIP_END": "membership.end",
    "SESSION_BOOK": "session.book",
    "SESSION_CANCEL": "session.cancel",
    "ATTENDANCE_RECORD": "attendance.record",
    "ABSENCE_REVIEW_RESOLVE": "absence_review.resolve",
    "NARRATIVE_SAVE": "narrative.save",
    "NOTE_SAVE": "note.save",
    "NOTE_SIGN": "note.sign",
    "NOTE_ADDENDUM": "note.addendum",
    "MEASURE_RECORD": "measure.record",
    "SAFETY_ALERT_RAISE": "safety_alert.raise",
    "SAFETY_ALERT_FOLLOW_UP": "safety_alert.follow_up",
    "DRUG_SCREEN_RECORD": "drug_screen.record",
    "PLAN_START": "plan.start",
    "PLAN_CHANGE": "plan.change",
    "PLAN_SIGN": "plan.sign",
    "PLAN_COSIGN": "plan.cosign",
    "PLAN_REVIEW": "plan.review",
    "PLAN_CARRY_OVER": "plan.carry_over",
    "NOTE_LINK_OBJECTIVES": "note.link_objectives",
    "DEMO_SEED": "demo.seed",
}


def test_every_audit_action_keeps_its_stored_value():
    assert {action.name: action.value for action in AuditAction} == STORED


def test_the_code_names_every_audit_action_by_its_choice_never_by_a_string():
    written = set()
    for path in ROOT.glob("[a-z]*/**/*.py"):
        if path.parts[len(ROOT.parts)] == "tests" or "migrations" in path.parts:
            continue
        text = path.read_text()
        assert not re.findall(r'\baction="[a-z_]+\.[a-z_]+"', text), path
        written |= set(re.findall(r"AuditAction\.([A-Z_]+)\b", text))
    assert written == set(STORED)  # each action is written somewhere


def test_an_audit_row_stores_the_actions_value(counselor):
    audit_record(actor=counselor, action=AuditAction.PATIENT_VIEW, patient_id=7)
    audit_record_many(actor=counselor, action=AuditAction.ATTENDANCE_VIEW, patient_ids=[7, 8])

    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        "attendance.view",
        "attendance.view",
        "patient.view",
    ]


def test_an_action_that_is_no_audit_action_is_refused(counselor):
    with pytest.raises(ValueError):
        audit_record(actor=counselor, action="patient.peek", patient_id=7)
    with pytest.raises(ValueError):
        audit_record_many(actor=counselor, action="patient.peek", patient_ids=[7])

    assert not AuditEvent.objects.exists()


def test_the_trail_filters_by_the_actions_label_and_lists_their_codes(client, administrator, counselor):
    audit_record(actor=counselor, action=AuditAction.PATIENT_VIEW, patient_id=7)
    audit_record(actor=counselor, action=AuditAction.NOTE_SIGN, patient_id=8)
    client.force_login(administrator)

    everything = client.get("/admin/clinic/auditevent/").content.decode()
    signed = client.get("/admin/clinic/auditevent/?action__exact=note.sign").content.decode()

    assert "Signed a progress note" in everything and "Viewed a patient&#x27;s record" in everything
    assert '<td class="field-action_code">note.sign</td>' in signed
    assert '<td class="field-action_code">patient.view</td>' not in signed
