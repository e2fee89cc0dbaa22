"""The patient chart, one section at a time: every section shows the chart's head (who, where in care, open reviews)
and loads only its own rows, a page of them, in a fixed number of queries whatever the length of the history."""

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
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
NOTES_PER_PAGE = 10  # a note is a screen's card; ten, then the next page
ROWS_PER_PAGE = 25  # attendance and reminders


class Section:
    SUMMARY = "summary"
    JOURNEY = "journey"
    PLAN = "plan"  # the treatment plan (plans composes it on the staff pages)
    MEASURES = "measures"  # scores, drug screens, safety alerts (staff.views.measures): clinicians only
    ATTENDANCE = "attendance"
    NOTES = "notes"
    REMINDERS = "reminders"


SECTIONS = [
    (Section.SUMMARY, "Summary"),
    (Section.JOURNEY, "Journey"),
    (Section.PLAN, "Plan"),
    (Section.MEASURES, "Measures"),
    (Section.ATTENDANCE, "Attendance"),
    (Section.NOTES, "Notes"),
    (Section.REMINDERS, "Reminders"),
]
CLINICAL_SECTIONS = {Section.NOTES, Section.PLAN, Section.MEASURES}  # for those who see clinical content only


@dataclass
class JourneyStep:
    enrollment: Enrollment
    transition_in: Transition | None


@dataclass
class ChartHead:
    """What every section of the chart shows: the patient, their latest stay (the current one, if in care) and the
    open absence reviews."""

    patient: Patient
    latest: Enrollment | None
    open_reviews: list[AbsenceReview]
    clinician: bool  # the reader sees notes and may act on the enrollment

    @property
    def current(self) -> Enrollment | None:
        return self.latest if self.latest is not None and self.latest.is_active else None

    @property
    def screening(self) -> list[tuple[str, int | None]]:
        """The intake's ASAM dimension ratings, labelled."""
        return [(label, getattr(self.patient, name)) for name, label in ASAM_DIMENSIONS.items()]

    def sections(self) -> list[tuple[str, str]]:
        """The sections this reader may open, as (name, label)."""
        return [(name, label) for name, label in SECTIONS if self.clinician or name not in CLINICAL_SECTIONS]


def chart_head(*, user, pk) -> ChartHead | None:
    """Patient `pk`'s chart head as `user` reads it: None when the patient is outside their scope (or does not
    exist). Three queries."""
    patient = patients_visible_to(user).select_related("primary_counselor").filter(pk=pk).first()
    if patient is None:
        return None
    latest = (
        Enrollment.objects.filter(patient=patient)
        .select_related("program", "counselor")
        .order_by("-admitted_on", "-pk")
        .first()
    )
    reviews = list(AbsenceReview.objects.filter(enrollment__patient=patient, resolved_at__isnull=True))
    return ChartHead(patient, latest, reviews, clinician=policy.allows(user, Action.SEE_CLINICAL))


def chart_journey(patient: Patient) -> list[JourneyStep]:
    """Each stay, oldest first, with the transition into it. Two queries."""
    enrollments = Enrollment.objects.filter(patient=patient).select_related("program", "counselor", "override_by")
    transitions = {
        t.to_enrollment_id: t
        for t in Transition.objects.filter(to_enrollment__patient=patient).select_related("decided_by")
    }
    return [JourneyStep(e, transitions.get(e.pk)) for e in enrollments.order_by("admitted_on", "pk")]


def chart_hours(head: ChartHead) -> list[WeekHours]:
    """The last eight weeks' hours of the latest stay (to its discharge)."""
    latest = head.latest
    if latest is None:
        return []
    today = timezone.localdate()
    last = min(today, latest.discharged_on or today)
    return weekly_hours(
        enrollments=Enrollment.objects.filter(pk=latest.pk),
        first_week=week_start(last) - datetime.timedelta(weeks=HISTORY_WEEKS - 1),
        last_week=last,
    ).get(latest.pk, [])


def chart_attendance(patient: Patient, *, page) -> Page:
    """A page of the patient's attendance, newest first. Two queries."""
    rows = (
        Attendance.objects.filter(patient=patient)
        .select_related("session__group")
        .only("status", "minutes_attended", "session__kind", "session__starts_at", "session__group__title")
        .order_by("-session__starts_at", "-pk")
    )
    return Paginator(rows, ROWS_PER_PAGE).get_page(page)


def _notes(patient: Patient):
    return ProgressNote.objects.filter(attendance__patient=patient).order_by("-attendance__session__starts_at", "-pk")


def chart_notes(patient: Patient, *, page) -> Page:
    """A page of the patient's progress notes with their addenda, newest session first. Three queries."""
    notes = _notes(patient).select_related("author", "attendance__session__group").prefetch_related(addenda_in_order())
    one_page = Paginator(notes, NOTES_PER_PAGE).get_page(page)
    for note in one_page:  # the chart's patient, as loaded: the policy's questions about a note load nothing more
        note.attendance.patient = patient
        if note.attendance.session.patient_id == patient.pk:
            note.attendance.session.patient = patient
    return one_page


def notes_page_of(note: ProgressNote) -> int:
    """The page of the chart's notes that shows `note`. One query."""
    session = note.attendance.session
    newer = _notes(note.attendance.patient).filter(attendance__session__starts_at__gt=session.starts_at).count()
    return newer // NOTES_PER_PAGE + 1


def chart_reminders(patient: Patient, *, page) -> Page:
    """A page of the reminders to and about the patient, latest due first. Two queries."""
    reminders = Reminder.objects.filter(patient=patient).select_related("staff", "session").order_by("-due_at", "-pk")
    return Paginator(reminders, ROWS_PER_PAGE).get_page(page)
