"""Sending one email so that it is recorded as sent exactly when the mail server takes it.

SMTP and the database cannot share a transaction, so a worker that dies between the two either loses an email
(recorded, never sent) or doubles it (sent, not recorded, sent again). We narrow that gap to a single socket
write: the whole message goes to the server first, all but the final "." that ends the DATA command; then the
database records the email as sent and commits; then the "." is written. A worker killed before the commit
leaves a message the server discards (no final "."), and the row is sent again later; killed after, the "." may
not be written, which is the one unavoidable loss, the width of one system call.
"""

import re
import smtplib
import socket
from collections.abc import Callable

from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address


class DeliveryError(Exception):
    """The server refused the message. `permanent` tells a 5xx refusal (retrying will not help) from the rest."""

    def __init__(self, message: str, *, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


def open_connection():
    """A connection to reuse for a batch (`with open_connection() as connection:`)."""
    return get_connection()


def _check(reply: tuple[int, bytes], *expected: int, step: str) -> None:
    code, text = reply
    if code not in expected:
        raise DeliveryError(f"{step}: {code} {text.decode(errors='replace')}", permanent=500 <= code < 600)


def send_then_commit(message: EmailMessage, *, connection, commit: Callable[[], None]) -> None:
    """Send `message` and call `commit()` (which must record it as sent and commit) at the last safe moment.

    With the SMTP backend, `commit()` runs after the server has the whole message but before the final "."; with
    any other backend (files, memory), right after the backend took the message. Raises DeliveryError or an
    OSError/SMTPException for the caller to retry; `commit()` has then not run, or the server refused after it."""
    if not isinstance(connection, SMTPBackend):
        connection.send_messages([message])
        commit()
        return
    if connection.connection is None:
        connection.open()
        # The final "." goes out as a write of its own: without this, Nagle's algorithm holds it until the server
        # acknowledges the body, which it delays (about 40 ms a message).
        connection.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    smtp: smtplib.SMTP = connection.connection
    encoding = message.encoding or "utf-8"
    sender = sanitize_address(message.from_email, encoding)
    recipients = [sanitize_address(address, encoding) for address in message.recipients()]
    data = message.message().as_bytes(linesep="\r\n")
    data = re.sub(rb"(?m)^\.", b"..", data)  # dot-stuffing, as smtplib.SMTP.data() does
    if not data.endswith(b"\r\n"):
        data += b"\r\n"

    smtp.ehlo_or_helo_if_needed()
    _check(smtp.mail(sender), 250, step="MAIL FROM")
    for recipient in recipients:
        _check(smtp.rcpt(recipient), 250, 251, step="RCPT TO")
    _check(smtp.docmd("DATA"), 354, step="DATA")
    smtp.send(data)
    try:
        commit()
    except BaseException:
        # Without the final "." the server discards the message; drop the connection so it does.
        smtp.close()
        connection.connection = None
        raise
    smtp.send(b".\r\n")
    _check(smtp.getreply(), 250, step="end of DATA")
