"""Reads over programs, enrollments and transitions. Each runs a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef

from clinic.subqueries import per_row
from patients.models import Patient
from programs.models import DischargeReason, Enrollment, EnrollmentStatus, Program, Transition

ENDED = [EnrollmentStatus.COMPLETED, EnrollmentStatus.DISCHARGED]


@dataclass
class Census:
    monday: datetime.date
    programs: list[Program]  # each with active, admitted, moved_in, moved_out and discharged counts
    reasons: list[tuple[str, int]]  # (TEDS reason, discharges this week)
    transitions: dict[str, int]  # kind -> moves this week

    @property
    def week_end(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=6)


def census_for_week(*, monday: datetime.date) -> Census:
    """Each program's active enrollments against its capacity, and the week's movements from `monday` on: admissions
    (an enrollment opened without a transition), transfers in and out, discharges (with their TEDS reasons) and
    transitions by kind. Three queries."""
    # Correlated subqueries over indexes, one per program and figure: grouping a join of every enrollment ever
    # made by program counted the whole history to find this week's few.
    of_program = Enrollment.objects.filter(program=OuterRef("pk"))
    admitted = of_program.filter(admitted_on__gte=monday)
    ended = of_program.filter(discharged_on__gte=monday)
    moved = Exists(Transition.objects.filter(to_enrollment=OuterRef("pk")))  # an index probe per enrollment
    programs = Program.objects.annotate(
        active=per_row(of_program.filter(status=EnrollmentStatus.ACTIVE), "program"),
        admitted=per_row(admitted.filter(~moved), "program"),
        moved_in=per_row(admitted.filter(moved), "program"),
        moved_out=per_row(ended.filter(status=EnrollmentStatus.TRANSFERRED), "program"),
        discharged=per_row(ended.filter(status__in=ENDED), "program"),
    ).order_by("name")
    reasons = (
        Enrollment.objects.filter(discharged_on__gte=monday, status__in=ENDED)
        .values("discharge_reason")
        .annotate(n=Count("pk"))
        .order_by("discharge_reason")
    )
    transitions = Transition.objects.filter(effective_on__gte=monday).values("kind").annotate(n=Count("pk"))
    labels = dict(DischargeReason.choices)
    return Census(
        monday=monday,
        programs=list(programs),
        reasons=[(labels.get(r["discharge_reason"]), r["n"]) for r in reasons],
        transitions={t["kind"]: t["n"] for t in transitions},
    )


def enrollment_current(patient: Patient) -> Enrollment | None:
    """The patient's active enrollment (at most one: the database sees to it), with its program."""
    return Enrollment.objects.filter(patient=patient, status=EnrollmentStatus.ACTIVE).select_related("program").first()
