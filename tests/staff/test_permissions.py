"""Every page for every role and for an anonymous visitor gets the expected status."""

import pytest

from tests.factories import EnrollmentFactory, GroupSessionFactory

pytestmark = pytest.mark.django_db

# url -> expected status for: anonymous, administrator, supervisor, counselor, front desk
MATRIX = {
    "/": (302, 200, 200, 200, 200),
    "/patients/": (302, 200, 200, 200, 200),
    "/patients/{mine}/": (302, 200, 200, 200, 200),
    "/patients/{other}/": (302, 200, 200, 404, 200),
    "/patients/999999/": (302, 404, 404, 404, 404),
    "/password/": (302, 200, 200, 200, 200),
    "/schedule/": (302, 200, 200, 200, 200),
    "/census/": (302, 200, 200, 200, 200),
    "/sessions/{session}/": (302, 200, 200, 200, 200),
    "/sessions/{session}/attendance/": (302, 404, 200, 200, 404),
    "/sessions/{other_session}/attendance/": (302, 404, 200, 404, 404),
    "/patients/{mine}/transition/": (302, 403, 200, 200, 403),
    "/patients/{other}/transition/": (302, 403, 200, 404, 403),
    "/patients/{mine}/book/": (302, 200, 200, 200, 200),
    "/patients/new/": (302, 200, 200, 403, 200),
    "/admin/": (302, 200, 200, 200, 200),
    "/admin/programs/program/add/": (302, 200, 403, 403, 403),
    "/admin/clinic/auditevent/": (302, 200, 403, 403, 403),
    "/admin/clinic_sessions/progressnote/": (302, 403, 200, 200, 403),
    "/admin/clinic_sessions/attendance/": (302, 403, 200, 200, 403),
    "/admin/clinic_sessions/therapysession/": (302, 200, 200, 200, 200),
    "/admin/clinic_sessions/therapygroup/add/": (302, 200, 200, 403, 403),
    "/login/": (200, 302, 302, 302, 302),
}
ROLES = ["anonymous", "administrator", "supervisor", "counselor", "front_desk"]


@pytest.mark.parametrize("role", ROLES)
def test_each_page_answers_each_role_as_expected(client, users, counselor, role):
    mine = EnrollmentFactory(counselor=counselor).patient_id
    other = EnrollmentFactory().patient_id
    session = GroupSessionFactory(group__facilitator=counselor, facilitator=counselor).pk
    other_session = GroupSessionFactory().pk
    if role != "anonymous":
        client.force_login(users[role])
    column = ROLES.index(role)

    ids = {"mine": mine, "other": other, "session": session, "other_session": other_session}
    got = {url: client.get(url.format(**ids)).status_code for url in MATRIX}

    assert got == {url: codes[column] for url, codes in MATRIX.items()}
