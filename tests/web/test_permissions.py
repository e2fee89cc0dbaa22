"""Every page for every role and for an anonymous visitor gets the expected status."""

import pytest

from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db

# url -> expected status for: anonymous, administrator, supervisor, counselor, front desk
MATRIX = {
    "/": (302, 200, 200, 200, 200),
    "/patients/": (302, 200, 200, 200, 200),
    "/patients/{mine}/": (302, 200, 200, 200, 200),
    "/patients/{other}/": (302, 200, 200, 404, 200),
    "/patients/999999/": (302, 404, 404, 404, 404),
    "/password/": (302, 200, 200, 200, 200),
    "/admin/": (302, 200, 200, 200, 200),
    "/admin/programs/program/add/": (302, 200, 403, 403, 403),
    "/admin/clinic/auditevent/": (302, 200, 403, 403, 403),
    "/admin/clinic_sessions/progressnote/": (302, 200, 200, 200, 403),
    "/admin/clinic_sessions/attendance/": (302, 200, 200, 200, 403),
    "/admin/clinic_sessions/therapysession/": (302, 200, 200, 200, 200),
    "/admin/clinic_sessions/therapygroup/add/": (302, 200, 200, 403, 403),
    "/login/": (200, 302, 302, 302, 302),
}
ROLES = ["anonymous", "administrator", "supervisor", "counselor", "front_desk"]


@pytest.mark.parametrize("role", ROLES)
def test_each_page_answers_each_role_as_expected(client, role):
    counselor = UserFactory(role="counselor", username="the-counselor")
    users = {
        "administrator": UserFactory(role="administrator", is_superuser=True),
        "supervisor": UserFactory(role="supervisor"),
        "counselor": counselor,
        "front_desk": UserFactory(role="front_desk"),
    }
    mine = EnrollmentFactory(counselor=counselor).patient_id
    other = EnrollmentFactory().patient_id
    if role != "anonymous":
        client.force_login(users[role])
    column = ROLES.index(role)

    got = {url: client.get(url.format(mine=mine, other=other)).status_code for url in MATRIX}

    assert got == {url: codes[column] for url, codes in MATRIX.items()}
