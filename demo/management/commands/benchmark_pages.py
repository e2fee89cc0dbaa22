"""Benchmark: every staff page and admin changelist, per role, against a bare authenticated page.

Signs in as each demo user (admin, supervisor, counselor, counselor2, frontdesk) through the sign-in form and
requests, for `--rounds` rounds, every staff page the role opens (dashboard, one counselor's dashboard, patients
first and last page, a chart's sections and its print view, the plan's print view, the schedule for everyone and
for one counselor and a day by counselor and by room, the groups and a group's page, the census, a session's page,
its attendance sheet) and every admin changelist its app list shows, each right after the bare page
(demo/bench_urls.py: login_required, a two-byte response, through the same middleware), so load on the machine
hits both alike. Prints a Markdown table per page: queries, p50 and p95 in ms, p50 over the bare page's p50 (same
role), the SQL share of the time, the response size, and the issue's targets (at 20,000 patients: p95 under
200 ms and p50 under 10x the bare page; one counselor's dashboard under 5x).

In-process by default (django.test.Client, DEBUG off; an execute_wrapper counts queries and their time);
`--url http://host:port` times a running server over HTTP instead (started with
DJANGO_SETTINGS_MODULE=demo.bench_settings, on the same database: the pages are picked here), where the queries
and the SQL share are the server's and show as "n/a".

Pages write audit rows and sessions as they would for a user, so it runs only on a database made by
bin/throwaway_db.py; `--seed N` first loads the demo clinic with N patients into such a database, which must
be empty. bin/benchmark-pages (`make benchmark-pages`) makes, seeds and drops one, or reuses one.
"""

import http.client
import logging
import math
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

import django
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from clinic.models import Role, User
from clinic.policy import Action, allows
from demo.bench_urls import BARE_PATH
from demo.data import DEMO_PASSWORD
from demo.management.commands.benchmark_reminders import THROWAWAY_MARK, _is_throwaway
from patients.models import Patient
from sessions.models import TherapySession

ROLES = ["admin", "supervisor", "counselor", "counselor2", "frontdesk"]
COUNSELOR = "counselor"  # whose caseload, schedule, patient and session the pages show
BARE = "bare page"
TARGET_PATIENTS = 20_000
TARGET_P95_MS = 200
TARGET_RATIO = 10
TARGET_RATIO_ONE_CASELOAD = 5


@dataclass
class Page:
    role: str
    name: str
    path: str
    max_ratio: float = TARGET_RATIO
    samples: list = field(default_factory=list)  # Sample

    @property
    def spent(self) -> float:
        return sum(s.ms for s in self.samples)


@dataclass
class Sample:
    ms: float
    queries: int | None
    sql_ms: float | None
    size: int


class QueryMeter:
    """Counts the queries of one request and their time, with DEBUG off (an execute_wrapper, not queries_log)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def reset(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


class InProcess:
    """Requests through django.test.Client, in this process, timed from the request to the last byte."""

    label = "in-process (django.test.Client)"

    def __init__(self):
        self.clients: dict[str, Client] = {}
        self.meter = QueryMeter()

    def sign_in(self, username: str) -> None:
        client = Client()
        response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
        if response.status_code != 302:
            raise CommandError(f"Could not sign in as {username!r} with the demo password: is this a demo clinic?")
        self.clients[username] = client

    def get(self, username: str, path: str) -> tuple[int, bytes, Sample]:
        client = self.clients[username]
        self.meter.reset()
        with connection.execute_wrapper(self.meter):
            started = time.perf_counter()
            response = client.get(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            ms = (time.perf_counter() - started) * 1000
        return response.status_code, body, Sample(ms, self.meter.count, self.meter.seconds * 1000, len(body))


class OverHTTP:
    """Requests to a running server over HTTP, one connection each (as a browser's first request), with the
    session and CSRF cookies of a sign-in through the form."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CommandError(f"--url takes http://host:port, not {base!r}.")
        self.base = base.rstrip("/") + "/"
        self.parts = parts
        self.label = f"over HTTP ({self.base})"
        self.cookies: dict[str, dict[str, str]] = {}

    def _request(self, method: str, username: str, path: str, body: bytes | None = None, headers=None):
        jar = self.cookies.setdefault(username, {})
        url = urlsplit(urljoin(self.base, path.lstrip("/")))
        connection_class = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        conn = connection_class(url.hostname, url.port, timeout=120)
        sent = {"Host": url.netloc, **(headers or {})}
        if jar:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        try:
            conn.request(method, url.path + (f"?{url.query}" if url.query else ""), body=body, headers=sent)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                jar[name] = morsel.value
        return response, content

    def sign_in(self, username: str) -> None:
        response, form = self._request("GET", username, "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        if response.status != 200 or token is None:
            raise CommandError(f"{self.base}login/ answered {response.status} without a sign-in form.")
        body = urlencode(
            {"csrfmiddlewaretoken": token[1].decode(), "username": username, "password": DEMO_PASSWORD}
        ).encode()
        response, _ = self._request(
            "POST",
            username,
            "/login/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": urljoin(self.base, "login/")},
        )
        if response.status != 302:
            raise CommandError(f"Could not sign in as {username!r} at {self.base} (answered {response.status}).")

    def get(self, username: str, path: str) -> tuple[int, bytes, Sample]:
        started = time.perf_counter()
        response, body = self._request("GET", username, path)
        ms = (time.perf_counter() - started) * 1000
        return response.status, body, Sample(ms, None, None, len(body))


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value that at least `share` of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=30, help="Requests per page (default 30).")
        parser.add_argument("--seed", type=int, metavar="N", help="First load the demo clinic with N patients.")
        parser.add_argument("--url", help="Time a running server (http://host:port) instead of in-process.")
        parser.add_argument(
            "--budget",
            type=float,
            default=90,
            help="Seconds of requests per page after which it gets no more rounds (default 90; at least "
            "--min-requests each): a page that takes seconds does not hold the run for an hour.",
        )
        parser.add_argument(
            "--min-requests", dest="minimum", type=int, default=5, help="Requests per page whatever the budget (5)."
        )
        parser.add_argument("--roles", default=",".join(ROLES), help="Comma-separated demo users (default all).")

    def handle(self, *args, rounds, seed, url, budget, minimum, roles, **options):
        self.progress = options["verbosity"] > 0
        if rounds < 1:
            raise CommandError("--rounds must be 1 or more.")
        unknown = set(roles.split(",")) - set(ROLES)
        if unknown:
            raise CommandError(f"Unknown roles {sorted(unknown)}: choose among {', '.join(ROLES)}.")
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (DATABASE_URL): the targets are PostgreSQL's.")
        if not _is_throwaway():
            raise CommandError(
                "This database was not made for the benchmark, whose page views write audit rows and sessions: "
                "run bin/benchmark-pages, which makes a throwaway database (bin/throwaway_db.py) or reuses one "
                f"marked {THROWAWAY_MARK!r}."
            )
        if seed is not None:
            if Patient.objects.exists():
                raise CommandError("--seed needs an empty (migrated) database; this one has patients already.")
            call_command("seed_demo", patients=seed, stdout=self.stdout)
        # DEBUG off as in production; the test client's host allowed.
        with override_settings(
            DEBUG=False, ROOT_URLCONF="demo.bench_urls", ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]
        ):
            transport = OverHTTP(url) if url else InProcess()
            axes = logging.getLogger("axes")
            level, axes.level = axes.level, logging.WARNING  # not a line per sign-in
            try:
                self._run(transport, roles.split(","), rounds, budget, min(minimum, rounds))
            finally:
                axes.setLevel(level)

    def _run(self, transport, roles: list[str], rounds: int, budget: float, minimum: int) -> None:
        users = {u.username: u for u in User.objects.filter(username__in=roles)}
        if missing := set(roles) - set(users):
            raise CommandError(f"No demo user {sorted(missing)}: load the demo clinic (seed_demo) first.")
        patients = Patient.objects.count()
        self.stdout.write(
            f"{patients} patients, {TherapySession.objects.count()} sessions; {rounds} rounds, {transport.label}, "
            f"DEBUG off; {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
            f"Python {platform.python_version()}, Django {django.get_version()}, "
            f"{timezone.now():%Y-%m-%d %H:%M} UTC."
        )
        pages, bare = self._pages(users, roles)
        for username in roles:
            transport.sign_in(username)
        self._warm_up(transport, pages, bare)

        started, n = time.monotonic(), 0
        try:
            for n in range(rounds):
                for page in pages:
                    if n >= minimum and page.spent > budget * 1000:
                        continue
                    for target in (bare[page.role], page):
                        status, _, sample = transport.get(target.role, target.path)
                        if status != 200:
                            raise CommandError(f"{target.role} {target.name} ({target.path}) answered {status}.")
                        target.samples.append(sample)
                if self.progress:
                    print(f"round {n + 1}/{rounds}: {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        except KeyboardInterrupt:  # Ctrl-C: the table of the requests made so far
            self.stdout.write(f"Interrupted in round {n + 1}: the figures below are of the requests made so far.")
        self._report([p for p in [*bare.values(), *pages] if p.samples], bare, patients, rounds)

    def _pages(self, users: dict[str, User], roles: list[str]) -> tuple[list[Page], dict[str, Page]]:
        """What each role opens: the staff pages for a counselor's caseload, patient and session (a counselor's
        own; the demo counselor's for the others), and every admin changelist the role's app list shows."""
        bare = {role: Page(role, BARE, BARE_PATH) for role in roles}
        pages = []
        for role in roles:
            user = users[role]
            subject = user if user.role == Role.COUNSELOR else User.objects.get(username=COUNSELOR)
            patient, session = self._subjects(subject)
            one = f"counselor={subject.pk}"
            own = TARGET_RATIO_ONE_CASELOAD if user.role == Role.COUNSELOR else TARGET_RATIO
            staff = [Page(role, "dashboard", "/", own)]
            if allows(user, Action.CHOOSE_CASELOAD):
                staff.append(Page(role, "dashboard, one counselor", f"/?{one}", TARGET_RATIO_ONE_CASELOAD))
            staff += [
                Page(role, "patients, first page", "/patients/"),
                Page(role, "patients, last page", "/patients/"),  # its URL is read off the first page (warm-up)
                Page(role, "chart", f"/patients/{patient.pk}/"),
                *(
                    Page(role, f"chart, {section}", f"/patients/{patient.pk}/?section={section}")
                    for section in ("journey", "measures", "attendance", "notes", "reminders")
                ),
                Page(role, "chart, print", f"/patients/{patient.pk}/print/"),
            ]
            if allows(user, Action.SEE_PLAN, patient):
                staff += [
                    Page(role, "chart, plan", f"/patients/{patient.pk}/?section=plan"),
                    Page(role, "plan, print", f"/patients/{patient.pk}/plan/print/"),
                ]
            staff += [
                Page(role, "schedule, all counselors", "/schedule/?counselor="),
                Page(role, "schedule, one counselor", f"/schedule/?{one}"),
                Page(role, "schedule, a day by counselor", "/schedule/?view=day"),
                Page(role, "schedule, a day by room", "/schedule/?view=day&by=room"),
                Page(role, "groups", "/groups/"),
                Page(role, "group page", f"/groups/{session.group_id}/"),
                Page(role, "census", "/census/"),
                Page(role, "session page", f"/sessions/{session.pk}/"),
            ]
            if allows(user, Action.RUN_SESSION, session):
                staff.append(Page(role, "attendance sheet", f"/sessions/{session.pk}/attendance/"))
            if allows(user, Action.RECORD_MEASURES, patient):
                staff += [
                    Page(role, "measure form, PHQ-9", f"/patients/{patient.pk}/measures/new/?instrument=phq9"),
                    Page(role, "measure form, BAM", f"/patients/{patient.pk}/measures/new/?instrument=bam"),
                    Page(role, "drug screen form", f"/patients/{patient.pk}/screens/new/"),
                ]
            pages += staff + self._admin_changelists(user)
        return pages, bare

    def _subjects(self, counselor: User) -> tuple[Patient, TherapySession]:
        """The counselor's longest-known patient in care, and their latest group session that was not cancelled."""
        patient = (
            Patient.objects.filter(primary_counselor=counselor, enrollments__status="active")
            .order_by("intake_date", "pk")
            .first()
        )
        session = (
            TherapySession.objects.filter(facilitator=counselor, kind="group", starts_at__lt=timezone.now())
            .exclude(status="cancelled")
            .order_by("-starts_at")
            .first()
        )
        if patient is None or session is None:
            raise CommandError(f"{counselor.username!r} has no patient in care or no past group session: seed more.")
        return patient, session

    def _admin_changelists(self, user: User) -> list[Page]:
        request = RequestFactory().get("/admin/")
        request.user = user
        if not admin.site.has_permission(request):
            return []
        return [
            Page(user.username, f"admin: {model['name'].lower()}", model["admin_url"])
            for app in admin.site.get_app_list(request)
            for model in app["models"]
            if model.get("admin_url")
        ]

    def _warm_up(self, transport, pages: list[Page], bare: dict[str, Page]) -> None:
        """One untimed request of each page (caches, connections); every page must answer 200."""
        for page in [*bare.values(), *pages]:
            status, body, _ = transport.get(page.role, page.path)
            if status != 200:
                hint = " (a server needs DJANGO_SETTINGS_MODULE=demo.bench_settings)" if page.name == BARE else ""
                raise CommandError(f"{page.role} {page.name} ({page.path}) answered {status}{hint}.")
            if page.name == "patients, first page":
                last = next(p for p in pages if p.role == page.role and p.name == "patients, last page")
                last.path = last_page_path(page.path, body.decode())

    def _report(self, rows: list[Page], bare: dict[str, Page], patients: int, rounds: int) -> None:
        self.stdout.write("")
        self.stdout.write(
            "| role | page | n | queries | p50 ms | p95 ms | x bare | SQL | bytes | p95 < 200 ms | p50 < target x |"
        )
        self.stdout.write("|---|---|--:|--:|--:|--:|--:|--:|--:|---|---|")
        passed = failed = 0
        for page in rows:
            times = [s.ms for s in page.samples]
            p50, p95 = statistics.median(times), percentile(times, 0.95)
            ratio = p50 / statistics.median(s.ms for s in bare[page.role].samples)
            counts = sorted({s.queries for s in page.samples if s.queries is not None})
            queries = "n/a" if not counts else str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
            sql = [s.sql_ms for s in page.samples if s.sql_ms is not None]
            share = f"{100 * sum(sql) / sum(times):.0f}%" if sql else "n/a"
            sizes = sorted({s.size for s in page.samples})
            size = str(sizes[0]) if len(sizes) == 1 else f"{sizes[0]}-{sizes[-1]}"
            if page.name == BARE:
                fast = fair = ""
            else:
                fast = "pass" if p95 < TARGET_P95_MS else "FAIL"
                fair = f"{'pass' if ratio < page.max_ratio else 'FAIL'} (<{page.max_ratio:g}x)"
                passed += (fast == "pass") + fair.startswith("pass")
                failed += (fast == "FAIL") + fair.startswith("FAIL")
            self.stdout.write(
                f"| {page.role} | {page.name} | {len(times)} | {queries} | {p50:.1f} | {p95:.1f} | {ratio:.1f} | "
                f"{share} | {size} | {fast} | {fair} |"
            )
        self.stdout.write("")
        short = [f"{p.role} {p.name}" for p in rows if len(p.samples) < rounds]
        if short:
            self.stdout.write(f"Fewer than {rounds} requests (time budget, or interrupted): {', '.join(short)}.")
        self.stdout.write(
            f"Targets: {passed} met, {failed} missed (stated for {TARGET_PATIENTS:,} patients; this database has "
            f"{patients:,}). The machine is shared: compare figures taken in one run."
        )


def last_page_path(first: str, html: str) -> str:
    """The list's last page: its "Last" link if the page has one, else "Page 1 of N"; one page: the first."""
    if link := re.search(r'href="([^"]+)"[^>]*>\s*Last\b', html):
        href = link[1].replace("&amp;", "&")
        return first.split("?")[0] + href if href.startswith("?") else href
    if pages := re.search(r"Page \d+ of (\d+)", html):
        return f"{first.split('?')[0]}?page={pages[1]}"
    return first
