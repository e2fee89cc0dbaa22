import logging

from django.core.servers.basehttp import WSGIRequestHandler


class Captured(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


def test_the_development_servers_request_lines_carry_no_query_string():
    """An admin search (/admin/patients/patient/?q=Name) must not write the patient's name to the log."""
    logger = logging.getLogger("django.server")
    captured = Captured()
    logger.addHandler(captured)
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)  # only its log_message is used
    handler.request = None
    try:
        handler.log_message('"%s" %s %s', "GET /admin/patients/patient/?q=Whitfield HTTP/1.1", "200", "5120")
    finally:
        logger.removeHandler(captured)

    assert captured.lines == ['"GET /admin/patients/patient/?… HTTP/1.1" 200 5120']
