"""The admin, probed as each role would and as an attacker would: every changelist, change page, inline and
autocomplete answers within the user's scope, an out-of-scope patient's name and MRN never appear, clinical
content stays with clinicians, and every page that shows patients writes the audit trail."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from clinic.admin_helpers import ClinicAdminMixin
from clinic.models import AuditEvent
from patients.models import Patient
from programs.models import Transition
from sessions.models import AbsenceReview, GroupMembership, Reminder, TherapySession
from tests.factories import (
    AttendanceFactory,
    EnrollmentFactory,
    GroupSessionFactory,
    MembershipFactory,
    ProgramFactory,
    ProgressNoteFactory,
    TherapyGroupFactory,
    UserFactory,
)
from tests.helpers import queries_for_page

pytestmark = pytest.mark.django_db
ROLES = ["administrator", "supervisor", "counselor", "front_desk"]


def shown(event) -> list[int]:
    """The patients an audited list page named, as the trail stores them."""
    return sorted(event.patients.values_list("patient_id", flat=True))


def caseload(counselor, surname: str) -> SimpleNamespace:
    """One counselor's corner of the clinic: a patient (moved up from an earlier enrollment) in the counselor's
    group, with a held group session, attendance, a note, an individual session, a reminder, an absence review,
    and the counselor's own daily digest."""
    now = timezone.now()
    program = ProgramFactory()
    earlier = EnrollmentFactory(
        counselor=counselor,
        patient__legal_first_name=f"{surname}ina",
        patient__legal_last_name=surname,
        patient__primary_counselor=counselor,
        status="transferred",
        discharge_reason=4,
        admitted_on=timezone.localdate() - datetime.timedelta(days=60),
        discharged_on=timezone.localdate() - datetime.timedelta(days=20),
    )
    patient = earlier.patient
    enrollment = EnrollmentFactory(patient=patient, program=program, counselor=counselor)
    transition = Transition.objects.create(
        from_enrollment=earlier,
        to_enrollment=enrollment,
        kind="step_down",
        effective_on=enrollment.admitted_on,
        reason="Stable.",
        decided_by=counselor,
    )
    group = TherapyGroupFactory(program=program, facilitator=counselor)
    membership = MembershipFactory(group=group, enrollment=enrollment)
    session = GroupSessionFactory(group=group, status="held")
    attendance = AttendanceFactory(session=session, enrollment=enrollment)
    note = ProgressNoteFactory(attendance=attendance, author=counselor)
    individual = TherapySession.objects.create(
        kind="individual",
        program=program,
        patient=patient,
        enrollment=enrollment,
        facilitator=counselor,
        starts_at=now + datetime.timedelta(days=1),
        duration_minutes=50,
        billing_code="90834",
        location="Office 4",
    )
    reminder = Reminder.objects.create(
        kind="session_reminder", session=individual, patient=patient, due_at=now + datetime.timedelta(hours=2)
    )
    digest = Reminder.objects.create(
        kind="daily_digest", staff=counselor, for_date=timezone.localdate(), due_at=now + datetime.timedelta(hours=3)
    )
    review = AbsenceReview.objects.create(enrollment=enrollment, unexcused_absences=3)
    return SimpleNamespace(
        patient=patient,
        enrollment=enrollment,
        transition=transition,
        group=group,
        membership=membership,
        session=session,
        attendance=attendance,
        note=note,
        individual=individual,
        reminder=reminder,
        digest=digest,
        review=review,
    )


@pytest.fixture
def clinic(users, counselor, other_counselor):
    """A user of each role, the counselor's caseload ("mine") and another counselor's ("other")."""
    return SimpleNamespace(
        users=users, mine=caseload(counselor, "Mineford"), other=caseload(other_counselor, "Farrowby")
    )


S = "/admin/clinic_sessions"
# url -> expected status for: administrator, supervisor, counselor, front desk. {x} is "mine" or "other".
LISTS = {
    "/admin/patients/patient/": (200, 200, 200, 200),
    "/admin/programs/program/": (200, 200, 200, 200),
    "/admin/programs/approach/": (200, 200, 200, 403),
    "/admin/programs/enrollment/": (200, 200, 200, 200),
    "/admin/programs/transition/": (200, 200, 200, 403),
    f"{S}/therapygroup/": (200, 200, 200, 200),
    f"{S}/groupmembership/": (200, 200, 200, 200),
    f"{S}/therapysession/": (200, 200, 200, 200),
    f"{S}/attendance/": (403, 200, 200, 403),
    f"{S}/progressnote/": (403, 200, 200, 403),
    f"{S}/reminder/": (200, 200, 200, 200),
    f"{S}/absencereview/": (403, 200, 200, 403),
    "/admin/clinic/user/": (200, 403, 403, 403),
    "/admin/clinic/auditevent/": (200, 403, 403, 403),
    "/admin/": (200, 200, 200, 200),
}
MINE = {
    "/admin/patients/patient/{patient}/change/": (200, 200, 200, 200),
    "/admin/patients/patient/{patient}/history/": (200, 200, 200, 200),
    "/admin/programs/enrollment/{enrollment}/change/": (200, 200, 200, 200),
    "/admin/programs/transition/{transition}/change/": (200, 200, 200, 403),
    S + "/therapygroup/{group}/change/": (200, 200, 200, 200),
    S + "/groupmembership/{membership}/change/": (200, 200, 200, 200),
    S + "/therapysession/{session}/change/": (200, 200, 200, 200),
    S + "/therapysession/{individual}/change/": (200, 200, 200, 200),
    S + "/attendance/{attendance}/change/": (403, 200, 200, 403),
    S + "/progressnote/{note}/change/": (403, 200, 200, 403),
    S + "/reminder/{reminder}/change/": (200, 200, 200, 200),
    S + "/reminder/{digest}/change/": (200, 200, 200, 200),
    S + "/absencereview/{review}/change/": (403, 200, 200, 403),
}
# The same pages for the other counselor's objects: the counselor finds their patients' records "not found";
# the group and the sessions themselves are on everyone's schedule, without the patients.
OTHER = MINE | {
    "/admin/patients/patient/{patient}/change/": (200, 200, 404, 200),
    "/admin/patients/patient/{patient}/history/": (200, 200, 404, 200),
    "/admin/programs/enrollment/{enrollment}/change/": (200, 200, 404, 200),
    "/admin/programs/transition/{transition}/change/": (200, 200, 404, 403),
    S + "/groupmembership/{membership}/change/": (200, 200, 404, 200),
    S + "/attendance/{attendance}/change/": (403, 200, 404, 403),
    S + "/progressnote/{note}/change/": (403, 200, 404, 403),
    S + "/reminder/{reminder}/change/": (200, 200, 404, 200),
    S + "/reminder/{digest}/change/": (200, 200, 404, 200),
    S + "/absencereview/{review}/change/": (403, 200, 404, 403),
}
AUTOCOMPLETE = "/admin/autocomplete/?app_label=clinic_sessions&model_name=groupmembership&field_name={field}&term="


def ids(side) -> dict[str, int]:
    return {name: obj.pk for name, obj in vars(side).items()}


def leaks(body: str, side) -> list[str]:
    patient = side.patient
    return [text for text in (patient.legal_last_name, patient.legal_first_name, patient.mrn) if text in body]


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_answers_each_role_within_its_scope(client, clinic, role):
    client.force_login(clinic.users[role])
    column = ROLES.index(role)
    pages = list(LISTS.items())
    pages += [(url.format(**ids(clinic.mine)), codes) for url, codes in MINE.items()]
    pages += [(url.format(**ids(clinic.other)), codes) for url, codes in OTHER.items()]
    pages += [(AUTOCOMPLETE.format(field=field), (200, 200, 200, 200)) for field in ("patient", "group")]

    got, expected, leaked = {}, {}, {}
    for url, codes in pages:
        response = client.get(url)
        got[url], expected[url] = response.status_code, codes[column]
        if role == "counselor" and (found := leaks(response.content.decode(), clinic.other)):
            leaked[url] = found

    assert got == expected
    assert leaked == {}


def test_a_counselor_sees_their_own_patients_on_their_pages(client, clinic):
    client.force_login(clinic.users["counselor"])
    mine = clinic.mine

    for url in [
        "/admin/patients/patient/",
        "/admin/programs/enrollment/",
        f"{S}/groupmembership/",
        f"{S}/attendance/",
        f"{S}/progressnote/",
        f"{S}/reminder/",
        f"{S}/absencereview/",
        f"{S}/therapygroup/{mine.group.pk}/change/",
        f"{S}/therapysession/{mine.session.pk}/change/",
        f"{S}/therapysession/{mine.individual.pk}/change/",
        AUTOCOMPLETE.format(field="patient"),
    ]:
        assert mine.patient.mrn in client.get(url).content.decode(), url


def test_another_counselors_group_shows_its_schedule_but_not_its_roster(client, clinic):
    other = clinic.other
    MembershipFactory(
        group=other.group,
        enrollment__counselor=clinic.users["counselor"],
        enrollment__patient__legal_last_name="Sharedson",
    )
    client.force_login(clinic.users["counselor"])

    page = client.get(f"{S}/therapygroup/{other.group.pk}/change/").content.decode()

    assert other.group.title in page
    assert "Sharedson" in page  # a patient of mine in their group
    assert leaks(page, other) == []


def test_another_counselors_individual_session_hides_its_patient(client, clinic):
    client.force_login(clinic.users["counselor"])

    response = client.get(f"{S}/therapysession/{clinic.other.individual.pk}/change/")

    page = response.content.decode()
    assert "Individual counseling" in page
    assert leaks(page, clinic.other) == []
    assert "patient" not in response.context["adminform"].form.fields
    assert not AuditEvent.objects.filter(action="admin.view").exists()


@pytest.mark.parametrize("role", ["administrator", "front_desk"])
def test_front_desk_and_administrators_see_no_attendance_in_the_schedule(client, clinic, role):
    client.force_login(clinic.users[role])

    listing = client.get(f"{S}/therapysession/")
    session_page = client.get(f"{S}/therapysession/{clinic.mine.session.pk}/change/")

    assert "participants" not in listing.context["cl"].list_display
    assert ">Attended<" not in listing.content.decode()
    assert "attendances-TOTAL_FORMS" not in session_page.content.decode()


@pytest.mark.parametrize("role", ["supervisor", "counselor"])
def test_clinicians_see_attendance_in_the_schedule(client, clinic, role):
    client.force_login(clinic.users[role])

    listing = client.get(f"{S}/therapysession/")
    session_page = client.get(f"{S}/therapysession/{clinic.mine.session.pk}/change/")

    assert "participants" in listing.context["cl"].list_display
    assert "attendances-TOTAL_FORMS" in session_page.content.decode()


def test_a_counselor_counts_only_attendance_of_patients_they_may_see(client, clinic):
    AttendanceFactory(session=clinic.mine.session, enrollment__counselor=UserFactory())  # someone else's patient
    client.force_login(clinic.users["counselor"])

    listing = client.get(f"{S}/therapysession/?id__exact={clinic.mine.session.pk}")

    assert [s.participant_count for s in listing.context["cl"].result_list] == [1]


def test_an_administrator_given_note_permissions_still_sees_no_notes(client, clinic):
    Group.objects.get(name="Administrator").permissions.add(
        *Permission.objects.filter(codename__in=["view_progressnote", "view_attendance", "view_absencereview"])
    )
    client.force_login(clinic.users["administrator"])

    assert client.get(f"{S}/progressnote/").status_code == 403
    assert client.get(f"{S}/progressnote/{clinic.mine.note.pk}/change/").status_code == 403
    assert client.get(f"{S}/attendance/").status_code == 403
    assert (
        "attendances-TOTAL_FORMS"
        not in client.get(f"{S}/therapysession/{clinic.mine.session.pk}/change/").content.decode()
    )


def test_daily_digests_show_to_their_recipient_and_to_roles_that_see_everyone(client, clinic):
    digests = {clinic.mine.digest.pk, clinic.other.digest.pk}

    def digests_listed(user):
        client.force_login(user)
        listing = client.get(f"{S}/reminder/")
        return {r.pk for r in listing.context["cl"].result_list} & digests

    assert digests_listed(clinic.users["counselor"]) == {clinic.mine.digest.pk}
    for role in ["administrator", "supervisor", "front_desk"]:
        assert digests_listed(clinic.users[role]) == digests, role


# --- As an attacker would: ids typed into forms and addresses ------------------------------------------------


def test_a_counselor_cannot_post_another_counselors_patient_onto_their_roster(client, clinic):
    mine = clinic.mine
    client.force_login(clinic.users["counselor"])

    response = client.post(
        f"{S}/groupmembership/add/",
        {
            "group": mine.group.pk,
            "patient": clinic.other.patient.pk,
            "joined_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not GroupMembership.objects.filter(patient=clinic.other.patient, group=mine.group).exists()


def test_autocomplete_offers_a_counselor_only_their_caseload(client, clinic):
    client.force_login(clinic.users["counselor"])

    by_name = client.get(AUTOCOMPLETE.format(field="patient") + "Farrowby").json()
    by_mrn = client.get(AUTOCOMPLETE.format(field="patient") + clinic.other.patient.mrn).json()
    everyone = client.get(AUTOCOMPLETE.format(field="patient")).json()

    assert by_name["results"] == by_mrn["results"] == []
    assert [r["id"] for r in everyone["results"]] == [str(clinic.mine.patient.pk)]


def test_the_patients_an_autocomplete_offers_are_audited(client, clinic):
    counselor = clinic.users["counselor"]
    client.force_login(counselor)

    client.get(AUTOCOMPLETE.format(field="patient"))
    client.get(AUTOCOMPLETE.format(field="patient") + "Farrowby")  # nothing offered: nothing to audit
    client.get(AUTOCOMPLETE.format(field="group"))  # groups name no patient

    audit = AuditEvent.objects.get()
    assert (audit.actor, audit.action, audit.detail) == (counselor, "admin.autocomplete", {"model": "patients.patient"})
    assert shown(audit) == [clinic.mine.patient.pk]


def test_a_counselor_cannot_act_on_an_out_of_scope_patient_from_the_list(client, clinic):
    other = clinic.other.patient
    other.email = "o@example.com"
    other.save()
    client.force_login(clinic.users["counselor"])

    client.post("/admin/patients/patient/", {"action": "record_reminder_consent", "_selected_action": [other.pk]})

    other.refresh_from_db()
    assert not other.has_reminder_consent


@pytest.mark.parametrize(
    "url",
    [
        "/admin/patients/patient/?q={mrn}",
        "/admin/patients/patient/?id__exact={patient}",
        S + "/reminder/?patient__id__exact={patient}",
        S + "/progressnote/?q={mrn}",
        S + "/attendance/?patient__id__exact={patient}",
        S + "/groupmembership/?group__id__exact={group}",
        "/admin/programs/enrollment/?patient__id__exact={patient}",
    ],
)
def test_filters_typed_into_the_address_do_not_reach_past_the_scope(client, clinic, url):
    client.force_login(clinic.users["counselor"])

    response = client.get(url.format(mrn=clinic.other.patient.mrn, **ids(clinic.other)), follow=True)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    # The search box repeats the MRN typed; the patient's name stays out.
    assert clinic.other.patient.legal_last_name not in response.content.decode()


def test_a_superuser_reads_notes_and_each_view_is_audited(client, clinic):
    superuser = UserFactory(role="administrator", is_superuser=True)
    client.force_login(superuser)

    assert client.get(f"{S}/progressnote/{clinic.other.note.pk}/change/").status_code == 200

    audit = AuditEvent.objects.get(action="admin.view")
    assert (audit.actor, audit.patient_id, audit.object_type) == (
        superuser,
        clinic.other.patient.pk,
        "clinic_sessions.progressnote",
    )


# --- The audit trail of admin page views -----------------------------------------------------------------------

AUDITED_LISTS = {
    "/admin/patients/patient/": "patients.patient",
    "/admin/programs/enrollment/": "programs.enrollment",
    "/admin/programs/transition/": "programs.transition",
    f"{S}/groupmembership/": "clinic_sessions.groupmembership",
    f"{S}/attendance/": "clinic_sessions.attendance",
    f"{S}/progressnote/": "clinic_sessions.progressnote",
    f"{S}/reminder/": "clinic_sessions.reminder",
    f"{S}/absencereview/": "clinic_sessions.absencereview",
}


@pytest.mark.parametrize(("url", "model"), AUDITED_LISTS.items())
def test_a_list_of_patients_writes_one_audit_row_naming_them(client, clinic, url, model):
    supervisor = clinic.users["supervisor"]
    client.force_login(supervisor)

    client.get(url)

    audit = AuditEvent.objects.get(action="admin.list")
    assert (audit.actor, audit.patient_id, audit.ip_address) == (supervisor, None, "127.0.0.1")
    assert audit.detail == {"model": model}
    assert shown(audit) == sorted([clinic.mine.patient.pk, clinic.other.patient.pk])


def test_a_counselors_list_names_only_the_patients_it_showed(client, clinic):
    client.force_login(clinic.users["counselor"])

    client.get(f"{S}/progressnote/")

    assert shown(AuditEvent.objects.get(action="admin.list")) == [clinic.mine.patient.pk]


@pytest.mark.parametrize("url", [f"{S}/therapygroup/", f"{S}/therapysession/", "/admin/programs/program/"])
def test_lists_that_name_no_patient_write_no_audit_row(client, clinic, url):
    client.force_login(clinic.users["supervisor"])

    client.get(url)

    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("url", "model"),
    [
        ("/admin/patients/patient/{patient}/change/", "patients.patient"),
        ("/admin/programs/enrollment/{enrollment}/change/", "programs.enrollment"),
        ("/admin/programs/transition/{transition}/change/", "programs.transition"),
        (S + "/therapygroup/{group}/change/", "clinic_sessions.therapygroup"),
        (S + "/groupmembership/{membership}/change/", "clinic_sessions.groupmembership"),
        (S + "/therapysession/{session}/change/", "clinic_sessions.therapysession"),
        (S + "/therapysession/{individual}/change/", "clinic_sessions.therapysession"),
        (S + "/attendance/{attendance}/change/", "clinic_sessions.attendance"),
        (S + "/progressnote/{note}/change/", "clinic_sessions.progressnote"),
        (S + "/reminder/{reminder}/change/", "clinic_sessions.reminder"),
        (S + "/absencereview/{review}/change/", "clinic_sessions.absencereview"),
    ],
)
def test_a_change_page_writes_an_audit_row_for_the_patient_it_shows(client, clinic, url, model):
    counselor = clinic.users["counselor"]
    client.force_login(counselor)

    assert client.get(url.format(**ids(clinic.mine))).status_code == 200

    audit = AuditEvent.objects.get(action="admin.view")
    assert (audit.actor, audit.patient_id, audit.object_type, audit.detail) == (
        counselor,
        clinic.mine.patient.pk,
        model,
        {"model": model},
    )


def test_a_change_page_sent_back_with_errors_is_audited_too(client, clinic):
    patient = clinic.mine.patient
    client.force_login(clinic.users["supervisor"])

    response = client.post(f"/admin/patients/patient/{patient.pk}/change/", {"legal_last_name": ""})

    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert AuditEvent.objects.filter(action="admin.view", patient_id=patient.pk).count() == 1


def test_a_patients_history_page_is_audited(client, clinic):
    client.force_login(clinic.users["supervisor"])

    client.get(f"/admin/patients/patient/{clinic.mine.patient.pk}/history/")

    assert AuditEvent.objects.get(action="admin.history").patient_id == clinic.mine.patient.pk


def test_a_group_page_audits_each_member_shown(client, clinic):
    second = MembershipFactory(group=clinic.mine.group)
    client.force_login(clinic.users["supervisor"])

    client.get(f"{S}/therapygroup/{clinic.mine.group.pk}/change/")

    rows = AuditEvent.objects.filter(action="admin.view", object_id=str(clinic.mine.group.pk))
    assert sorted(rows.values_list("patient_id", flat=True)) == sorted([clinic.mine.patient.pk, second.patient_id])


def test_pages_refused_or_not_found_write_no_audit_row(client, clinic):
    client.force_login(clinic.users["counselor"])

    client.get(f"/admin/patients/patient/{clinic.other.patient.pk}/change/")
    client.get(f"{S}/progressnote/{clinic.other.note.pk}/change/")
    client.force_login(clinic.users["front_desk"])
    client.get(f"{S}/progressnote/")

    assert not AuditEvent.objects.exists()


# --- Out-of-range dates in the date drill-down -----------------------------------------------------------------

DATED = sorted(
    (model._meta.app_label, model._meta.model_name, model_admin.date_hierarchy)
    for model, model_admin in admin.site._registry.items()
    if model_admin.date_hierarchy
)


def test_every_admin_shares_the_clinic_admin_plumbing():
    assert DATED, "no admin drills down by date?"
    outside = [
        model._meta.label_lower
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, ClinicAdminMixin) and model._meta.app_label != "auth"
    ]
    assert outside == []


@pytest.mark.parametrize(("app_label", "model_name", "field"), DATED)
@pytest.mark.parametrize(
    "query",
    [
        "{f}__year=99999999999",
        "{f}__year=-1",
        "{f}__year=9999",
        "{f}__year=9999&{f}__month=12",
        "{f}__year=9999&{f}__month=12&{f}__day=31",
        "{f}__year=2026&{f}__month=13",
        "{f}__year=2026&{f}__month=99999999999",
    ],
)
def test_a_date_out_of_range_in_the_drill_down_comes_back_to_the_list_with_a_message(
    client, app_label, model_name, field, query
):
    client.force_login(UserFactory(role="administrator", is_superuser=True))
    url = f"/admin/{app_label}/{model_name}/"

    response = client.get(f"{url}?{query.format(f=field)}")

    assert (response.status_code, response["Location"]) == (302, f"{url}?e=1")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "filter could not be applied" in page.content.decode()


def test_a_counselor_gets_the_same_answer_for_a_huge_year(client, clinic):
    client.force_login(clinic.users["counselor"])

    response = client.get(f"{S}/therapysession/?starts_at__year=99999999999", follow=True)

    assert response.status_code == 200
    assert "filter could not be applied" in response.content.decode()


@pytest.mark.parametrize("query", ["starts_at__year=1", "starts_at__year=1&starts_at__month=1&starts_at__day=1"])
def test_the_first_year_east_of_greenwich_is_no_server_error(client, settings, supervisor, query):
    settings.TIME_ZONE = "Asia/Tokyo"  # 0001-01-01 local is before the first instant UTC can hold
    GroupSessionFactory()
    client.force_login(supervisor)

    response = client.get(f"{S}/therapysession/?{query}", follow=True)

    assert response.status_code == 200


def test_no_list_filter_offers_patients():
    """A filter listing patients would list every patient, whatever the user's scope: none may exist (or it must
    be scoped first)."""
    offering = []
    for model, model_admin in admin.site._registry.items():
        for spec in model_admin.list_filter:
            path = spec[0] if isinstance(spec, (list, tuple)) else spec
            if (
                isinstance(path, str)
                and getattr(get_fields_from_path(model, path)[-1], "related_model", None) is Patient
            ):
                offering.append(f"{model._meta.label_lower}: {path}")
    assert offering == []


@pytest.mark.parametrize(
    "url", [f"{S}/progressnote/", f"{S}/therapysession/", f"{S}/reminder/", f"{S}/groupmembership/"]
)
def test_a_counselors_scoped_and_audited_lists_run_a_constant_number_of_queries(client, counselor, url):
    today = timezone.localdate()

    def add_patients(count):
        for _ in range(count):
            member = MembershipFactory(group__facilitator=counselor)
            session = GroupSessionFactory(group=member.group)
            ProgressNoteFactory(attendance__session=session, attendance__enrollment=member.enrollment)
            Reminder.objects.create(
                kind="session_reminder", session=session, patient=member.patient, due_at=timezone.now()
            )
            Reminder.objects.create(
                kind="daily_digest",
                staff=counselor,
                due_at=timezone.now(),
                for_date=today - datetime.timedelta(days=Reminder.objects.count()),
            )

    client.force_login(counselor)
    add_patients(2)
    with_two = queries_for_page(client, url)
    add_patients(38)

    assert queries_for_page(client, url) == with_two
    assert AuditEvent.objects.filter(action="admin.list").count() == (0 if url.endswith("therapysession/") else 2)
