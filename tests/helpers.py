import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic.models import AuditEvent


def queries_for_page(client, url: str) -> int:
    """How many SQL queries serving `url` takes; asserts the page loads."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def page_bytes(client, url: str) -> int:
    """How many bytes of HTML serving `url` sends; asserts the page loads."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(response.content)


def audit_csv_export(client, query: str = "") -> str:
    """Post the audit trail's CSV export, run across every event the trail's list (filtered by `query`) shows, and
    return the file's text. The export is streamed, never built in memory."""
    response = client.post(
        f"/admin/clinic/auditevent/{query}",
        {
            "action": "export_csv",
            "select_across": "1",
            "index": "0",
            "_selected_action": list(AuditEvent.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 200 and response.streaming, response
    assert response["Content-Type"] == "text/csv"
    return response.getvalue().decode()


def race(*actions) -> list[str]:
    """Run each action in its own thread (and database connection), released together by a barrier.
    Returns, sorted, "ok" for each action that succeeded and the code of each DomainError raised."""
    import threading

    from clinic.errors import DomainError

    barrier = threading.Barrier(len(actions))
    outcomes = []

    def run(action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


# The admin's add pages for groups, rosters and bookings, and the forms they post.
GROUP_ADD = "/admin/clinic_sessions/therapygroup/add/"
MEMBERSHIP_ADD = "/admin/clinic_sessions/groupmembership/add/"
SESSION_ADD = "/admin/clinic_sessions/therapysession/add/"


def group_form(program, facilitator, **overrides):
    """A group meeting Mondays, Wednesdays and Thursdays at 09:30 for three hours, from today."""
    return {
        "program": program.pk,
        "title": "Relapse Prevention AM",
        "topic": "",
        "facilitator": facilitator.pk,
        "weekdays": ["1", "3", "4"],
        "start_time": "09:30",
        "duration_minutes": "180",
        "location": "Room 2",
        "video_link": "",
        "capacity": "12",
        "billing_code": "H0005",
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": "",
        "is_active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    } | overrides


def booking_form(patient, counselor, **overrides):
    """A 50-minute individual session the day after tomorrow at 10:00, once; for `patient` unless None (a chart's
    form, which has no patient field)."""
    day = timezone.localdate() + datetime.timedelta(days=2)
    form = {
        "counselor": counselor.pk,
        "kind": "individual",
        "day": day.isoformat(),
        "at": "10:00",
        "duration_minutes": "50",
        "location": "Office 4",
        "video_link": "",
        "repeat_every_weeks": "0",
        "occurrences": "1",
    }
    if patient is not None:
        form["patient"] = patient.pk
    return form | overrides


def registration_form(counselor, **overrides):
    """A new patient, Dana Whitfield, for `counselor`'s caseload, with an intake today; the fields the admin's add
    page and the staff app's registration share."""
    return {
        "legal_first_name": "Dana",
        "legal_last_name": "Whitfield",
        "preferred_name": "",
        "date_of_birth": "1988-04-02",
        "email": "dana@example.com",
        "phone": "",
        "primary_counselor": counselor.pk,
        "intake_date": timezone.localdate().isoformat(),
        "recommended_level": "2.1",
    } | overrides


# Two loads of one page at two data sizes differ by no more than this many bytes: digits of counts and ids, and
# sequence numbers in names, not rows (a row of any list is several hundred bytes).
SAME_SIZE_SLACK = 300


def page_load(client, url: str) -> tuple[int, int]:
    """The SQL queries serving `url` takes and the size of its HTML in bytes; asserts the page loads."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries), len(response.content)


def assert_same_load(small: tuple[int, int], large: tuple[int, int]) -> None:
    """The page ran the same queries at both data sizes, and its HTML did not grow with the data."""
    assert small[0] == large[0], f"queries: {small[0]} then {large[0]}"
    assert abs(large[1] - small[1]) <= SAME_SIZE_SLACK, f"bytes: {small[1]} then {large[1]}"
