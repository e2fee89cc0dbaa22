from celery import shared_task

from sessions.services.groups import sessions_generate
from sessions.services.reminder_plan import reminders_plan
from sessions.services.reminder_send import reminders_send_due


@shared_task
def generate_sessions() -> dict[str, int]:
    """Daily (beat): extend every group's sessions over the rolling horizon. Safe to run twice."""
    return sessions_generate()


@shared_task
def plan_reminders() -> dict[str, int]:
    """Every minute (beat): bring the reminder outbox in line with schedules, rosters and consent."""
    return reminders_plan()


@shared_task
def send_due_reminders() -> dict[str, int]:
    """Every minute (beat): send what is due, each reminder exactly once. Overlapping runs are safe."""
    return reminders_send_due()
