"""Everything the patient chart shows, in a fixed number of queries whatever the length of the history."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from clinic import policy
from clinic.clock import week_start
from clinic.policy import Action, patients_visible_to
from patients.models import ASAM_DIMENSIONS, Patient
from programs.models import Enrollment, Transition
from sessions.models import AbsenceReview, Attendance, ProgressNote, Reminder
from sessions.selectors.hours import WeekHours, weekly_hours
from sessions.selectors.notes import addenda_in_order

HISTORY_WEEKS = 8
RECENT = 30


@dataclass
class JourneyStep:
    enrollment: Enrollment
    transition_in: Transition | None


@dataclass
class Chart:
    patient: Patient
    journey: list[JourneyStep]
    current: Enrollment | None
    weeks: list[WeekHours]
    attendance: list[Attendance]
    notes: list[ProgressNote] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    open_reviews: list[AbsenceReview] = field(default_factory=list)
    clinician: bool = False  # the reader sees notes and may act on the enrollment

    @property
    def screening(self) -> list[tuple[str, int | None]]:
        """The intake's ASAM dimension ratings, labelled."""
        return [(label, getattr(self.patient, name)) for name, label in ASAM_DIMENSIONS.items()]


def chart_for(patient: Patient, *, with_notes: bool) -> Chart:
    """The level-of-care journey (each enrollment with the transition into it), the last eight weeks' hours of the
    latest enrollment, recent attendance, notes (for clinicians) and the reminder delivery log."""
    enrollments = list(
        Enrollment.objects.filter(patient=patient)
        .select_related("program", "counselor", "override_by")
        .order_by("admitted_on", "pk")
    )
    transitions = {
        t.to_enrollment_id: t
        for t in Transition.objects.filter(to_enrollment__patient=patient).select_related("decided_by")
    }
    latest = enrollments[-1] if enrollments else None
    weeks = []
    if latest is not None:
        today = timezone.localdate()
        last = min(today, latest.discharged_on or today)
        weeks = weekly_hours(
            enrollments=Enrollment.objects.filter(pk=latest.pk),
            first_week=week_start(last) - datetime.timedelta(weeks=HISTORY_WEEKS - 1),
            last_week=last,
        ).get(latest.pk, [])
    attendance = list(
        Attendance.objects.filter(patient=patient)
        .select_related("session__group")
        .only("status", "minutes_attended", "session__kind", "session__starts_at", "session__group__title")
        .order_by("-session__starts_at")[:RECENT]
    )
    notes = []
    if with_notes:
        notes = list(
            ProgressNote.objects.filter(attendance__patient=patient)
            .select_related("author", "attendance__session__group")
            .prefetch_related(addenda_in_order())
            .order_by("-attendance__session__starts_at")[:RECENT]
        )
        for note in notes:  # the chart's patient, as loaded: the policy's questions about a note load nothing more
            note.attendance.patient = patient
            if note.attendance.session.patient_id == patient.pk:
                note.attendance.session.patient = patient
    reminders = list(
        Reminder.objects.filter(patient=patient).select_related("staff", "session").order_by("-due_at")[:RECENT]
    )
    reviews = list(AbsenceReview.objects.filter(enrollment__patient=patient, resolved_at__isnull=True))
    return Chart(
        patient=patient,
        journey=[JourneyStep(e, transitions.get(e.pk)) for e in enrollments],
        current=latest if latest is not None and latest.is_active else None,
        weeks=weeks,
        attendance=attendance,
        notes=notes,
        reminders=reminders,
        open_reviews=reviews,
        clinician=with_notes,
    )


def chart_page(*, user, pk) -> Chart | None:
    """Patient `pk`'s chart as `user` reads it: None when the patient is outside their scope (or does not exist),
    notes for clinicians only."""
    patient = patients_visible_to(user).select_related("primary_counselor").filter(pk=pk).first()
    if patient is None:
        return None
    return chart_for(patient, with_notes=policy.allows(user, Action.SEE_CLINICAL))
