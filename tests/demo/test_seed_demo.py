import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from clinic.models import Role, User
from demo.seed import seed_clinic
from patients.models import Patient
from programs.models import Enrollment, Program, Transition, TransitionKind
from tests.factories import UserFactory, caseload_patient

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_the_demo_looks_like_a_real_clinic():
    output = seed()

    assert "40 patients" in output
    assert Patient.objects.count() == 40
    assert {
        u.role
        for u in User.objects.filter(username__in=["admin", "supervisor", "counselor", "counselor2", "frontdesk"])
    } == set(Role.values)
    levels = set(Program.objects.values_list("level_of_care", flat=True))
    assert {"3.5", "2.1", "2.5", "1.0", "aftercare"} <= levels
    assert Program.objects.filter(approaches__name="Faith-based").exists()
    # Journeys: residential -> IOP -> aftercare, a step-up, discharges with several TEDS reasons.
    assert Transition.objects.filter(kind="step_up").exists()
    three_stays = Enrollment.objects.values("patient").annotate(n=Count("id")).filter(n=3)
    assert three_stays.exists()
    reasons = set(
        Enrollment.objects.filter(status__in=["completed", "discharged"]).values_list("discharge_reason", flat=True)
    )
    assert len(reasons) >= 5
    assert Enrollment.objects.exclude(override_reason="").filter(override_by__role="supervisor").exists()


def assert_the_rules_hold():
    """What the services would have enforced: capacity, one episode of care at a time, transitions that join
    consecutive stays, group rosters within capacity, attendance only for patients on the roster that day."""
    from sessions.models import Attendance, GroupMembership, TherapyGroup
    from sessions.services.groups import live_memberships

    for program in Program.objects.annotate(active=Count("enrollments", filter=Q(enrollments__status="active"))):
        assert program.active <= program.capacity
    # One episode of care at a time: each stay ends before or when the next begins, only the last may be active.
    # (The database refuses a second active enrollment outright; what the seed itself decides is the order.)
    stays = Enrollment.objects.order_by("patient", "admitted_on", "id")
    by_patient = {}
    for stay in stays:
        by_patient.setdefault(stay.patient_id, []).append(stay)
    assert any(s[-1].status == "active" for s in by_patient.values())
    for episodes in by_patient.values():
        for earlier, later in itertools.pairwise(episodes):
            assert earlier.status != "active" and earlier.discharged_on is not None, earlier
            assert earlier.discharged_on <= later.admitted_on, (earlier, later)
        assert (episodes[-1].status == "active") == (episodes[-1].discharged_on is None), episodes[-1]
    for transition in Transition.objects.select_related("from_enrollment__program", "to_enrollment__program"):
        assert transition.from_enrollment.discharged_on == transition.to_enrollment.admitted_on
        levels = (transition.from_enrollment.program.level_of_care, transition.to_enrollment.program.level_of_care)
        assert transition.kind == TransitionKind.between(*levels)  # the same rule as enrollment_transition
    for group in TherapyGroup.objects.all():
        assert live_memberships(group).count() <= group.capacity
    for attendance in Attendance.objects.filter(session__kind="group").select_related("session")[:300]:
        day = attendance.session.local_date
        assert GroupMembership.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=day),
            group=attendance.session.group_id,
            patient=attendance.patient_id,
            enrollment=attendance.enrollment_id,
            joined_on__lte=day,
        ).exists()


def test_the_demo_respects_capacity_and_one_active_enrollment():
    seed("--patients", "120")

    assert_the_rules_hold()


def test_seeding_in_small_chunks_keeps_the_rules_across_chunks():
    from sessions.models import TherapyGroup
    from sessions.services.groups import sessions_generate

    output = seed("--patients", "150", "--chunk-size", "20")

    assert "Patients: 20/150 (chunk 1 of 8;" in output
    assert "Patients: 150/150 (chunk 8 of 8;" in output
    assert "rows/s" in output
    assert Patient.objects.count() == 150
    assert TherapyGroup.objects.filter(title="Residential Process Group 2").exists()  # a copy opened as one filled
    assert_the_rules_hold()
    # The weeks ahead are exactly what the session generator would make: it finds nothing to add or change.
    assert sessions_generate() == {"created": 0, "moved": 0, "cancelled": 0}


@pytest.mark.postgres
def test_on_postgresql_the_demo_loads_through_copy_and_the_tables_stay_usable():
    from sessions.models import Attendance, ProgressNote, TherapySession
    from sessions.services.groups import sessions_generate

    def foreign_keys():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' ORDER BY 1, 2"
            )
            return cursor.fetchall()

    before = foreign_keys()

    output = seed("--patients", "150", "--chunk-size", "40")

    assert foreign_keys() == before  # dropped for the load, added back (and so checked) at the end
    assert "Patients: 150/150 (chunk 4 of 4;" in output
    assert Patient.objects.count() == 150
    assert ProgressNote.objects.count() > Attendance.objects.count() / 2 > 0
    assert_the_rules_hold()
    assert sessions_generate() == {"created": 0, "moved": 0, "cancelled": 0}
    # Sequences were moved past the keys the seed handed out: the next rows the app adds get fresh ones.
    enrollment = caseload_patient(UserFactory(role=Role.COUNSELOR))
    assert enrollment.patient_id > Patient.objects.exclude(pk=enrollment.patient_id).aggregate(m=Max("pk"))["m"]
    assert TherapySession.objects.filter(status="scheduled", starts_at__gt=timezone.now()).exists()
    # ... and a second run counts on from there.
    seed("--patients", "30", "--chunk-size", "40")
    assert Patient.objects.count() == 181
    assert_the_rules_hold()


def test_memory_follows_the_chunk_not_the_number_of_patients():
    small = seed_clinic(patients=40, chunk=20)
    large = seed_clinic(patients=160, chunk=20)

    # Four times the patients, twice the rows written in all, but no bigger write: each chunk is handed over alone.
    assert large["attendance"] > 2 * small["attendance"]
    assert large["largest_write"] < 2 * small["largest_write"]


def test_the_same_seed_gives_the_same_clinic():
    def clinic():
        with transaction.atomic():
            seed_clinic(patients=60, seed=7, chunk=25)
            made = (
                list(Patient.objects.order_by("pk").values_list("mrn", "legal_last_name", "date_of_birth")),
                list(Enrollment.objects.order_by("pk").values_list("program__name", "admitted_on", "status")),
                sorted(Attendance.objects.values_list("status", flat=True)),
            )
            transaction.set_rollback(True)
        return made

    from sessions.models import Attendance

    assert clinic() == clinic()


def test_loading_the_demo_twice_with_if_empty_adds_nothing():
    seed("--if-empty")
    counts = (Patient.objects.count(), Enrollment.objects.count(), User.objects.count())

    assert "nothing added" in seed("--if-empty")
    assert (Patient.objects.count(), Enrollment.objects.count(), User.objects.count()) == counts


def test_asking_for_more_patients_adds_them_and_reports_progress():
    seed("--patients", "10")

    output = seed("--patients", "30")

    assert "Patients: 30/30" in output
    assert Patient.objects.count() == 40
    assert Patient.objects.values("mrn").distinct().count() == 40


def test_the_demo_has_weekly_groups_with_eight_weeks_of_attendance_and_notes():
    from sessions.models import Attendance, GroupMembership, ProgressNote, TherapyGroup, TherapySession
    from sessions.services.groups import live_memberships

    seed("--patients", "80")

    iop = TherapyGroup.objects.get(title="IOP Morning Group")
    assert (sorted(iop.weekdays), iop.duration_minutes) == ([1, 3, 4], 180)
    assert TherapyGroup.objects.get(title="Residential Process Group").weekdays == [1, 2, 3, 4, 5, 6, 7]
    for group in TherapyGroup.objects.all():
        assert live_memberships(group).count() <= group.capacity
    oldest = TherapySession.objects.filter(status="held").order_by("starts_at").first()
    assert (timezone.localdate() - oldest.local_date).days >= 50
    assert TherapySession.objects.filter(status="scheduled", starts_at__gt=timezone.now()).exists()
    statuses = set(Attendance.objects.values_list("status", flat=True))
    assert {"present", "late", "unexcused", "excused"} <= statuses
    assert Attendance.objects.filter(status="present").count() > Attendance.objects.exclude(status="present").count()
    # Everyone recorded was on the roster that day.
    for attendance in Attendance.objects.filter(session__kind="group").select_related("session")[:200]:
        day = attendance.session.local_date
        assert GroupMembership.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=day),
            group=attendance.session.group_id,
            patient=attendance.patient_id,
            joined_on__lte=day,
        ).exists()
    assert ProgressNote.objects.filter(signed_at__isnull=True).exists()
    assert ProgressNote.objects.filter(signed_at__isnull=False).exclude(group_narrative="").exists()


def test_a_few_signed_notes_in_the_demo_have_addenda_by_their_authors():
    from sessions.models import NoteAddendum

    seed("--patients", "40")

    addenda = NoteAddendum.objects.select_related("note")
    assert addenda.exists()
    assert all(a.note.is_signed and a.author_id == a.note.author_id for a in addenda)


def test_the_demo_has_an_accented_name_that_the_search_finds_without_accents():
    from sessions.selectors import patients_search

    seed("--patients", "40")

    jose = Patient.objects.get(legal_first_name="José", legal_last_name="García")
    found = patients_search(user=User.objects.get(username="supervisor"), params={"q": "jose garcia"}).qs
    assert jose in found and jose.search_name == "garcia jose"
    assert all(p.search_name for p in Patient.objects.all())  # filled although inserted in bulk
