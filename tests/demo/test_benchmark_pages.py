"""The page benchmark times every page of every role against the bare page, and only on a throwaway database."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import Resolver404, resolve

from clinic.models import AuditEvent
from demo.bench_urls import BARE_PATH
from demo.management.commands import benchmark_pages
from demo.management.commands.benchmark_pages import THROWAWAY_MARK, last_page_path
from patients.models import Patient

STAFF_PAGES = [
    "dashboard",
    "patients, first page",
    "patients, last page",
    "chart",
    "schedule, all counselors",
    "schedule, one counselor",
    "census",
    "session page",
]


def mark_throwaway():
    """What bin/throwaway_db.py writes on the databases it makes, inside the test's transaction (rolled back after
    it, so the other tests still see an ordinary database)."""
    with connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"COMMENT ON DATABASE {name} IS %s", [THROWAWAY_MARK])


def benchmark(*args) -> str:
    out = StringIO()
    call_command("benchmark_pages", *args, stdout=out, verbosity=0)
    return out.getvalue()


def table(output: str) -> dict[tuple[str, str], dict[str, str]]:
    lines = [line for line in output.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = [dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True)) for line in lines[2:]]
    return {(row["role"], row["page"]): row for row in rows}


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_times_every_page_of_every_role_against_the_bare_page():
    call_command("seed_demo", "--patients", "12", stdout=StringIO())
    mark_throwaway()

    output = benchmark("--rounds", "2")

    assert "12 patients" in output and "in-process" in output and "DEBUG off" in output
    rows = table(output)
    for role in ["admin", "supervisor", "counselor", "counselor2", "frontdesk"]:
        assert {(role, "bare page"), *((role, page) for page in STAFF_PAGES)} <= set(rows)
        bare = rows[role, "bare page"]
        assert bare["bytes"] == "2" and bare["x bare"] == "1.0"
    for role in ["supervisor", "counselor", "counselor2"]:
        assert (role, "attendance sheet") in rows
    assert ("admin", "attendance sheet") not in rows and ("frontdesk", "attendance sheet") not in rows
    plan_pages = {"chart, plan", "plan, print"}
    assert {(role, page) for role in ["supervisor", "counselor", "counselor2"] for page in plan_pages} <= set(rows)
    assert not {(role, page) for role in ["admin", "frontdesk"] for page in plan_pages} & set(rows)
    assert ("supervisor", "dashboard, one counselor") in rows and ("counselor", "dashboard, one counselor") not in rows
    assert {("admin", "admin: programs"), ("admin", "admin: users"), ("admin", "admin: audit events")} <= set(rows)
    assert not any(role == "frontdesk" and page == "admin: progress notes" for role, page in rows)
    for (role, page), row in rows.items():
        # Each page is requested right after the bare page, as the same user.
        assert row["n"] == "2" if page != "bare page" else int(row["n"]) == 2 * sum(r == role for r, _ in rows) - 2
        assert int(row["queries"]) >= 3  # at least the session, the user and the session's save
        p50, p95 = float(row["p50 ms"]), float(row["p95 ms"])
        assert 0 < p50 <= p95 < 60_000
        assert 0 < int(row["SQL"].rstrip("%")) <= 100
        if page != "bare page":
            assert int(row["bytes"].split("-")[0]) > 1000
            assert row["p95 < 200 ms"] in {"pass", "FAIL"} and row["p50 < target x"][:4] in {"pass", "FAIL"}
    assert rows["counselor", "dashboard"]["p50 < target x"].endswith("(<5x)")
    assert rows["supervisor", "dashboard, one counselor"]["p50 < target x"].endswith("(<5x)")
    assert "Targets:" in output and "20,000 patients" in output


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_refuses_to_seed_or_measure_a_database_it_was_not_given_to_throw_away():
    with pytest.raises(CommandError, match="not made for the benchmark"):
        benchmark("--seed", "12", "--rounds", "1")
    with pytest.raises(CommandError, match="not made for the benchmark"):
        benchmark("--rounds", "1")

    assert not Patient.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_it_seeds_only_an_empty_database():
    call_command("seed_demo", "--patients", "2", stdout=StringIO())
    mark_throwaway()

    with pytest.raises(CommandError, match="empty"):
        benchmark("--seed", "12", "--rounds", "1")

    assert Patient.objects.count() == 2


def test_the_last_page_is_read_off_the_first():
    assert last_page_path("/patients/", '<span class="page-link">Page 1 of 800</span>') == "/patients/?page=800"
    assert last_page_path("/patients/", '<a class="page-link" href="?after=9&amp;x=1">Last</a>') == (
        "/patients/?after=9&x=1"
    )
    assert last_page_path("/patients/", "<table></table>") == "/patients/"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_times_a_running_server_over_http_after_signing_in_through_the_form(live_server):
    call_command("seed_demo", "--patients", "12", stdout=StringIO())
    mark_throwaway()  # committed here: taken off again below
    try:
        output = benchmark("--url", live_server.url, "--roles", "counselor", "--rounds", "1")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"COMMENT ON DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])} IS NULL")

    assert f"over HTTP ({live_server.url}/)" in output
    rows = table(output)
    assert {("counselor", page) for page in ["bare page", *STAFF_PAGES, "attendance sheet"]} <= set(rows)
    assert rows["counselor", "bare page"]["bytes"] == "2"
    for row in rows.values():
        assert row["queries"] == "n/a" and row["SQL"] == "n/a"  # the server's, not measured from here
        assert float(row["p50 ms"]) > 0
    assert int(rows["counselor", "chart"]["bytes"]) > 1000


def test_only_the_benchmarks_settings_serve_the_bare_page():
    import demo.bench_settings

    assert demo.bench_settings.ROOT_URLCONF == "demo.bench_urls"
    assert resolve(BARE_PATH, urlconf="demo.bench_urls").url_name == "benchmark-bare"
    assert resolve("/patients/", urlconf="demo.bench_urls").url_name == "patient-list"
    with pytest.raises(Resolver404):
        resolve(BARE_PATH, urlconf="clinic.urls")


@pytest.mark.postgres
@pytest.mark.django_db
def test_ctrl_c_prints_the_table_of_the_requests_made_so_far(monkeypatch):
    call_command("seed_demo", "--patients", "12", stdout=StringIO())
    mark_throwaway()
    get, calls = benchmark_pages.InProcess.get, []

    def interrupted_in_the_second_round(self, username, path):
        calls.append(path)
        if calls.count("/census/") == 3:  # warm-up, round 1, and now round 2
            raise KeyboardInterrupt
        return get(self, username, path)

    monkeypatch.setattr(benchmark_pages.InProcess, "get", interrupted_in_the_second_round)

    output = benchmark("--roles", "frontdesk", "--rounds", "5")

    assert "Interrupted in round 2" in output
    rows = table(output)
    assert rows["frontdesk", "dashboard"]["n"] == "2" and rows["frontdesk", "census"]["n"] == "1"
    assert "Fewer than 5 requests" in output
