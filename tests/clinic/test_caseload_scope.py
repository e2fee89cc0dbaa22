"""No way around the caseload scope: every service checks the patient against the acting user's scope, whatever id
a form posted, and refuses before it writes anything."""

import pytest
from django.utils import timezone

from clinic.errors import OutOfScopeError
from clinic.models import AuditEvent
from clinic.policy import patient_visible_to
from patients.services import patient_give_reminder_consent, patient_revoke_reminder_consent, patient_update
from programs.models import Enrollment
from programs.services import enrollment_admit, enrollment_discharge, enrollment_transition
from sessions.models import AbsenceReview, GroupMembership, TherapySession
from sessions.services.attendance import absence_review_resolve
from sessions.services.common import SessionError
from sessions.services.groups import membership_add, membership_end
from tests.factories import (
    EnrollmentFactory,
    MembershipFactory,
    PatientFactory,
    ProgramFactory,
    TherapyGroupFactory,
    book_counseling,
)
from tests.helpers import MEMBERSHIP_ADD, SESSION_ADD, booking_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger():
    """A patient in care with somebody else: not in the counselor's caseload, not in their groups."""
    return EnrollmentFactory(patient__consenting=True)


# Each service an attacker could reach with a patient id, called directly as the counselor.
ATTACKS = {
    "membership_add to their own group": lambda c, e: membership_add(
        acting_user=c, group=TherapyGroupFactory(facilitator=c, program=e.program), patient=e.patient
    ),
    "counseling_book": lambda c, e: book_counseling(acting_user=c, patient=e.patient),
    "enrollment_admit": lambda c, e: enrollment_admit(acting_user=c, patient=PatientFactory(), program=e.program),
    "enrollment_transition": lambda c, e: enrollment_transition(
        acting_user=c, enrollment=e, to_program=ProgramFactory(), reason="Step down"
    ),
    "enrollment_discharge": lambda c, e: enrollment_discharge(acting_user=c, enrollment=e, reason=2),
    "patient_give_reminder_consent": lambda c, e: patient_give_reminder_consent(acting_user=c, patient=e.patient),
    "patient_revoke_reminder_consent": lambda c, e: patient_revoke_reminder_consent(acting_user=c, patient=e.patient),
    "patient_update": lambda c, e: patient_update(acting_user=c, patient=e.patient, primary_counselor=c),
    "absence_review_resolve": lambda c, e: absence_review_resolve(
        acting_user=c, review=AbsenceReview.objects.create(enrollment=e, unexcused_absences=3), outcome="Called."
    ),
}


def state():
    return (
        list(Enrollment.objects.order_by("pk").values_list("pk", "status", "counselor_id")),
        list(GroupMembership.objects.values_list("pk", "left_on")),
        TherapySession.objects.count(),
        list(AbsenceReview.objects.values_list("pk", "resolved_at")),
        AuditEvent.objects.exclude(action="patient.view").count(),
    )


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_counselor_calling_a_service_for_a_patient_outside_their_caseload_is_refused(counselor, stranger, attack):
    consent = stranger.patient.reminder_consent_given_at
    before = state()

    with pytest.raises(OutOfScopeError, match="not in your caseload or your groups"):
        attack(counselor, stranger)

    stranger.patient.refresh_from_db()
    assert (stranger.patient.primary_counselor_id, stranger.patient.reminder_consent_given_at) == (None, consent)
    assert stranger.patient.reminder_consent_revoked_at is None
    assert AbsenceReview.objects.filter(resolved_at__isnull=False).count() == 0
    assert state()[:3] + state()[4:] == before[:3] + before[4:]
    assert not patient_visible_to(counselor, stranger.patient)


def test_a_supervisor_and_front_desk_act_on_any_patient(supervisor, front_desk, counselor, stranger):
    membership_add(
        acting_user=supervisor, group=TherapyGroupFactory(program=stranger.program), patient=stranger.patient
    )
    [session] = book_counseling(acting_user=front_desk, patient=stranger.patient, counselor=counselor)
    patient_revoke_reminder_consent(acting_user=front_desk, patient=stranger.patient)

    assert session.patient == stranger.patient
    assert GroupMembership.objects.filter(patient=stranger.patient, added_by=supervisor).exists()


def test_the_patients_own_opt_out_link_still_revokes_consent(stranger):
    patient_revoke_reminder_consent(acting_user=None, patient=stranger.patient, via="opt-out link")

    stranger.patient.refresh_from_db()
    assert not stranger.patient.has_reminder_consent


def test_a_counselor_manages_only_the_rosters_of_their_own_groups(counselor):
    mine = EnrollmentFactory(counselor=counselor)
    colleagues_group = TherapyGroupFactory(program=mine.program, title="Evening Group")
    colleagues_member = MembershipFactory(group=colleagues_group, enrollment__counselor=counselor)

    with pytest.raises(OutOfScopeError, match="or a clinical supervisor manages the roster of Evening Group"):
        membership_add(acting_user=counselor, group=colleagues_group, patient=mine.patient)
    with pytest.raises(OutOfScopeError, match="manages the roster of Evening Group"):
        membership_end(acting_user=counselor, membership=colleagues_member)

    assert list(GroupMembership.objects.values_list("pk", "left_on")) == [(colleagues_member.pk, None)]
    own_group = TherapyGroupFactory(program=mine.program, facilitator=counselor)
    assert membership_add(acting_user=counselor, group=own_group, patient=mine.patient).group == own_group


@pytest.mark.parametrize("role", ["front_desk", "administrator"])
def test_rosters_are_kept_by_clinicians_only(role, request, stranger):
    user = request.getfixturevalue(role)

    with pytest.raises(SessionError, match="Only counselors and clinical supervisors can manage group rosters"):
        membership_add(acting_user=user, group=TherapyGroupFactory(program=stranger.program), patient=stranger.patient)

    assert not GroupMembership.objects.exists()


def errors_of(response) -> str:
    return " ".join(str(e) for e in response.context["adminform"].form.errors.values())


def test_posting_a_strangers_id_to_the_roster_admin_saves_nothing_and_the_chart_stays_hidden(
    client, counselor, stranger
):
    group = TherapyGroupFactory(facilitator=counselor, program=stranger.program)
    client.force_login(counselor)

    response = client.post(
        MEMBERSHIP_ADD,
        {"group": group.pk, "patient": stranger.patient.pk, "joined_on": timezone.localdate().isoformat()},
    )

    assert response.status_code == 200
    # The service's message, or the form's own refusal if the choices are scoped too.
    assert "not in your caseload or your groups" in errors_of(response) or "valid choice" in errors_of(response)
    assert not GroupMembership.objects.exists()
    assert client.get(f"/patients/{stranger.patient_id}/").status_code == 404


def test_posting_a_colleagues_group_to_the_roster_admin_saves_nothing(client, counselor):
    mine = EnrollmentFactory(counselor=counselor)
    group = TherapyGroupFactory(program=mine.program)
    client.force_login(counselor)

    response = client.post(
        MEMBERSHIP_ADD, {"group": group.pk, "patient": mine.patient.pk, "joined_on": timezone.localdate().isoformat()}
    )

    assert response.status_code == 200
    assert "manages the roster" in errors_of(response) or "valid choice" in errors_of(response)
    assert not GroupMembership.objects.exists()


def test_posting_a_strangers_id_to_the_booking_admin_books_nothing_and_the_chart_stays_hidden(
    client, counselor, stranger
):
    client.force_login(counselor)

    response = client.post(SESSION_ADD, booking_form(stranger.patient, counselor))

    assert response.status_code == 200
    assert errors_of(response)
    assert not TherapySession.objects.exists()
    assert client.get(f"/patients/{stranger.patient_id}/").status_code == 404
