"""The demo clinic's groups (program, title, weekdays, time, room, billing code, who leads) and the texts its
notes and group narratives are drawn from."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class GroupSpec:
    program: str
    title: str
    topic: str
    weekdays: tuple[int, ...]
    at: datetime.time
    minutes: int
    room: str
    code: str
    lead: int  # who facilitates: 0 the counselor, 1 the supervisor, 2 the second counselor (no overlaps)


GROUPS = [
    GroupSpec(
        "res",
        "Residential Process Group",
        "Process group and relapse prevention",
        (1, 2, 3, 4, 5, 6, 7),
        datetime.time(10, 0),
        90,
        "Maple House, group room",
        "H0005",
        0,
    ),
    GroupSpec(
        "res",
        "Evening 12-Step Study",
        "Big Book and step work",
        (1, 2, 3, 4, 5),
        datetime.time(19, 0),
        60,
        "Maple House, library",
        "H0005",
        2,
    ),
    GroupSpec(
        "php",
        "PHP Day Program",
        "Skills groups, CBT and relapse prevention",
        (1, 2, 3, 4, 5),
        datetime.time(8, 30),
        240,
        "Main campus, room 3",
        "90853",
        1,
    ),
    GroupSpec(
        "iop",
        "IOP Morning Group",
        "Relapse prevention and coping skills",
        (1, 3, 4),
        datetime.time(9, 0),
        180,
        "Riverside, room 2",
        "H0005",
        2,
    ),
    GroupSpec(
        "iop_faith",
        "Faith-Based IOP Evening",
        "Faith-based recovery and 12-step study",
        (1, 2, 4),
        datetime.time(18, 0),
        180,
        "Riverside, chapel room",
        "H0005",
        0,
    ),
    GroupSpec(
        "op",
        "Relapse Prevention Group",
        "Relapse prevention",
        (2,),
        datetime.time(17, 30),
        90,
        "Riverside, room 1",
        "90853",
        1,
    ),
    GroupSpec(
        "after",
        "Alumni Continuing Care Group",
        "Continuing care and peer support",
        (3,),
        datetime.time(18, 0),
        90,
        "Riverside, room 1",
        "90853",
        1,
    ),
]

NARRATIVES = [
    "Group reviewed high-risk situations for the holidays and practised refusal skills in pairs.",
    "Psychoeducation on the cycle of craving; members mapped their own triggers and early warning signs.",
    "Check-in round, then a discussion of Step 3; members shared what letting go of control means to them.",
    "Role-play of difficult conversations with family; feedback on assertive communication.",
    "Mindfulness exercise (urge surfing) followed by a review of the week's coping plans.",
    "Guest speaker from the alumni group shared their first year; questions about sober supports.",
]
DATA = [
    "Arrived on time, engaged in check-in; reported two cravings this week, both managed with calls to sponsor.",
    "Quiet at first, then shared about conflict at home; accepted feedback from peers.",
    "Reported a stressful week at work; used breathing exercise when urges came; no use reported.",
    "Actively participated in role-play; described plan for upcoming family gathering.",
]
ASSESSMENT = [
    "Making steady progress on coping-skills goal; insight improving.",
    "Ambivalence about abstinence persists; motivation fluctuating but engaged.",
    "Stable; applying skills outside group. Risk of relapse moderate around family stressors.",
]
PLAN = [
    "Continue current level of care; practise urge surfing daily; review at next individual session.",
    "Attend two outside mutual-support meetings this week; counselor to follow up on housing.",
    "Continue group; add relapse-prevention worksheet; reassess weekly hours next week.",
]
# Added to a few signed notes (an addendum is the only way to complete a signed note).
ADDENDA = [
    "Patient called the next morning: used the coping plan over the weekend, no use reported.",
    "Correction: the homework assigned was the relapse-prevention worksheet, not the gratitude list.",
    "Spoke with the patient's sponsor (release on file); attendance at outside meetings confirmed.",
    "Reviewed with the clinical supervisor; level of care unchanged.\nFollow up at next individual session.",
]
ADDENDUM_EVERY = (
    29  # about one signed note in thirty has one; chosen by id, so the seed's random draws stay as they were
)
