"""The demo clinic's cast: staff, programs, the journeys patients take, and names to draw from."""

from dataclasses import dataclass

from clinic.levels import RESIDENTIAL_LEVELS
from clinic.levels import LevelOfCare as L
from clinic.models import Role
from programs.models import DischargeReason, TransitionKind

DEMO_PASSWORD = "demo-clinic-2026"  # noqa: S105 - printed by `make run` for the demo users


STAFF = [
    # username, first, last, role, credentials
    ("admin", "Avery", "Quinn", Role.ADMINISTRATOR, ""),
    ("supervisor", "Samira", "Rivera", Role.SUPERVISOR, "LCSW, LCADC"),
    ("counselor", "Jordan", "Lee", Role.COUNSELOR, "LCADC"),
    ("counselor2", "Morgan", "Patel", Role.COUNSELOR, "LPC"),
    ("frontdesk", "Casey", "Brooks", Role.FRONT_DESK, ""),
]
EXTRA_COUNSELOR_NAMES = [
    ("Riley", "Nguyen"),
    ("Taylor", "Okafor"),
    ("Jamie", "Kowalski"),
    ("Drew", "Hernandez"),
    ("Alex", "Murphy"),
    ("Cameron", "Schultz"),
    ("Reese", "Johansson"),
    ("Parker", "Adeyemi"),
    ("Skyler", "Romano"),
    ("Rowan", "Ito"),
]
PATIENTS_PER_COUNSELOR = 25

APPROACHES = [
    "12-step facilitation",
    "Faith-based",
    "Cognitive behavioral therapy",
    "Relapse prevention",
    "Motivational interviewing",
    "Family systems",
]


@dataclass
class ProgramSpec:
    key: str
    name: str
    level: str
    site: str
    capacity: int
    stay: tuple[int, int]  # length of stay, min and max days
    approaches: list[str]
    max_absences: int = 3
    description: str = ""

    @property
    def reminder_lead_hours(self) -> list[int]:
        # Patients in 24-hour care live on site: no reminder emails.
        return [] if self.level in RESIDENTIAL_LEVELS | {L.WITHDRAWAL_MANAGEMENT} else [24, 2]


PROGRAMS = [
    ProgramSpec(
        "detox",
        "Withdrawal Management Unit",
        L.WITHDRAWAL_MANAGEMENT,
        "Main campus",
        8,
        (3, 7),
        ["Motivational interviewing"],
        1,
        "Medically monitored withdrawal, 24 hours a day.",
    ),
    ProgramSpec(
        "res",
        "Residential - Maple House",
        L.CLINICALLY_MANAGED_HIGH_INTENSITY,
        "Main campus",
        16,
        (45, 90),
        ["12-step facilitation", "Cognitive behavioral therapy", "Relapse prevention"],
        2,
    ),
    ProgramSpec(
        "php",
        "Partial Hospitalization - Day Program",
        L.PARTIAL_HOSPITALIZATION,
        "Main campus",
        12,
        (14, 42),
        ["Cognitive behavioral therapy", "Relapse prevention"],
        2,
    ),
    ProgramSpec(
        "iop",
        "IOP - Day Track",
        L.INTENSIVE_OUTPATIENT,
        "Riverside clinic",
        24,
        (42, 84),
        ["12-step facilitation", "Relapse prevention", "Family systems"],
        2,
        "Three days a week, three hours a day.",
    ),
    ProgramSpec(
        "iop_faith",
        "IOP - Evening Faith-Based Track",
        L.INTENSIVE_OUTPATIENT,
        "Riverside clinic",
        15,
        (42, 84),
        ["Faith-based", "12-step facilitation"],
        2,
        "Evening groups for patients who want a faith-based program.",
    ),
    ProgramSpec(
        "op",
        "Outpatient Counseling",
        L.OUTPATIENT,
        "Riverside clinic",
        60,
        (30, 180),
        ["Motivational interviewing", "Cognitive behavioral therapy"],
        3,
    ),
    ProgramSpec(
        "after",
        "Aftercare - Continuing Care",
        L.CONTINUING_CARE,
        "Riverside clinic",
        80,
        (90, 365),
        ["Relapse prevention", "12-step facilitation"],
        4,
    ),
]

# A journey is the programs a patient passed through, and how the last stay ended (None: still there).
# The weight says how common each journey is.
JOURNEYS: list[tuple[int, list[str], int | None]] = [
    (10, ["res"], None),
    (8, ["res", "iop"], None),
    (7, ["res", "iop", "after"], None),
    (5, ["res", "iop", "after"], DischargeReason.COMPLETED),
    (9, ["iop"], None),
    (4, ["iop_faith"], None),
    (5, ["iop", "op"], None),
    (3, ["iop", "res"], None),  # stepped up
    (2, ["iop", "detox", "res"], None),  # stepped up to withdrawal management, then residential
    (4, ["php", "iop"], None),
    (3, ["php"], None),
    (1, ["detox"], None),
    (3, ["detox", "res", "iop_faith"], None),
    (8, ["op"], None),
    (6, ["after"], None),
    (4, ["iop"], DischargeReason.DROPPED_OUT),
    (2, ["res"], DischargeReason.TERMINATED),
    (2, ["op"], DischargeReason.INCARCERATED),
    (2, ["iop"], DischargeReason.TRANSFERRED),
    (3, ["iop", "after"], DischargeReason.COMPLETED),
    (1, ["res", "iop"], DischargeReason.OTHER),
    (1, ["op"], DischargeReason.DEATH),
]

TRANSITION_REASONS = {
    TransitionKind.STEP_DOWN: [
        "Met residential treatment goals; stable enough to live at home with IOP support.",
        "ASAM reassessment supports a lower level of care; engaged in groups and sober housing arranged.",
        "Completed IOP phase; continuing care to maintain gains.",
    ],
    TransitionKind.STEP_UP: [
        "Return to use with increasing frequency; home environment not supportive. Needs 24-hour structure.",
        "Withdrawal symptoms reported at check-in; referred for medically monitored withdrawal management.",
    ],
    TransitionKind.LATERAL: ["Patient asked for the faith-based track; schedule fits work hours."],
}

# fmt: off
FIRST_NAMES = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Christopher",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Donald",
    "Ashley",
    "Steven",
    "Kimberly",
    "Andrew",
    "Emily",
    "Joshua",
    "Donna",
    "Kevin",
    "Michelle",
    "Brian",
    "Carol",
    "Luis",
    "Amanda",
    "Marcus",
    "Melissa",
    "Tyrone",
    "Deborah",
    "Mateo",
    "Keisha",
    "Diego",
    "Aaliyah",
    "Wei",
    "Priya",
    "Omar",
    "Fatima",
    "Dmitri",
    "Ingrid",
    "Kenji",
    "Lucia",
    "Andre",
    "Tanya",
    "Renée",
    "Zoë",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Chen",
    "Okonkwo",
    "Novak",
    "Lindqvist",
    "Yamamoto",
    "Haddad",
    "O'Brien",
    "Kaur",
    "Petrov",
    "Mensah",
    "Muñoz",
    "Núñez",
]
# fmt: on
# The first demo patient: an accented name that the search finds typed without accents ("jose garcia").
FIRST_PATIENT_NAME = ("José", "García")
PREFERRED = {
    "Robert": "Bobby",
    "Elizabeth": "Liz",
    "William": "Will",
    "Richard": "Rick",
    "Joseph": "Joe",
    "Christopher": "Chris",
    "Kimberly": "Kim",
    "Deborah": "Deb",
    "Michael": "Mike",
    "Patricia": "Pat",
}
