"""Fuzz every staff form and query parameter: whatever is sent, the answer is never a server error.

The values, their encoding and the world they are sent to are tests/staff/fuzzing.py's. A request carrying a NUL
must be refused (400) and, like any 400, change nothing. On PostgreSQL, where psycopg refuses NUL in text."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.models import AuditEvent
from patients.models import ASAM_DIMENSIONS
from sessions.emails import opt_out_token
from tests.clock import BAD_INPUT_AFTERNOON
from tests.factories import PASSWORD
from tests.staff.fuzzing import (  # noqa: F401 - world is a fixture
    FUZZ,
    NASTY,
    Target,
    attendance_pids,
    encode,
    form_pairs,
    has_nul,
    row_fields,
    send,
    snapshot,
    world,
)

# The clock stays pinned for the whole test, every example of it.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.time_machine(BAD_INPUT_AFTERNOON, tick=False),
]


def _ids(w, *keys):
    return [str(w[k].pk) for k in keys]


TARGETS = {
    # GET pages with their query parameters
    "dashboard": Target(
        "get", lambda w: "/", lambda w: {"counselor": [str(w["users"]["counselor"].pk)], "page": ["1", "2"]}
    ),
    "patients": Target(
        "get",
        lambda w: "/patients/",
        lambda w: {
            "q": [w["p1"].mrn, w["p1"].legal_last_name],
            "program": _ids(w, "program"),
            "level": ["2.1", "3.5"],
            "counselor": [str(w["users"]["counselor"].pk)],
            "status": ["active", "ended"],
            "page": ["1", "2"],
        },
    ),
    "schedule": Target(
        "get",
        lambda w: "/schedule/",
        lambda w: {
            "week": ["2026-03-09"],
            "counselor": [str(w["users"]["counselor"].pk)],
            "program": _ids(w, "program"),
        },
    ),
    "census": Target("get", lambda w: "/census/", lambda w: {}),
    "chart": Target("get", lambda w: f"/patients/{w['p1'].pk}/", lambda w: {}),
    "session page": Target("get", lambda w: f"/sessions/{w['session'].pk}/", lambda w: {}),
    "attendance page": Target("get", lambda w: f"/sessions/{w['session'].pk}/attendance/", lambda w: {}),
    "form pages": Target("get", lambda w: f"/patients/{w['p1'].pk}/book/", lambda w: {}),
    # forms
    "register": Target(
        "post",
        lambda w: "/patients/new/",
        lambda w: {
            "legal_first_name": ["Dana"],
            "legal_last_name": ["Reyes"],
            "preferred_name": ["D"],
            "date_of_birth": ["1990-05-01"],
            "email": ["dana@example.com"],
            "phone": ["555-0100"],
            "primary_counselor": [str(w["users"]["counselor"].pk)],
            "intake_date": ["2026-03-01"],
            "needs_withdrawal_management": ["on"],
            **{d: ["0", "2", "4"] for d in ASAM_DIMENSIONS},
            "recommended_level": ["2.1"],
            "reminder_consent": ["on"],
        },
        roles=("supervisor",),
    ),
    "admit": Target(
        "post",
        lambda w: f"/patients/{w['newcomer'].pk}/admit/",
        lambda w: {
            "program": _ids(w, "program", "other_program"),
            "admitted_on": ["2026-03-10", "2026-03-01"],
            "counselor": [str(w["users"]["counselor"].pk)],
            "override_reason": ["Reviewed."],
        },
    ),
    "transition": Target(
        "post",
        lambda w: f"/patients/{w['p1'].pk}/transition/",
        lambda w: {
            "to_program": _ids(w, "other_program"),
            "effective_on": ["2026-03-10"],
            "reason": ["Stepping down."],
            "counselor": [str(w["users"]["counselor"].pk)],
            "override_reason": ["Reviewed."],
        },
    ),
    "discharge": Target(
        "post",
        lambda w: f"/patients/{w['p2'].pk}/discharge/",
        lambda w: {"reason": [str(n) for n in range(1, 8)], "discharged_on": ["2026-03-10"], "note": ["Completed."]},
    ),
    "book": Target(
        "post",
        lambda w: f"/patients/{w['p1'].pk}/book/",
        lambda w: {
            "kind": ["individual", "family", "check_in"],
            "counselor": [str(w["users"]["counselor"].pk)],
            "day": ["2026-03-12"],
            "at": ["10:00", "14:30"],
            "duration_minutes": ["50"],
            "location": ["Office 3"],
            "video_link": ["https://video.example/room"],
            "repeat_every_weeks": ["0", "2"],
            "occurrences": ["1", "3"],
        },
    ),
    "consent": Target("post", lambda w: f"/patients/{w['p1'].pk}/consent/", lambda w: {"action": ["give", "revoke"]}),
    "review": Target(
        "post",
        lambda w: f"/patients/{w['p1'].pk}/reviews/{w['review'].pk}/resolve/",
        lambda w: {"outcome": ["Called; plan agreed."]},
    ),
    "cancel": Target("post", lambda w: f"/sessions/{w['later'].pk}/cancel/", lambda w: {"reason": ["Snow day."]}),
    "attendance sheet": Target(
        "post", lambda w: f"/sessions/{w['session'].pk}/attendance/", lambda w: row_fields(attendance_pids(w))
    ),
    "attendance row": Target(
        "post",
        lambda w: f"/sessions/{w['session'].pk}/attendance/{w['p1'].pk}/",
        lambda w: row_fields(attendance_pids(w)),
    ),
    "password": Target(
        "post",
        lambda w: "/password/",
        lambda w: {
            "old_password": [PASSWORD],
            "new_password1": ["a long new passphrase 42"],
            "new_password2": ["a long new passphrase 42"],
        },
    ),
    "logout": Target("post", lambda w: "/logout/", lambda w: {}),
    # signed out
    "login": Target(
        "post",
        lambda w: "/login/",
        lambda w: {
            "username": [w["users"]["counselor"].username],
            "password": [PASSWORD],
            "next": ["/"],
        },
        roles=("anonymous",),
    ),
    "opt-out page": Target("get", lambda w: f"/stop/{opt_out_token(w['p1'])}/", lambda w: {}, roles=("anonymous",)),
    "opt-out post": Target("post", lambda w: f"/stop/{opt_out_token(w['p1'])}/", lambda w: {}, roles=("anonymous",)),
    # the admin: search, ordering, page and filters (not the date hierarchy's __year, handled with the admin)
    "admin patients": Target(
        "get",
        lambda w: "/admin/patients/patient/",
        lambda w: {
            "q": [w["p1"].mrn, "Re"],
            "o": ["1", "-2", "1.2"],
            "p": ["1", "2"],
            "needs_withdrawal_management__exact": ["1", "0"],
            "recommended_level__exact": ["2.1"],
            "primary_counselor__id__exact": [str(w["users"]["counselor"].pk)],
        },
        roles=("supervisor", "administrator"),
    ),
    "admin sessions": Target(
        "get",
        lambda w: "/admin/clinic_sessions/therapysession/",
        lambda w: {
            "q": ["x"],
            "o": ["1", "-3"],
            "p": ["1"],
            "kind__exact": ["group"],
            "status__exact": ["scheduled"],
            "program__id__exact": _ids(w, "program"),
            "billing_code__exact": ["90853"],
        },
        roles=("supervisor", "counselor"),
    ),
    "admin enrollments": Target(
        "get",
        lambda w: "/admin/programs/enrollment/",
        lambda w: {
            "q": [w["p1"].mrn],
            "o": ["2"],
            "p": ["1"],
            "status__exact": ["active"],
            "program__id__exact": _ids(w, "program"),
            "discharge_reason__exact": ["1"],
        },
        roles=("supervisor", "counselor"),
    ),
    "admin audit": Target(
        "get",
        lambda w: "/admin/clinic/auditevent/",
        lambda w: {
            "q": [str(w["p1"].pk), "patient.view"],
            "o": ["1"],
            "p": ["1"],
            "action": ["patient.view"],
            "actor__id__exact": [str(w["users"]["supervisor"].pk)],
            "at__gte": ["2026-03-10"],
            "at__lt": ["2026-03-11"],
        },
        roles=("administrator",),
    ),
    "admin autocomplete": Target(
        "get",
        lambda w: "/admin/autocomplete/",
        lambda w: {
            "term": [w["p1"].legal_last_name[:3]],
            "page": ["1", "2"],
            "app_label": ["clinic_sessions"],
            "model_name": ["groupmembership"],
            "field_name": ["patient", "group"],
        },
        roles=("supervisor", "counselor"),
    ),
}


# Django warns (the suite makes warnings errors) when a date filter on a datetime gets a naive date, and when the
# groups' autocomplete pages an unordered queryset; a request only logs them, so they are no server error.
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime:RuntimeWarning")
@pytest.mark.parametrize("name", TARGETS)
def test_no_input_makes_a_server_error(client, world, name):  # noqa: F811 - the fixture
    target = TARGETS[name]
    url, fields = target.url(world), target.fields(world)

    @FUZZ
    @given(role=st.sampled_from(target.roles), pairs=form_pairs(fields))
    def probe(role, pairs):
        if role == "anonymous":
            client.logout()
        else:
            client.force_login(world["users"][role])
        before, audited = snapshot(), AuditEvent.objects.count()
        response = send(client, target.method, url, pairs)
        assert response.status_code < 500, (name, role, pairs)
        if has_nul(pairs):
            # refused before any view runs: not even the view of a record is audited
            assert response.status_code == 400 and AuditEvent.objects.count() == audited, (name, role, pairs)
        if response.status_code == 400:
            assert snapshot() == before, (name, role, pairs)

    probe()


@FUZZ
@given(pk=st.one_of(st.integers(min_value=-(10**25), max_value=10**25).map(str), NASTY))
def test_no_id_in_a_path_makes_a_server_error(client, world, pk):  # noqa: F811 - the fixture
    client.force_login(world["users"]["supervisor"])
    encoded = encode(pk)
    for url in (
        f"/patients/{encoded}/",
        f"/sessions/{encoded}/attendance/",
        f"/stop/{encoded}/",
        f"/sessions/{world['session'].pk}/attendance/{encoded}/",
        f"/admin/patients/patient/{encoded}/change/",
    ):
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
