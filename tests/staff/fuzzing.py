"""What the staff pages' fuzz tests share (tests/staff/test_fuzz_*.py): the Hypothesis settings, the nasty values,
the hand encoding of bodies and query strings, the form strategy, the targets and the world they are sent to.

Values mix the field's real choices (so requests reach the services) with what users and probes send: text with
NUL and lone surrogates, Unicode digits, huge and negative numbers, extreme and malformed dates, very long text,
unknown and repeated keys. Bodies and query strings are encoded by hand (lone surrogates as the raw bytes a
misbehaving client sends), because the test client refuses to encode them."""

import dataclasses
import datetime
import os
from collections.abc import Callable
from urllib.parse import quote_plus

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from patients.models import Patient
from programs.models import Enrollment, Transition
from sessions.models import AbsenceReview, Attendance, GroupNarrative, ProgressNote, TherapySession
from tests.factories import MembershipFactory, PatientFactory, ProgramFactory, TherapyGroupFactory, UserFactory

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


def encode(text: str) -> str:
    # A lone surrogate goes out as the bytes a broken client would send; Django decodes them as U+FFFD.
    return quote_plus(text.encode("utf-8", "surrogatepass"))


def query(pairs) -> str:
    return "&".join(f"{encode(key)}={encode(value)}" for key, value in pairs)


def has_nul(pairs) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in pairs)


def send(client, method: str, url: str, pairs):
    """GET with `pairs` as the query string, or POST them as the form's body."""
    if method == "get":
        return client.get(url, QUERY_STRING=query(pairs))
    return client.post(url, query(pairs).encode(), content_type="application/x-www-form-urlencoded")


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


def snapshot():
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
def world(supervisor, counselor, other_counselor, front_desk, group, session, later):
    """Two counselors' worlds: the counselor's group (tests/conftest.py) with two patients of the caseload on its
    roster, its session of an hour ago and a later one; a patient on another counselor's group; one not in care."""
    superuser = UserFactory(role="administrator", is_staff=True, is_superuser=True)  # not the shared administrator
    members = MembershipFactory.create_batch(2, group=group, enrollment__patient__primary_counselor=counselor)
    outsider = MembershipFactory(group=TherapyGroupFactory()).patient  # on another counselor's group
    newcomer = PatientFactory(primary_counselor=counselor)  # not in care: the admit form
    review = AbsenceReview.objects.create(enrollment=members[0].enrollment, unexcused_absences=3)
    return {
        "users": {
            "supervisor": supervisor,
            "counselor": counselor,
            "administrator": superuser,
            "other_counselor": other_counselor,  # neither the patients' counselor nor the group's facilitator
            "front_desk": front_desk,
        },
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


def row_fields(pids) -> dict[str, list[str]]:
    """The attendance sheet's fields for the rows of `pids` (and the group's narrative), with real values."""
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


def attendance_pids(w) -> list:
    """Rows of the sheet: the two on the roster, a patient not on it, and ids that are no patient's."""
    return [w["p1"].pk, w["p2"].pk, w["outsider"].pk, 10**20, "9" * 5000, "x"]


@st.composite
def nearly_valid_pairs(draw, fields: dict[str, list[str]]):
    """A form filled in with real values, but for at most one field: nasty, missing or repeated. Forms with many
    required fields (an instrument's items, a screen's panel) reach their service this way."""
    pairs = [(name, draw(st.sampled_from(valid) if valid else NASTY)) for name, valid in fields.items()]
    if pairs and draw(st.booleans()):
        index = draw(st.integers(min_value=0, max_value=len(pairs) - 1))
        name = pairs[index][0]
        spoilt = draw(st.sampled_from(["nasty", "missing", "repeated"]))
        if spoilt == "nasty":
            pairs[index] = (name, draw(NASTY))
        elif spoilt == "missing":
            del pairs[index]
        else:
            pairs.append((name, draw(NASTY)))
    return pairs
