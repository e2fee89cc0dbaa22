from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for_page(client, url: str) -> int:
    """How many SQL queries serving `url` takes; asserts the page loads."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


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
