"""Reads that span sessions, attendance and enrollments. Each runs a fixed number of queries."""

from sessions.selectors.billing import BillingDay, Service, billing_days
from sessions.selectors.caseload import CaseloadRow, caseload_enrollments, caseload_rows, with_caseload_facts
from sessions.selectors.chart import (
    ChartHead,
    chart_attendance,
    chart_head,
    chart_hours,
    chart_journey,
    chart_notes,
    chart_reminders,
    notes_page_of,
)
from sessions.selectors.dashboard import Dashboard, caseload_choices, dashboard_for
from sessions.selectors.digest import Digest, digest_for
from sessions.selectors.hours import WeekHours, weekly_hours
from sessions.selectors.patients import PatientList, patients_list, patients_search
from sessions.selectors.schedule import ScheduleDay, ScheduleWeek, SessionPage, schedule_week, session_page

__all__ = [
    "BillingDay",
    "CaseloadRow",
    "ChartHead",
    "Dashboard",
    "Digest",
    "PatientList",
    "ScheduleDay",
    "ScheduleWeek",
    "Service",
    "SessionPage",
    "WeekHours",
    "billing_days",
    "caseload_choices",
    "caseload_enrollments",
    "caseload_rows",
    "chart_attendance",
    "chart_head",
    "chart_hours",
    "chart_journey",
    "chart_notes",
    "chart_reminders",
    "dashboard_for",
    "digest_for",
    "notes_page_of",
    "patients_list",
    "patients_search",
    "schedule_week",
    "session_page",
    "weekly_hours",
    "with_caseload_facts",
]
