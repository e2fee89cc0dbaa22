"""Fuzz every staff form and query parameter: whatever is sent, the answer is never a server error.

Values mix the field's real choices (so requests reach the services) with what users and probes send: text with
NUL and lone surrogates, Unicode digits, huge and negative numbers, extreme and malformed dates, very long text,
unknown and repeated keys. Bodies and query strings are encoded by hand (lone surrogates as the raw bytes a
misbehaving client sends), because the test client refuses to encode them. A request carrying a NUL must be
refused (400) and, like any 400, change nothing. On PostgreSQL, where psycopg refuses NUL in text."""

import dataclasses
import datetime
import os
from collections.abc import Callable
from urllib.parse import quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic.models import AuditEvent
from patients.models import ASAM_DIMENSIONS, Patient
from programs.models import Enrollment, Transition
from sessions.emails import opt_out_token
from sessions.models import AbsenceReview, Attendance, GroupNarrative, ProgressNote, TherapySession
from tests.clock import BAD_INPUT_AFTERNOON
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    PatientFactory,
    ProgramFactory,
    TherapyGroupFactory,
    UserFactory,
)

# The clock stays pinned for the whole test, every example of it.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.time_machine(BAD_INPUT_AFTERNOON, tick=False),
]

FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree
    derandomize=os.environ.get("CI", "").lower() in ("1", "true", "yes"),  # CI replays the same examples
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

NASTY = st.one_of(
    st.just(""),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=30),  # any code point, surrogates too
    st.sampled_from(["\x00", "a\x00b", "\ud800", "x\udfff", "²", "①", "٣", "\uff11\uff12", " 7 ", "-1", "NaN"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["2147483648", "9223372036854775808", "-9223372036854775809", "9" * 5000]),
    st.dates().map(datetime.date.isoformat),
    st.sampled_from(["0001-01-01", "9999-12-31", "0000-00-00", "10000-01-01", "2026-02-30", "25:61"]),
    st.integers(min_value=0, max_value=3000).map(lambda n: "é" * n),  # over any column's length
)


def _encode(text: str) -> str:
    # A lone surrogate goes out as the bytes a broken client would send; Django decodes them as U+FFFD.
    return quote_plus(text.encode("utf-8", "surrogatepass"))


def _query(pairs) -> str:
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in pairs)


@st.composite
def form_pairs(draw, fields: dict[str, list[str]]):
    """Key/value pairs for a form: each known field absent, once or repeated, with a real or a nasty value, and
    maybe an unknown key."""
    pairs = []
    for name, valid in fields.items():
        # Half the values are real, so that most requests get past the form to the service.
        values = st.booleans().flatmap(lambda real, valid=valid: st.sampled_from(valid) if real and valid else NASTY)
        for _ in range(draw(st.sampled_from([1, 1, 1, 0, 2]))):
            pairs.append((name, draw(values)))
    for _ in range(draw(st.integers(min_value=0, max_value=1))):
        pairs.append((draw(NASTY), draw(NASTY)))
    return pairs


def _snapshot():
    """What a refused request must leave as it was."""
    return (
        Patient.objects.count(),
        list(Patient.objects.order_by("pk").values_list("reminder_consent_given_at", "reminder_consent_revoked_at")),
        list(Enrollment.objects.order_by("pk").values_list("pk", "status")),
        Transition.objects.count(),
        list(TherapySession.objects.order_by("pk").values_list("pk", "status")),
        Attendance.objects.count(),
        ProgressNote.objects.count(),
        GroupNarrative.objects.count(),
        AbsenceReview.objects.filter(resolved_at__isnull=False).count(),
    )


@dataclasses.dataclass
class Target:
    method: str
    url: Callable[[dict], str]
    fields: Callable[[dict], dict[str, list[str]]]
    roles: tuple[str, ...] = ("supervisor", "counselor")


@pytest.fixture
def world(supervisor, counselor, group, session, later):
    """Two counselors' worlds: the counselor's group (tests/conftest.py) with two patients of the caseload on its
    roster, its session of an hour ago and a later one; a patient on another counselor's group; one not in care."""
    superuser = UserFactory(role="administrator", is_staff=True, is_superuser=True)  # not the shared administrator
    members = MembershipFactory.create_batch(2, group=group, enrollment__patient__primary_counselor=counselor)
    outsider = MembershipFactory(group=TherapyGroupFactory()).patient  # on another counselor's group
    newcomer = PatientFactory(primary_counselor=counselor)  # not in care: the admit form
    review = AbsenceReview.objects.create(enrollment=members[0].enrollment, unexcused_absences=3)
    return {
        "users": {"supervisor": supervisor, "counselor": counselor, "administrator": superuser},
        "program": group.program,
        "other_program": ProgramFactory(),
        "group": group,
        "session": session,
        "later": later,
        "p1": members[0].patient,
        "p2": members[1].patient,
        "outsider": outsider,
        "newcomer": newcomer,
        "review": review,
    }


def _ids(w, *keys):
    return [str(w[k].pk) for k in keys]


def _row_fields(w, pids):
    statuses = ["present", "late", "left_early", "excused", "unexcused", "cancelled"]
    fields = {"narrative": ["Coping with cravings."]}
    for pid in pids:
        fields |= {
            f"status-{pid}": statuses,
            f"minutes-{pid}": ["30", "180"],
            f"data-{pid}": ["Shared."],
            f"assessment-{pid}": ["Engaged."],
            f"plan-{pid}": ["Continue."],
            f"sign-{pid}": ["on"],
        }
    return fields


def _attendance_pids(w):
    return [w["p1"].pk, w["p2"].pk, w["outsider"].pk, 10**20, "9" * 5000, "x"]


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
        "post", lambda w: f"/sessions/{w['session'].pk}/attendance/", lambda w: _row_fields(w, _attendance_pids(w))
    ),
    "attendance row": Target(
        "post",
        lambda w: f"/sessions/{w['session'].pk}/attendance/{w['p1'].pk}/",
        lambda w: _row_fields(w, _attendance_pids(w)),
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
def test_no_input_makes_a_server_error(client, world, name):
    target = TARGETS[name]
    url, fields = target.url(world), target.fields(world)

    @FUZZ
    @given(role=st.sampled_from(target.roles), pairs=form_pairs(fields))
    def probe(role, pairs):
        if role == "anonymous":
            client.logout()
        else:
            client.force_login(world["users"][role])
        before, audited = _snapshot(), AuditEvent.objects.count()
        if target.method == "get":
            response = client.get(url, QUERY_STRING=_query(pairs))
        else:
            response = client.post(url, _query(pairs).encode(), content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, (name, role, pairs)
        if any("\x00" in key or "\x00" in value for key, value in pairs):
            # refused before any view runs: not even the view of a record is audited
            assert response.status_code == 400 and AuditEvent.objects.count() == audited, (name, role, pairs)
        if response.status_code == 400:
            assert _snapshot() == before, (name, role, pairs)

    probe()


@FUZZ
@given(pk=st.one_of(st.integers(min_value=-(10**25), max_value=10**25).map(str), NASTY))
def test_no_id_in_a_path_makes_a_server_error(client, world, pk):
    client.force_login(world["users"]["supervisor"])
    encoded = quote_plus(pk.encode("utf-8", "surrogatepass"))
    for url in (
        f"/patients/{encoded}/",
        f"/sessions/{encoded}/attendance/",
        f"/stop/{encoded}/",
        f"/sessions/{world['session'].pk}/attendance/{encoded}/",
        f"/admin/patients/patient/{encoded}/change/",
    ):
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
