import datetime

import factory
from django.utils import timezone

from clinic.clock import local_start
from clinic.levels import LevelOfCare
from clinic.models import User
from patients.models import Patient, luhn_check_digit
from programs.models import Enrollment, Program
from sessions.models import Attendance, GroupMembership, ProgressNote, SessionKind, TherapyGroup, TherapySession
from sessions.services.counseling import counseling_book
from tests.clock import TODAY

PASSWORD = "correct horse battery"  # every factory-made user's


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = "counselor"
    is_staff = True
    password = factory.django.Password(PASSWORD)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    # Sequential, so that no two test patients draw the same random MRN; still check-digited.
    mrn = factory.Sequence(lambda n: f"{1000000 + n}{luhn_check_digit(str(1000000 + n))}")
    legal_first_name = factory.Faker("first_name")
    legal_last_name = factory.Faker("last_name")
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=35 * 365))
    email = factory.LazyAttribute(lambda p: f"{p.legal_first_name.lower()}.{p.mrn}@example.com")
    intake_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))

    class Params:
        consenting = factory.Trait(reminder_consent_given_at=factory.LazyFunction(timezone.now))


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    level_of_care = LevelOfCare.INTENSIVE_OUTPATIENT
    site = "Main campus"
    capacity = 10


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    patient = factory.SubFactory(PatientFactory)
    program = factory.SubFactory(ProgramFactory)
    admitted_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=20))


class TherapyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TherapyGroup

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Relapse Prevention {n}")
    facilitator = factory.SubFactory(UserFactory)
    weekdays = factory.LazyFunction(lambda: [1, 3, 4])
    start_time = datetime.time(9, 30)
    duration_minutes = 180
    location = "Room 2"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))


class GroupSessionFactory(factory.django.DjangoModelFactory):
    """A group session that started an hour ago unless told otherwise."""

    class Meta:
        model = TherapySession

    kind = SessionKind.GROUP
    group = factory.SubFactory(TherapyGroupFactory)
    program = factory.SelfAttribute("group.program")
    facilitator = factory.SelfAttribute("group.facilitator")
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    occurrence_date = factory.LazyAttribute(lambda s: timezone.localtime(s.starts_at).date())
    duration_minutes = factory.SelfAttribute("group.duration_minutes")
    location = "Room 2"
    billing_code = "90853"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(TherapyGroupFactory)
    enrollment = factory.SubFactory(EnrollmentFactory, program=factory.SelfAttribute("..group.program"))
    patient = factory.SelfAttribute("enrollment.patient")
    joined_on = factory.SelfAttribute("enrollment.admitted_on")

    class Params:
        # A patient who agreed to reminder emails: the planner writes pending reminders for them.
        consenting = factory.Trait(enrollment__patient__consenting=True)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(GroupSessionFactory)
    enrollment = factory.SubFactory(EnrollmentFactory, program=factory.SelfAttribute("..session.program"))
    patient = factory.SelfAttribute("enrollment.patient")
    status = "present"
    minutes_attended = factory.SelfAttribute("session.duration_minutes")


class ProgressNoteFactory(factory.django.DjangoModelFactory):
    """A draft note."""

    class Meta:
        model = ProgressNote

    attendance = factory.SubFactory(AttendanceFactory)
    author = factory.SubFactory(UserFactory)
    data, assessment, plan = "Engaged.", "Progressing.", "Continue."

    class Params:
        signed = factory.Trait(signed_at=factory.LazyFunction(timezone.now))


def caseload_patient(counselor, **enrollment_fields) -> Enrollment:
    """An IOP patient of `counselor` on a group roster, with attendance and a draft note."""
    enrollment = EnrollmentFactory(
        counselor=counselor, patient__primary_counselor=counselor, program__level_of_care="2.1", **enrollment_fields
    )
    group = TherapyGroupFactory(program=enrollment.program, facilitator=counselor)
    MembershipFactory(group=group, enrollment=enrollment)
    session = GroupSessionFactory(group=group, starts_at=timezone.now() - datetime.timedelta(days=1))
    GroupSessionFactory(group=group, starts_at=timezone.now() + datetime.timedelta(days=1))
    attendance = AttendanceFactory(session=session, enrollment=enrollment, status="unexcused", minutes_attended=0)
    ProgressNoteFactory(attendance=attendance, author=counselor, data="d", assessment="a", plan="p")
    return enrollment


def attendees_with_notes(session, count: int, *, author, **note_fields) -> list[ProgressNote]:
    """`count` new patients on the roster of the session's group, each present at it with a note by `author` (a
    draft unless `signed=True`)."""
    return [
        ProgressNoteFactory(
            attendance__session=session, attendance__enrollment=member.enrollment, author=author, **note_fields
        )
        for member in MembershipFactory.create_batch(count, group=session.group)
    ]


def book_counseling(*, acting_user, patient, counselor=None, **fields) -> list[TherapySession]:
    """Book through the service, as the front desk or a counselor would: unless told otherwise, a 50-minute
    individual session with the acting user at 10:00 a week after the suite's day (tests/clock.py), in Office 4,
    booked a week ahead of it (so a session of a past day was booked before its time, not after)."""
    booking = {
        "kind": "individual",
        "day": TODAY + datetime.timedelta(days=7),
        "at": datetime.time(10),
        "duration_minutes": 50,
        "location": "Office 4",
    } | fields
    booking.setdefault("now", local_start(booking["day"], booking["at"]) - datetime.timedelta(days=7))
    return counseling_book(acting_user=acting_user, patient=patient, counselor=counselor or acting_user, **booking)
