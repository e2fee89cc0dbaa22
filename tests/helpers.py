from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for_page(client, url: str) -> int:
    """How many SQL queries serving `url` takes; asserts the page loads."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)
