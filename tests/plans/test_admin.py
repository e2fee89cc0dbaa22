"""The plans in the admin: read-only, for clinicians only, scoped to the user's patients, audited, bounded."""

import pytest

from clinic.models import AuditAction, AuditEvent
from plans.models import TreatmentPlan
from plans.services import plan_sign
from tests.factories import EnrollmentFactory
from tests.helpers import queries_for_page
from tests.plans.conftest import AGREED, write_plan

LIST = "/admin/plans/treatmentplan/"


def change(plan):
    return f"{LIST}{plan.pk}/change/"


def more_plans(count, author):
    for _ in range(count):
        enrollment = EnrollmentFactory(
            counselor=author, patient__primary_counselor=author, patient__asam_d4_readiness=3
        )
        plan_sign(acting_user=author, plan=write_plan(author, enrollment), **AGREED)


def test_a_supervisor_reads_a_plan_and_the_view_is_audited(client, supervisor, signed):
    client.force_login(supervisor)
    response = client.get(change(signed))

    assert response.status_code == 200
    assert b"Problem in dimension 3" in response.content
    assert b'name="_save"' not in response.content  # read-only
    assert AuditEvent.objects.filter(action=AuditAction.ADMIN_VIEW, patient_id=signed.enrollment.patient_id).exists()
    assert client.get(LIST).status_code == 200
    listed = AuditEvent.objects.filter(action=AuditAction.ADMIN_LIST).latest("id")
    assert signed.enrollment.patient_id in set(listed.patients.values_list("patient_id", flat=True))


def test_a_counselor_sees_only_their_caseloads_plans(client, counselor, other_counselor, signed):
    client.force_login(other_counselor)
    assert client.get(change(signed)).status_code == 404
    assert signed.enrollment.patient.legal_last_name.encode() not in client.get(LIST).content
    client.force_login(counselor)
    assert client.get(change(signed)).status_code == 200


@pytest.mark.parametrize("role", ["front_desk", "administrator"])
def test_front_desk_and_administrators_see_no_plans(client, request, role, signed):
    client.force_login(request.getfixturevalue(role))
    assert client.get(LIST).status_code == 403
    assert client.get(change(signed)).status_code == 403


def test_no_one_changes_or_deletes_a_plan_in_the_admin(client, supervisor, signed):
    client.force_login(supervisor)
    client.post(change(signed), {"agreement_method": "verbal"})
    assert client.post(f"{LIST}{signed.pk}/delete/", {"post": "yes"}).status_code == 403
    assert TreatmentPlan.objects.get().agreement_method == "paper"


def test_the_list_and_a_plan_take_the_same_queries_at_two_sizes(client, supervisor, counselor, signed):
    client.force_login(supervisor)
    small = queries_for_page(client, LIST), queries_for_page(client, change(signed))
    more_plans(4, counselor)
    assert (queries_for_page(client, LIST), queries_for_page(client, change(signed))) == small
