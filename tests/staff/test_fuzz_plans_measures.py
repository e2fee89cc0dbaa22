"""Fuzz the treatment plan's and the measures' pages and forms as tests/staff/test_fuzz_input.py does the others,
with tests/staff/fuzzing.py: whatever is sent, never a server error; a request with a NUL is refused (400) and
changes nothing; another counselor and the front desk get 404 on every one of them and change nothing.

The ids in the URLs and the forms mix this patient's plan parts, notes and alerts with another patient's and with
ids that are no one's; the measures' answers are the instruments' own choices or nasty values."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from clinic.models import AuditEvent
from measures.instruments import INSTRUMENTS
from measures.models import (
    DrugScreen,
    DrugScreenResult,
    MeasureAnswer,
    MeasureResponse,
    SafetyAlert,
    ScreenResult,
    Substance,
)
from measures.services import measure_record
from plans.models import (
    AgreementMethod,
    AsamDimension,
    DeferredDimension,
    Goal,
    Intervention,
    NoteObjective,
    Objective,
    ObjectiveStatus,
    Problem,
    TreatmentPlan,
)
from plans.services import plan_review, plan_sign
from sessions.models import GroupMembership
from staff.forms_measures import item_field_name
from tests.clock import BAD_INPUT_AFTERNOON
from tests.factories import AttendanceFactory, GroupSessionFactory, ProgressNoteFactory
from tests.measures.conftest import phq9
from tests.plans.conftest import write_plan
from tests.staff.fuzzing import (  # noqa: F401 - world is a fixture
    FUZZ,
    NASTY,
    Target,
    attendance_pids,
    encode,
    form_pairs,
    has_nul,
    nearly_valid_pairs,
    row_fields,
    send,
    snapshot,
    world,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.time_machine(BAD_INPUT_AFTERNOON, tick=False),
]

ROLES = ("supervisor", "counselor", "other_counselor", "front_desk")
OUT_OF_SCOPE = {"other_counselor", "front_desk"}  # 404 on every page and post of another's patient


def _plan_parts(w, who: str) -> dict[str, list[str]]:
    """The ids of `who`'s plan parts (every version's), by kind."""
    plans = TreatmentPlan.objects.filter(enrollment__patient=w[who])
    return {
        "problem": [str(pk) for pk in Problem.objects.filter(plan__in=plans).values_list("pk", flat=True)],
        "goal": [str(pk) for pk in Goal.objects.filter(problem__plan__in=plans).values_list("pk", flat=True)],
        "objective": [
            str(pk) for pk in Objective.objects.filter(goal__problem__plan__in=plans).values_list("pk", flat=True)
        ],
    }


def _note_for(w, who: str, author):
    """A draft note on `who`'s attendance at a session of their group yesterday."""
    membership = GroupMembership.objects.get(patient=w[who])
    session = GroupSessionFactory(group=membership.group, starts_at=timezone.now() - datetime.timedelta(days=1))
    attendance = AttendanceFactory(session=session, enrollment=membership.enrollment)
    return ProgressNoteFactory(attendance=attendance, author=author)


@pytest.fixture
def plans_world(world):  # noqa: F811 - the fixture
    """The counselor's patient p1 rated 3 and 4 on two dimensions, with a signed plan (version 1) and its review
    being drafted (version 2), a note and an open safety alert; the outsider (another counselor's patient) with a
    draft plan, a note and an alert of their own: the ids a tampered form would post."""
    counselor, supervisor = world["users"]["counselor"], world["users"]["supervisor"]
    today = timezone.localdate()
    for who in ("p1", "outsider"):
        world[who].asam_d3_emotional, world[who].asam_d5_relapse = 3, 4
        world[who].save(update_fields=["asam_d3_emotional", "asam_d5_relapse"])
    enrollment = world["p1"].enrollments.get()
    plan = write_plan(counselor, enrollment)
    plan_sign(acting_user=counselor, plan=plan, patient_agreed_on=today, agreement_method=AgreementMethod.PAPER)
    plan_review(acting_user=counselor, enrollment=enrollment)
    write_plan(supervisor, world["outsider"].enrollments.get())
    alerts = {}
    for who in ("p1", "outsider"):
        response = measure_record(
            acting_user=supervisor, patient=world[who], instrument="phq9", answers=phq9(12, item9=1)
        )
        alerts[who] = str(response.safety_alert.pk)
    notes = {who: str(_note_for(world, who, supervisor).pk) for who in ("p1", "outsider")}
    return world | {
        "parts": {who: _plan_parts(world, who) for who in ("p1", "outsider")},
        "alerts": alerts,
        "notes": notes,
    }


def _rows():
    """Everything the plans' and measures' posts write, and the sheet's: a refused request leaves it as it was."""
    return (
        [model.objects.count() for model in (Problem, Goal, Intervention, DeferredDimension, NoteObjective)],
        [model.objects.count() for model in (MeasureResponse, MeasureAnswer, DrugScreen, DrugScreenResult)],
        list(TreatmentPlan.objects.order_by("pk").values_list("pk", "status", "cosigned_at")),
        list(Objective.objects.order_by("pk").values_list("pk", "status")),
        list(Problem.objects.order_by("pk").values_list("pk", "description")),
        list(SafetyAlert.objects.order_by("pk").values_list("pk", "followed_up_at")),
        snapshot(),
    )


def _ids(w, kind: str) -> list[str]:
    """This patient's ids of `kind` first (the real choices), then the outsider's (a tampered id)."""
    return w["parts"]["p1"][kind] + w["parts"]["outsider"][kind]


def _p1(w, path: str = "") -> str:
    return f"/patients/{w['p1'].pk}/{path}"


DAYS = ["2026-03-10", "2026-03-01", "2026-04-30", "2025-12-31"]  # today, before the plan, ahead, before admission
TEXT = ["Low mood most days.", "I want to enjoy things again."]


def _measure_fields(w, code: str = "") -> dict[str, list[str]]:
    """The instrument's items with all their answers; for no instrument, every instrument's (one instrument's items
    are unknown keys to the others)."""
    fields = {"administered_on": DAYS}
    for definition in [INSTRUMENTS[code]] if code in INSTRUMENTS else INSTRUMENTS.values():
        for item in definition.items:
            values = fields.setdefault(item_field_name(item.code), [])
            values += [str(choice.value) for choice in item.choices if str(choice.value) not in values]
    return fields


def _screen_fields(w) -> dict[str, list[str]]:
    results = {f"result_{substance.value}": list(ScreenResult.values) for substance in Substance}
    return {"collected_on": DAYS, "collected_time": ["09:15", "14:59", "15:01"], "observed": ["yes", "no"]} | (
        results | {"note": ["Observed; dilute."]}
    )


def _sheet_fields(w) -> dict[str, list[str]]:
    objectives = _ids(w, "objective")
    return row_fields(attendance_pids(w)) | {f"objectives-{pid}": objectives for pid in attendance_pids(w)}


# Each target: its method, its URL for the id drawn from `ids` (this patient's, the outsider's, or none), its fields.
TARGETS = {
    "plan edit": (Target("get", lambda w, _: _p1(w, "plan/edit/"), lambda w: {}), lambda w: [""]),
    "plan start": (Target("post", lambda w, _: _p1(w, "plan/start/"), lambda w: {}), lambda w: [""]),
    "add problem": (
        Target(
            "post",
            lambda w, _: _p1(w, "plan/problems/"),
            lambda w: {
                "problem-dimension": [str(d) for d in AsamDimension.values],
                "problem-severity": ["0", "3", "4"],
                "problem-description": TEXT,
            },
        ),
        lambda w: [""],
    ),
    "describe problem": (
        Target(
            "post",
            lambda w, pk: _p1(w, f"plan/problems/{pk}/"),
            lambda w: {f"describe-{pk}-description": TEXT for pk in _ids(w, "problem")},
        ),
        lambda w: _ids(w, "problem"),
    ),
    "add goal": (
        Target(
            "post",
            lambda w, pk: _p1(w, f"plan/problems/{pk}/goals/"),
            lambda w: {f"goal-{pk}-text": TEXT for pk in _ids(w, "problem")},
        ),
        lambda w: _ids(w, "problem"),
    ),
    "add objective": (
        Target(
            "post",
            lambda w, pk: _p1(w, f"plan/goals/{pk}/objectives/"),
            lambda w: {
                **{f"objective-{pk}-text": ["Walk 20 minutes 5 days a week."] for pk in _ids(w, "goal")},
                **{f"objective-{pk}-target_date": DAYS for pk in _ids(w, "goal")},
            },
        ),
        lambda w: _ids(w, "goal"),
    ),
    "objective status": (
        Target(
            "post",
            lambda w, pk: _p1(w, f"plan/objectives/{pk}/status/"),
            lambda w: {f"status-{pk}-status": list(ObjectiveStatus.values) for pk in _ids(w, "objective")},
        ),
        lambda w: _ids(w, "objective"),
    ),
    "add intervention": (
        Target(
            "post",
            lambda w, _: _p1(w, "plan/interventions/"),
            lambda w: {
                "intervention-what": ["Process group"],
                "intervention-frequency": ["3 times a week"],
                "intervention-who_role": ["counselor"],
                "intervention-group": [
                    str(w["group"].pk),
                    str(GroupMembership.objects.get(patient=w["outsider"]).group_id),
                    "",
                ],
            },
        ),
        lambda w: [""],
    ),
    "defer": (
        Target(
            "post",
            lambda w, _: _p1(w, "plan/deferred/"),
            lambda w: {
                "defer-dimension": [str(d) for d in AsamDimension.values],
                "defer-reason": ["Psychiatry first."],
            },
        ),
        lambda w: [""],
    ),
    "sign": (
        Target(
            "post",
            lambda w, _: _p1(w, "plan/sign/"),
            lambda w: {
                "sign-patient_agreed_on": DAYS,
                "sign-agreement_method": list(AgreementMethod.values),
                "sign-agreed_by_representative": ["", "Ana Ruiz, mother"],
            },
        ),
        lambda w: [""],
    ),
    "cosign": (Target("post", lambda w, _: _p1(w, "plan/cosign/"), lambda w: {}), lambda w: [""]),
    "version": (
        Target("get", lambda w, version: _p1(w, f"plan/versions/{version}/"), lambda w: {}),
        lambda w: ["1", "2", "3", "0"],
    ),
    "print": (Target("get", lambda w, _: _p1(w, "plan/print/"), lambda w: {"draft": ["1", "0"]}), lambda w: [""]),
    "plan note": (
        Target("get", lambda w, pk: _p1(w, f"plan/notes/{pk}/"), lambda w: {}),
        lambda w: [w["notes"]["p1"], w["notes"]["outsider"]],
    ),
    "measure page": (
        Target("get", lambda w, _: _p1(w, "measures/new/"), lambda w: {"instrument": list(INSTRUMENTS)}),
        lambda w: [""],
    ),
    "measure post": (
        Target("post", lambda w, code: _p1(w, f"measures/new/?instrument={encode(code)}"), _measure_fields),
        lambda w: list(INSTRUMENTS),
    ),
    "screen page": (Target("get", lambda w, _: _p1(w, "screens/new/"), lambda w: {}), lambda w: [""]),
    "screen post": (Target("post", lambda w, _: _p1(w, "screens/new/"), _screen_fields), lambda w: [""]),
    "alert follow-up page": (
        Target("get", lambda w, pk: _p1(w, f"alerts/{pk}/follow-up/"), lambda w: {}),
        lambda w: [w["alerts"]["p1"], w["alerts"]["outsider"]],
    ),
    "alert follow-up post": (
        Target("post", lambda w, pk: _p1(w, f"alerts/{pk}/follow-up/"), lambda w: {"note": ["Safety plan agreed."]}),
        lambda w: [w["alerts"]["p1"], w["alerts"]["outsider"]],
    ),
    "attendance sheet": (
        Target("post", lambda w, _: f"/sessions/{w['session'].pk}/attendance/", _sheet_fields),
        lambda w: [""],
    ),
}


@pytest.mark.parametrize("name", TARGETS)
def test_no_plan_or_measure_input_makes_a_server_error(client, plans_world, name):
    target, ids = TARGETS[name]
    w = plans_world
    fields = target.fields(w)
    # The id in the path: one of the real ones (this patient's or the outsider's), or a number that is no one's.
    path_ids = st.one_of(st.sampled_from(ids(w)), st.integers(min_value=0, max_value=10**25).map(str))
    if name == "measure post":  # the instrument in the query string: mostly a real one, so answers get scored
        path_ids = st.one_of(*[st.sampled_from(ids(w))] * 3, NASTY)

    @FUZZ
    @given(role=st.sampled_from(ROLES), path_id=path_ids, data=st.data())
    def probe(role, path_id, data):
        form = _measure_fields(w, path_id) if name == "measure post" else fields
        # Half the forms anything, half filled in but for one field, so that many reach the service.
        pairs = data.draw(st.one_of(form_pairs(form), nearly_valid_pairs(form)))
        client.force_login(w["users"][role])
        before, audited = _rows(), AuditEvent.objects.count()
        response = send(client, target.method, target.url(w, path_id), pairs)
        assert response.status_code < 500, (name, role, path_id, pairs)
        if has_nul([*pairs, ("instrument", path_id)]):
            # refused before any view runs: not even the view of a record is audited
            assert response.status_code == 400 and AuditEvent.objects.count() == audited, (name, role, pairs)
        elif role in OUT_OF_SCOPE:
            assert response.status_code == 404, (name, role, path_id, pairs)
        if response.status_code in (400, 404) or role in OUT_OF_SCOPE:
            assert _rows() == before, (name, role, path_id, pairs)

    probe()
