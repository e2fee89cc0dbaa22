"""Rosters kept in the staff app: the groups list, a group's page with its history, and adding or ending a
membership from the group's page or the patient's chart, for the people the policy allows and nobody else."""

import datetime

import pytest
from django.utils import timezone

from clinic.models import AuditEvent
from programs.services import enrollment_transition
from sessions.models import GroupMembership
from tests.factories import (
    EnrollmentFactory,
    GroupSessionFactory,
    MembershipFactory,
    ProgramFactory,
    TherapyGroupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(counselor):
    return TherapyGroupFactory(facilitator=counselor, title="Relapse Prevention AM", capacity=3)


@pytest.fixture
def candidate(group, counselor):
    """Dana Whitfield, of the counselor's caseload, actively enrolled in the group's program, not on its roster."""
    return EnrollmentFactory(
        program=group.program,
        counselor=counselor,
        patient__primary_counselor=counselor,
        patient__legal_last_name="Whitfield",
        patient__legal_first_name="Dana",
    ).patient


def label(patient):
    return f"{patient.legal_last_name}, {patient.display_first_name} (MRN {patient.mrn})"


def add(client, group, text, joined_on=None):
    joined_on = joined_on or timezone.localdate()
    return client.post(f"/groups/{group.pk}/members/", {"patient": text, "joined_on": joined_on.isoformat()})


def today_iso():
    return timezone.localdate().isoformat()


# --- Seeing groups -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["counselor", "supervisor", "front_desk", "administrator"])
def test_every_role_finds_the_groups_in_the_navigation_and_sees_their_seats(client, users, role, group):
    MembershipFactory(group=group)
    client.force_login(users[role])

    page = client.get("/groups/").content.decode()

    assert 'href="/groups/"' in client.get("/").content.decode()
    assert f'href="/groups/{group.pk}/"' in page
    assert "Relapse Prevention AM" in page and "2 of 3" in page
    assert "Mon, Wed, Thu 9:30 AM" in page


def test_the_groups_list_narrows_to_a_program_or_to_ones_own_groups(client, counselor, group):
    other = TherapyGroupFactory(title="Family Skills")
    client.force_login(counselor)

    assert "Family Skills" not in client.get("/groups/?mine=1").content.decode()
    assert "Family Skills" not in client.get(f"/groups/?program={group.program_id}").content.decode()
    assert "Relapse Prevention AM" not in client.get(f"/groups/?program={other.program_id}").content.decode()
    assert client.get("/groups/?program=x&page=-3&mine=z").status_code == 200


def test_the_group_page_shows_the_roster_with_joined_dates_the_history_and_the_next_sessions(client, counselor, group):
    today = timezone.localdate()
    current = MembershipFactory(group=group, enrollment__patient__legal_last_name="Okafor", joined_on=today)
    left = MembershipFactory(
        group=group,
        enrollment__patient__legal_last_name="Lindqvist",
        joined_on=today - datetime.timedelta(days=10),
        left_on=today - datetime.timedelta(days=3),
    )
    # Re-joining adds a row: both memberships are listed.
    MembershipFactory(group=group, enrollment=left.enrollment, joined_on=today - datetime.timedelta(days=1))
    soon = GroupSessionFactory(group=group, starts_at=timezone.now() + datetime.timedelta(days=1))
    client.force_login(counselor)

    page = client.get(f"/groups/{group.pk}/").content.decode()

    roster, past = page.split('id="roster"')[1].split('id="past"')
    assert "Okafor" in roster and "Lindqvist" in roster
    assert f'href="/patients/{current.patient_id}/"' in roster
    assert "Lindqvist" in past and f"{left.left_on:%b} {left.left_on.day}, {left.left_on.year}" in past
    assert "1 left" in page  # 2 of 3 seats taken
    assert f'href="/sessions/{soon.pk}/"' in page


def test_a_membership_whose_enrollment_ended_is_history_not_roster(client, supervisor, group):
    ended = MembershipFactory(group=group, enrollment__patient__legal_last_name="Okafor")
    ended.enrollment.status, ended.enrollment.discharged_on = "completed", timezone.localdate()
    ended.enrollment.save()
    client.force_login(supervisor)

    page = client.get(f"/groups/{group.pk}/").content.decode()

    assert "Okafor" in page.split('id="past"')[1]
    assert "Okafor" not in page.split('id="roster"')[1].split('id="past"')[0]


def test_a_counselor_sees_the_names_of_another_counselors_group_only_within_their_caseload(
    client, counselor, other_counselor
):
    theirs = TherapyGroupFactory(facilitator=other_counselor)
    mine = MembershipFactory(group=theirs, enrollment__counselor=counselor, enrollment__patient__legal_last_name="Mine")
    MembershipFactory(group=theirs, enrollment__patient__legal_last_name="Theirs")
    client.force_login(counselor)

    page = client.get(f"/groups/{theirs.pk}/").content.decode()

    assert "Mine" in page and "Theirs" not in page and "A patient outside your caseload" in page
    assert "Add a patient" not in page and "End<" not in page
    event = AuditEvent.objects.get(action="group.view")
    assert set(event.patients.values_list("patient_id", flat=True)) == {mine.patient_id}


def test_the_group_page_is_audited_with_the_patients_it_names(client, supervisor, group):
    members = MembershipFactory.create_batch(2, group=group)
    client.force_login(supervisor)

    client.get(f"/groups/{group.pk}/")

    event = AuditEvent.objects.get(action="group.view")
    assert (event.actor, event.object_id) == (supervisor, str(group.pk))
    assert set(event.patients.values_list("patient_id", flat=True)) == {m.patient_id for m in members}


def test_an_unknown_group_is_not_found(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/groups/999999/").status_code == 404


# --- Adding from the group's page ----------------------------------------------------------------------------------


def test_the_facilitator_adds_a_patient_of_the_program_picked_from_the_suggestions(client, counselor, group, candidate):
    client.force_login(counselor)

    suggestions = client.post(f"/groups/{group.pk}/candidates/", {"q": "whit"}).json()["results"]
    response = add(client, group, suggestions[0]["label"])

    assert suggestions == [{"label": label(candidate)}]
    assert response.status_code == 302 and response.url == f"/groups/{group.pk}/"
    membership = GroupMembership.objects.get(group=group, patient=candidate)
    assert (membership.joined_on, membership.left_on, membership.added_by) == (timezone.localdate(), None, counselor)
    assert AuditEvent.objects.filter(action="membership.add", patient_id=candidate.pk).count() == 1
    assert "Whitfield" in client.get(f"/groups/{group.pk}/").content.decode().split('id="past"')[0]


def test_the_suggestions_are_posted_audited_and_only_of_patients_the_user_may_add(
    client, counselor, other_counselor, group, candidate
):
    EnrollmentFactory(program=group.program, counselor=other_counselor, patient__legal_last_name="Whitaker")
    EnrollmentFactory(counselor=counselor, patient__legal_last_name="Whitney")  # another program
    MembershipFactory(group=group, enrollment__counselor=counselor, enrollment__patient__legal_last_name="Whitby")
    client.force_login(counselor)

    assert client.get(f"/groups/{group.pk}/candidates/?q=whit").status_code == 405
    found = client.post(f"/groups/{group.pk}/candidates/", {"q": "whit"}).json()["results"]

    assert found == [{"label": label(candidate)}]
    event = AuditEvent.objects.get(action="patient.list")
    assert set(event.patients.values_list("patient_id", flat=True)) == {candidate.pk}


def test_without_script_a_typed_name_or_mrn_finds_the_one_candidate(client, counselor, group, candidate):
    client.force_login(counselor)

    assert add(client, group, candidate.mrn).status_code == 302
    GroupMembership.objects.all().delete()
    assert add(client, group, "dana whit").status_code == 302
    assert GroupMembership.objects.filter(patient=candidate).count() == 1


def test_an_ambiguous_or_unknown_name_is_a_field_error_and_nothing_is_added(client, counselor, group, candidate):
    EnrollmentFactory(program=group.program, counselor=counselor, patient__legal_last_name="Whitfield")
    client.force_login(counselor)

    ambiguous = add(client, group, "Whitfield").content.decode()
    unknown = add(client, group, "Nobody").content.decode()

    assert "2 patients match" in ambiguous and 'value="Whitfield"' in ambiguous
    assert "No patient of the group" in unknown
    assert not GroupMembership.objects.exists()


def test_a_full_group_is_a_message_and_shows_no_form(client, supervisor, group, candidate):
    MembershipFactory.create_batch(3, group=group)
    client.force_login(supervisor)

    page = add(client, group, label(candidate)).content.decode()

    assert "is full: all 3 places are taken" in page
    assert 'id="add-member"' not in page
    assert not GroupMembership.objects.filter(patient=candidate).exists()


def test_a_joining_date_before_the_admission_is_a_message(client, counselor, group, candidate):
    client.force_login(counselor)

    page = add(client, group, label(candidate), joined_on=timezone.localdate() - datetime.timedelta(days=400))

    assert "before the patient&#x27;s admission" in page.content.decode()
    assert not GroupMembership.objects.exists()


# --- Ending from the group's page -----------------------------------------------------------------------------------


def test_the_facilitator_ends_a_membership_and_it_stays_as_history(client, counselor, group):
    membership = MembershipFactory(
        group=group, enrollment__counselor=counselor, enrollment__patient__legal_last_name="Okafor"
    )
    client.force_login(counselor)

    response = client.post(f"/groups/{group.pk}/members/{membership.pk}/end/", {"left_on": today_iso()}, follow=True)

    membership.refresh_from_db()
    assert membership.left_on == timezone.localdate()
    page = response.content.decode()
    assert "Okafor" in page.split('id="past"')[1] and "3 left" in page
    assert AuditEvent.objects.filter(action="membership.end", patient_id=membership.patient_id).count() == 1


@pytest.mark.parametrize(
    ("days", "message"), [(-30, "before the joining date"), (1, "not ahead of it"), (None, "Enter a valid date")]
)
def test_a_bad_leaving_date_is_a_message_and_nothing_changes(client, counselor, group, days, message):
    membership = MembershipFactory(group=group, joined_on=timezone.localdate() - datetime.timedelta(days=5))
    left_on = "soon" if days is None else (timezone.localdate() + datetime.timedelta(days=days)).isoformat()
    client.force_login(counselor)

    page = client.post(f"/groups/{group.pk}/members/{membership.pk}/end/", {"left_on": left_on}, follow=True)

    assert message in page.content.decode()
    membership.refresh_from_db()
    assert membership.left_on is None


# --- The chart ------------------------------------------------------------------------------------------------------


def test_the_chart_lists_current_and_past_groups_and_adds_to_a_group_of_the_program(
    client, counselor, group, candidate
):
    old = MembershipFactory(
        group=TherapyGroupFactory(program=group.program, facilitator=counselor, title="Orientation"),
        enrollment=candidate.enrollments.get(),
        left_on=timezone.localdate(),
    )
    client.force_login(counselor)

    chart = client.get(f"/patients/{candidate.pk}/").content.decode()
    response = client.post(f"/patients/{candidate.pk}/groups/add/", {"group": group.pk, "joined_on": today_iso()})

    section = chart.split('id="groups"')[1]
    assert "Orientation" in section and f"{old.left_on:%b} {old.left_on.day}" in section
    assert f'<option value="{group.pk}">Relapse Prevention AM' in section
    assert response.status_code == 302 and response.url == f"/patients/{candidate.pk}/#groups"
    assert GroupMembership.objects.get(group=group, patient=candidate, left_on=None)
    after = client.get(f"/patients/{candidate.pk}/").content.decode().split('id="groups"')[1]
    assert f"/patients/{candidate.pk}/groups/" in after and "current" in after


def test_after_a_step_down_the_chart_offers_the_new_programs_groups(client, supervisor, counselor, group, candidate):
    MembershipFactory(group=group, enrollment=candidate.enrollments.get())
    aftercare = ProgramFactory(name="Aftercare", level_of_care="1.0")
    new_group = TherapyGroupFactory(program=aftercare, facilitator=counselor, title="Aftercare Evening")
    full = TherapyGroupFactory(program=aftercare, title="Aftercare Full", capacity=1)
    MembershipFactory(group=full)
    enrollment_transition(
        acting_user=supervisor, enrollment=candidate.enrollments.get(), to_program=aftercare, reason="Stable."
    )
    client.force_login(counselor)

    section = client.get(f"/patients/{candidate.pk}/").content.decode().split('id="groups"')[1]

    assert f'<option value="{new_group.pk}">' in section
    assert f'<option value="{group.pk}">' not in section and "Aftercare Full" not in section
    assert "Relapse Prevention AM" in section  # the old program's group, now history


def test_the_chart_ends_a_membership(client, counselor, group, candidate):
    membership = MembershipFactory(group=group, enrollment=candidate.enrollments.get())
    client.force_login(counselor)

    response = client.post(f"/patients/{candidate.pk}/groups/{membership.pk}/end/", {"left_on": today_iso()})

    assert response.url == f"/patients/{candidate.pk}/#groups"
    membership.refresh_from_db()
    assert membership.left_on == timezone.localdate()


@pytest.mark.parametrize(
    ("which", "message"),
    [("other_program", "Only patients actively enrolled"), ("member", "already on the roster"), ("bogus", "offered")],
)
def test_the_charts_refusals_are_messages(client, counselor, group, candidate, which, message):
    MembershipFactory(group=group, enrollment=candidate.enrollments.get())
    target = {
        "other_program": TherapyGroupFactory(facilitator=counselor).pk,
        "member": group.pk,
        "bogus": "999999",
    }[which]
    client.force_login(counselor)
    before = GroupMembership.objects.count()

    page = client.post(
        f"/patients/{candidate.pk}/groups/add/", {"group": target, "joined_on": today_iso()}, follow=True
    ).content.decode()

    assert message in page
    assert GroupMembership.objects.count() == before


def test_front_desk_sees_the_groups_on_the_chart_without_buttons(client, front_desk, group, candidate):
    MembershipFactory(group=group, enrollment=candidate.enrollments.get())
    client.force_login(front_desk)

    section = client.get(f"/patients/{candidate.pk}/").content.decode().split('id="groups"')[1]
    group_page = client.get(f"/groups/{group.pk}/").content.decode()

    assert "Relapse Prevention AM" in section and "Add to a group" not in section and "End<" not in section
    assert "Whitfield" in group_page and "Add a patient" not in group_page and "End<" not in group_page


# --- Attackers ------------------------------------------------------------------------------------------------------


def test_a_counselor_cannot_fill_or_empty_another_counselors_group(client, counselor, other_counselor, candidate):
    theirs = TherapyGroupFactory(program=candidate.enrollments.get().program, facilitator=other_counselor)
    member = MembershipFactory(group=theirs, enrollment__counselor=counselor)
    client.force_login(counselor)

    assert add(client, theirs, label(candidate)).status_code == 403
    assert client.post(f"/groups/{theirs.pk}/candidates/", {"q": ""}).status_code == 403
    assert client.post(f"/groups/{theirs.pk}/members/{member.pk}/end/", {"left_on": today_iso()}).status_code == 403
    page = client.post(
        f"/patients/{candidate.pk}/groups/add/", {"group": theirs.pk, "joined_on": today_iso()}, follow=True
    ).content.decode()
    ended = client.post(f"/patients/{member.patient_id}/groups/{member.pk}/end/", {"left_on": today_iso()}, follow=True)

    assert "manages the roster" in page and "manages the roster" in ended.content.decode()
    assert not GroupMembership.objects.filter(patient=candidate).exists()
    member.refresh_from_db()
    assert member.left_on is None


def test_a_counselor_cannot_add_a_patient_outside_their_caseload_by_mrn(client, counselor, other_counselor, group):
    stranger = EnrollmentFactory(program=group.program, counselor=other_counselor).patient
    client.force_login(counselor)

    page = add(client, group, stranger.mrn).content.decode()
    chart = client.post(f"/patients/{stranger.pk}/groups/add/", {"group": group.pk, "joined_on": today_iso()})

    assert "No patient of the group" in page and stranger.legal_last_name not in page
    assert chart.status_code == 404
    assert not GroupMembership.objects.exists()


def test_a_membership_of_another_patient_or_group_is_not_found(client, counselor, group, candidate):
    enrollment = candidate.enrollments.get()
    mine = MembershipFactory(group=group, enrollment=enrollment)
    other_patient = MembershipFactory(group=group, enrollment__counselor=counselor)
    other_group = TherapyGroupFactory(program=group.program, facilitator=counselor)
    client.force_login(counselor)

    ended = {"left_on": today_iso()}
    assert client.post(f"/patients/{candidate.pk}/groups/{other_patient.pk}/end/", ended).status_code == 404
    assert client.post(f"/groups/{other_group.pk}/members/{mine.pk}/end/", ended).status_code == 404
    assert GroupMembership.objects.filter(left_on__isnull=False).count() == 0


@pytest.mark.parametrize("role", ["front_desk", "administrator"])
def test_roles_without_clinical_work_change_no_roster(client, users, role, group, candidate):
    member = MembershipFactory(group=group)
    client.force_login(users[role])

    assert add(client, group, label(candidate)).status_code == 403
    assert client.post(f"/groups/{group.pk}/members/{member.pk}/end/", {"left_on": today_iso()}).status_code == 403
    client.post(f"/patients/{candidate.pk}/groups/add/", {"group": group.pk, "joined_on": today_iso()})

    assert GroupMembership.objects.filter(patient=candidate).count() == 0
    member.refresh_from_db()
    assert member.left_on is None


def test_signed_out_visitors_are_sent_to_sign_in(client, group):
    for url in ("/groups/", f"/groups/{group.pk}/"):
        assert client.get(url).status_code == 302
    assert client.post(f"/groups/{group.pk}/candidates/", {"q": "a"}).status_code == 302
