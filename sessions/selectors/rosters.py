"""Therapy groups and their rosters as the staff pages show them: the groups list, a group's page, the patients who
may join a group, and a patient's groups on the chart. Each runs a fixed number of queries and lists a bounded
number of rows, whatever the size of the clinic or the length of a roster's history."""

import re
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from clinic import policy
from clinic.policy import Action, patients_visible_to
from patients.models import Patient
from programs.models import Enrollment, EnrollmentStatus, Program
from sessions.models import GroupMembership, TherapyGroup, TherapySession

GROUPS_PAGE_SIZE = 25
ROSTER_LIMIT = 60  # current members listed on a group's page (a group's capacity is rarely above 15)
PAST_PAGE_SIZE = 20  # past members a page
NEXT_SESSIONS = 5
SUGGESTIONS = 15  # patients suggested at once by the picker
CHART_MEMBERSHIPS = 30  # a patient's memberships on the chart, latest first
CHART_OFFERS = 30  # groups offered on the chart
MAX_TYPED = 200
_WORDS = 4

# A membership is live while it is open and its enrollment is active (sessions.services.groups.live_memberships).
LIVE = Q(left_on__isnull=True, enrollment__status=EnrollmentStatus.ACTIVE)
_LIVE_IN_GROUP = Q(memberships__left_on__isnull=True, memberships__enrollment__status=EnrollmentStatus.ACTIVE)


def with_seats(groups: QuerySet[TherapyGroup]) -> QuerySet[TherapyGroup]:
    """Each group with `members`, its live roster's size (what `membership_add` checks the capacity against)."""
    return groups.annotate(members=Count("memberships", filter=_LIVE_IN_GROUP))


def seats_left(group: TherapyGroup) -> int:
    return max(group.capacity - group.members, 0)


# --- The groups list ------------------------------------------------------------------------------------------------


@dataclass
class GroupList:
    page: Page  # of groups, each with `members` and `seats_left`
    programs: list[Program]  # the filter's choices
    program: Program | None
    mine: bool


def groups_list(*, user, program_id: str | None, mine: bool, page: str | int | None) -> GroupList:
    """Active groups, by program and title, GROUPS_PAGE_SIZE a page, each with its live roster's size; narrowed to one
    program, or (`mine`) to the groups the user facilitates. No patient is named. Four queries."""
    programs = list(Program.objects.filter(is_active=True).order_by("name").only("pk", "name"))
    program = next((p for p in programs if str(p.pk) == str(program_id or "")), None)
    groups = TherapyGroup.objects.filter(is_active=True)
    if program is not None:
        groups = groups.filter(program=program)
    if mine:
        groups = groups.filter(facilitator=user)
    # Page through bare ids, then count the page's rosters only.
    one_page = Paginator(groups.order_by("program__name", "title", "pk").values_list("pk", flat=True), GROUPS_PAGE_SIZE)
    one_page = one_page.get_page(page)
    rows = list(
        with_seats(TherapyGroup.objects.filter(pk__in=list(one_page.object_list)))
        .select_related("program", "facilitator")
        .order_by("program__name", "title", "pk")
    )
    for group in rows:
        group.seats_left = seats_left(group)
    one_page.object_list = rows
    return GroupList(page=one_page, programs=programs, program=program, mine=mine)


# --- A group's page -------------------------------------------------------------------------------------------------


@dataclass
class GroupPage:
    group: TherapyGroup  # with `members` (the live roster's size) and `seats_left`
    current: list[GroupMembership]  # the first ROSTER_LIMIT, each with `visible` (may the user see the patient)
    past: Page  # of memberships ended (or whose enrollment ended), latest first, each with `visible` and `ended_on`
    sessions: list[TherapySession]  # the next few, cancelled ones included
    shown_patient_ids: set[int] = field(default_factory=set)  # the patients named on the page

    @property
    def more_current(self) -> int:
        return self.group.members - len(self.current)


def group_page(*, user, pk: int, past_page: str | int | None = None) -> GroupPage | None:
    """Group `pk` (None if there is none): its seats, the current roster in name order, the past members a page at a
    time (the history is kept: a re-joining patient appears once per membership) and the next sessions. Patients
    outside the user's scope are listed without their name. Seven queries (six for those who see every patient)."""
    group = with_seats(TherapyGroup.objects.select_related("program", "facilitator")).filter(pk=pk).first()
    if group is None:
        return None
    group.seats_left = seats_left(group)
    memberships = group.memberships.select_related("patient", "enrollment").only(
        "joined_on",
        "left_on",
        "group_id",
        "patient__legal_first_name",
        "patient__legal_last_name",
        "patient__preferred_name",
        "patient__mrn",
        "enrollment__status",
        "enrollment__discharged_on",
    )
    current = list(
        memberships.filter(LIVE).order_by("patient__legal_last_name", "patient__legal_first_name", "pk")[:ROSTER_LIMIT]
    )
    past = Paginator(memberships.exclude(LIVE).order_by("-joined_on", "-pk"), PAST_PAGE_SIZE).get_page(past_page)
    past_rows = list(past.object_list)
    for membership in past_rows:
        membership.ended_on = membership.left_on or membership.enrollment.discharged_on
    past.object_list = past_rows
    listed = {m.patient_id for m in [*current, *past_rows]}
    visible = policy.visible_among(user, listed)
    for membership in [*current, *past_rows]:
        membership.visible = membership.patient_id in visible
    sessions = list(
        group.sessions.filter(starts_at__gte=timezone.now())
        .only("starts_at", "status", "duration_minutes", "location", "video_link", "group_id")
        .order_by("starts_at")[:NEXT_SESSIONS]
    )
    return GroupPage(group=group, current=current, past=past, sessions=sessions, shown_patient_ids=visible)


# --- Who may join a group: the patient picker -----------------------------------------------------------------------


def patient_label(patient: Patient) -> str:
    """ "Last, First (MRN 1234567)": the MRN makes it unique, so a label names one patient."""
    return f"{patient.legal_last_name}, {patient.display_first_name} (MRN {patient.mrn})"


_LABEL = re.compile(r"\(MRN (?P<mrn>\d+)\)\s*$")


def group_candidates(user, group: TherapyGroup) -> QuerySet[Patient]:
    """The patients `user` may see who are actively enrolled in the group's program and not on its roster."""
    enrolled = Enrollment.objects.filter(
        patient=OuterRef("pk"), program_id=group.program_id, status=EnrollmentStatus.ACTIVE
    )
    member = GroupMembership.objects.filter(patient=OuterRef("pk"), group=group, left_on__isnull=True)
    return patients_visible_to(user).filter(Exists(enrolled)).exclude(Exists(member))


def _typed(text: str) -> str:
    return str(text or "").replace("\x00", "")[:MAX_TYPED].strip()


def _name_matches(text: str) -> Q:
    words = re.sub(r"[,()]", " ", text).split()[:_WORDS]
    match = Q()
    for word in words:
        match &= (
            Q(legal_first_name__icontains=word)
            | Q(legal_last_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(mrn__startswith=word)
        )
    return match


def candidates_matching(user, group: TherapyGroup, text: str, *, limit: int = SUGGESTIONS) -> list[Patient]:
    """Up to `limit` of the group's candidates whose name or MRN matches each word of `text`, by name. One query."""
    found = group_candidates(user, group).filter(_name_matches(_typed(text)))
    return list(
        found.only("pk", "mrn", "legal_first_name", "legal_last_name", "preferred_name").order_by(
            "legal_last_name", "legal_first_name", "pk"
        )[:limit]
    )


def candidate_named(user, group: TherapyGroup, text: str) -> tuple[Patient | None, int]:
    """The one candidate `text` names (a label, an MRN, or words of a name only one candidate has), else None with
    how many matched (0 or more than 1). At most two queries, reading two rows or fewer."""
    text = _typed(text)
    if not text:
        return None, 0
    candidates = group_candidates(user, group)
    label = _LABEL.search(text)
    mrn = label["mrn"] if label else (text if text.isascii() and text.isdigit() else None)
    if mrn is not None:
        patient = candidates.filter(mrn=mrn).first()
        if patient is not None:
            return patient, 1
    found = list(candidates.filter(_name_matches(text))[:2])
    if len(found) == 1:
        return found[0], 1
    return None, (candidates.filter(_name_matches(text)).count() if found else 0)


def active_groups() -> QuerySet[TherapyGroup]:
    """The groups a patient may be added to from the chart (the service checks the program and the user)."""
    return TherapyGroup.objects.filter(is_active=True)


def live_memberships_of(patient: Patient) -> QuerySet[GroupMembership]:
    """The patient's live memberships: the ones the chart lists as current and may end."""
    return GroupMembership.objects.filter(LIVE, patient=patient).select_related("group")


# --- A patient's groups on the chart -------------------------------------------------------------------------------


@dataclass
class ChartGroups:
    current: list[GroupMembership]  # live memberships
    past: list[GroupMembership]  # each with `ended_on`
    offered: list[TherapyGroup]  # groups of the current program with a free seat that the user keeps the roster of
    program: Program | None  # the current program, None when not in care


def chart_groups(*, user, patient: Patient, current: Enrollment | None) -> ChartGroups:
    """The patient's memberships (the latest CHART_MEMBERSHIPS), current and past; and, for a user who keeps rosters,
    the active groups of the patient's CURRENT program (after a step-down, the new one's) that have a free seat
    and do not have the patient already. Two queries."""
    memberships = list(
        GroupMembership.objects.filter(patient=patient)
        .select_related("group__program", "enrollment")
        .order_by("-joined_on", "-pk")[:CHART_MEMBERSHIPS]
    )
    live = [m for m in memberships if m.left_on is None and m.enrollment.status == EnrollmentStatus.ACTIVE]
    past = [m for m in memberships if m not in live]
    for membership in past:
        membership.ended_on = membership.left_on or membership.enrollment.discharged_on
    offered = []
    if current is not None and policy.allows(user, Action.CLINICAL_WORK):
        groups = TherapyGroup.objects.filter(program_id=current.program_id, is_active=True).exclude(
            pk__in=[m.group_id for m in live]
        )
        if not policy.allows(user, Action.SEE_ALL_PATIENTS):  # a counselor keeps only the rosters of their groups
            groups = groups.filter(facilitator=user)
        rows = with_seats(groups).select_related("facilitator").order_by("title", "pk")[:CHART_OFFERS]
        offered = [g for g in rows if g.members < g.capacity and policy.allows(user, Action.KEEP_ROSTER, g)]
        for group in offered:
            group.seats_left = seats_left(group)
    return ChartGroups(current=live, past=past, offered=offered, program=current.program if current else None)
