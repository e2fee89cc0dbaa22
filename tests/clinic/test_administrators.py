"""Administrators configure the clinic without being superusers and read no clinical notes; a superuser is a
break-glass setup account that the superuser flag alone does not make a clinician."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from clinic.models import AuditEvent, User
from clinic.policy import is_clinician
from programs.models import Approach, Program
from sessions.models import ProgressNote, TherapyGroup
from tests.factories import PASSWORD, UserFactory, caseload_patient

pytestmark = pytest.mark.django_db


def test_the_demo_admin_configures_the_clinic_but_opens_no_notes(client):
    call_command("seed_demo", "--patients", "12", stdout=StringIO())
    admin = User.objects.get(username="admin")
    note = ProgressNote.objects.select_related("attendance").first()
    client.force_login(admin)

    # Everything the README says administrators do: programs, approaches, groups, staff and roles, the audit trail.
    program, approach = Program.objects.first(), Approach.objects.first()
    group, counselor = TherapyGroup.objects.first(), User.objects.get(username="counselor")
    pages = [
        "/admin/",
        "/admin/programs/program/",
        "/admin/programs/program/add/",
        f"/admin/programs/program/{program.pk}/change/",
        "/admin/programs/approach/add/",
        f"/admin/programs/approach/{approach.pk}/change/",
        "/admin/clinic_sessions/therapygroup/",
        "/admin/clinic_sessions/therapygroup/add/",
        f"/admin/clinic_sessions/therapygroup/{group.pk}/change/",
        "/admin/clinic/user/",
        "/admin/clinic/user/add/",
        f"/admin/clinic/user/{counselor.pk}/change/",
        "/admin/auth/group/",
        f"/admin/auth/group/{Group.objects.get(name='Counselor').pk}/change/",
        "/admin/clinic/auditevent/",
        "/admin/clinic_sessions/reminder/",
    ]
    assert {url: client.get(url).status_code for url in pages} == dict.fromkeys(pages, 200)
    notes = [
        "/admin/clinic_sessions/progressnote/",
        f"/admin/clinic_sessions/progressnote/{note.pk}/change/",
        "/admin/clinic_sessions/attendance/",
        f"/admin/clinic_sessions/attendance/{note.attendance_id}/change/",
    ]
    assert {client.get(url).status_code for url in notes} <= {403, 404}
    assert (admin.role, admin.is_superuser) == ("administrator", False)
    chart = client.get(f"/patients/{note.attendance.patient_id}/").content.decode()
    assert note.attendance.patient.mrn in chart and "Progress notes" not in chart
    assert client.post("/admin/programs/approach/add/", {"name": "Contingency management"}).status_code == 302


def user_form(user, **overrides):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "credentials": "",
        "email": "",
        "role": user.role,
        "is_active": "on",
        "is_staff": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
    } | overrides


def test_an_administrator_cannot_make_anyone_a_superuser(client, administrator, counselor):
    client.force_login(administrator)

    client.post(f"/admin/clinic/user/{counselor.pk}/change/", user_form(counselor, is_superuser="on"))
    client.post(f"/admin/clinic/user/{administrator.pk}/change/", user_form(administrator, is_superuser="on"))

    assert not User.objects.filter(is_superuser=True).exists()


def test_an_administrator_manages_others_roles_but_cannot_widen_their_own(client, administrator, counselor):
    client.force_login(administrator)

    colleague = client.post(f"/admin/clinic/user/{counselor.pk}/change/", user_form(counselor, role="supervisor"))
    own = client.post(f"/admin/clinic/user/{administrator.pk}/change/", user_form(administrator, role="supervisor"))

    assert (colleague.status_code, own.status_code) == (302, 302)
    counselor.refresh_from_db()
    administrator.refresh_from_db()
    assert (counselor.role, administrator.role) == ("supervisor", "administrator")


def test_an_administrator_cannot_change_a_superusers_account_or_password(client, administrator):
    root = UserFactory(role="administrator", is_superuser=True)
    client.force_login(administrator)

    assert client.get(f"/admin/clinic/user/{root.pk}/password/").status_code == 403
    client.post(f"/admin/clinic/user/{root.pk}/password/", {"password1": "x-Tr0ub4dor&3", "password2": "x-Tr0ub4dor&3"})
    client.post(f"/admin/clinic/user/{root.pk}/change/", user_form(root, is_active=""))

    root.refresh_from_db()
    assert root.is_active and root.check_password(PASSWORD)


def test_a_superuser_is_no_clinician_on_the_staff_pages_whatever_its_role(client, counselor):
    enrollment = caseload_patient(counselor)
    # createsuperuser leaves the default role, counselor.
    root = UserFactory(role="counselor", is_superuser=True)
    client.force_login(root)

    chart = client.get(f"/patients/{enrollment.patient_id}/").content.decode()

    assert not is_clinician(root)
    assert enrollment.patient.mrn in chart and "Progress notes" not in chart and "Recent attendance" not in chart
    assert AuditEvent.objects.filter(action="patient.view", actor=root, patient_id=enrollment.patient_id).exists()
