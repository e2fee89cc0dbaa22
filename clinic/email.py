"""Sending one email so that it is recorded as sent exactly when the mail server takes it.

SMTP and the database cannot share a transaction, so a worker that dies between the two either loses an email
(recorded, never sent) or doubles it (sent, not recorded, sent again). We narrow that gap to a single socket
write: the whole message goes to the server first, all but the final "." that ends the DATA command; then the
database records the email as sent and commits; then the "." is written. A worker killed before the commit
leaves a message the server discards (no final "."), and the row is sent again later; killed after, the "." may
not be written, or the connection may break before the server's answer, which is the one unavoidable loss: the
message is recorded as sent and not sent again (the server most likely has it whole).

A batch reuses one connection: a reused connection the server has closed meanwhile is opened again before the
next message starts, and any failure drops it (no QUIT: mid-message that would be taken as text) so the next
message starts on a new one.
"""

import contextlib
import logging
import re
import smtplib
import socket
from collections.abc import Callable

from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The server refused the message. `permanent` tells a 5xx refusal (retrying will not help) from the rest."""

    def __init__(self, message: str, *, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


def open_connection():
    """A connection to reuse for a batch; end it with drop_connection()."""
    return get_connection()


def drop_connection(connection) -> None:
    """Close the SMTP socket without a QUIT: after a failure the connection may be mid-message or already dead
    (QUIT would then be taken as message text, or fail), and a message without its final "." is discarded."""
    if isinstance(connection, SMTPBackend):
        if connection.connection is not None:
            with contextlib.suppress(OSError):
                connection.connection.close()
            connection.connection = None
    else:
        connection.close()


def _open(connection: SMTPBackend) -> smtplib.SMTP:
    connection.open()
    # The final "." goes out as a write of its own: without this, Nagle's algorithm holds it until the server
    # acknowledges the body, which it delays (about 40 ms a message).
    connection.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return connection.connection


def _mail_from(connection: SMTPBackend, sender: str) -> smtplib.SMTP:
    """MAIL FROM on the batch's connection, opened if need be. A reused connection the server has closed meanwhile
    (idle timeout, restart) is opened again once: nothing of this message had gone yet."""
    reused = connection.connection is not None
    smtp = connection.connection if reused else _open(connection)
    try:
        smtp.ehlo_or_helo_if_needed()
        reply = smtp.mail(sender)
    except (smtplib.SMTPServerDisconnected, OSError):
        if not reused:
            raise
        drop_connection(connection)
        smtp = _open(connection)
        smtp.ehlo_or_helo_if_needed()
        reply = smtp.mail(sender)
    _check(reply, 250, step="MAIL FROM")
    return smtp


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
    encoding = message.encoding or "utf-8"
    sender = sanitize_address(message.from_email, encoding)
    recipients = [sanitize_address(address, encoding) for address in message.recipients()]
    data = message.message().as_bytes(linesep="\r\n")
    data = re.sub(rb"(?m)^\.", b"..", data)  # dot-stuffing, as smtplib.SMTP.data() does
    if not data.endswith(b"\r\n"):
        data += b"\r\n"

    smtp = _mail_from(connection, sender)
    for recipient in recipients:
        _check(smtp.rcpt(recipient), 250, 251, step="RCPT TO")
    _check(smtp.docmd("DATA"), 354, step="DATA")
    smtp.send(data)
    try:
        commit()
    except BaseException:
        # Without the final "." the server discards the message; drop the connection so it does.
        drop_connection(connection)
        raise
    try:
        smtp.send(b".\r\n")
        reply = smtp.getreply()
    except (smtplib.SMTPServerDisconnected, OSError):
        # The connection broke after the "." went out (or while it did): the server most likely took the message,
        # and it is recorded as sent. Sending it again could double it; this is the window stated above.
        log.warning("the connection broke after the end of a message recorded as sent; it is not sent again")
        drop_connection(connection)
        return
    _check(reply, 250, step="end of DATA")
