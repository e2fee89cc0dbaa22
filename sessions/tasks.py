from celery import shared_task

from sessions.services.groups import sessions_generate


@shared_task
def generate_sessions() -> dict[str, int]:
    """Daily (beat): extend every group's sessions over the rolling horizon. Safe to run twice."""
    return sessions_generate()
