"""An SMTP server on loopback for tests: records every message, can refuse recipients, stop and start again."""

import asyncio
import logging
import socket
import threading
from email import message_from_bytes

from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every connection at INFO


class Recorder:
    def __init__(self):
        self.messages = []
        self.refuse = set()  # recipients answered with a permanent 550
        self.defer = set()  # recipients answered with a transient 451
        # drop_at = ("mail", n), ("rcpt", n) or ("data", n): the server hangs up at the n-th MAIL FROM (as after an
        # idle timeout), the n-th RCPT, or after taking the n-th whole message but before saying so.
        self.drop_at: tuple[str, int] | None = None
        self.connections = 0  # sessions greeted (EHLO)
        self.lock = threading.Lock()
        # hold_at = ("rcpt", n) or ("data", n): the n-th RCPT, or the n-th whole message, gets no answer until
        # `release` is set; `held` tells the test the client is waiting there (to be killed at a known point).
        self.hold_at: tuple[str, int] | None = None
        self.held, self.release = threading.Event(), threading.Event()
        self._seen = {"mail": 0, "rcpt": 0, "data": 0}

    async def _hold_if_asked(self, stage: str, server) -> None:
        with self.lock:
            self._seen[stage] += 1
            hit = self.hold_at == (stage, self._seen[stage])
            if self.drop_at == (stage, self._seen[stage]):
                server.transport.close()
        if hit:
            self.held.set()
            for _ in range(600):  # at most 30 s
                if self.release.is_set():
                    break
                await asyncio.sleep(0.05)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        await self._hold_if_asked("mail", server)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await self._hold_if_asked("rcpt", server)
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        if address in self.defer:
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        await self._hold_if_asked("data", server)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPSink:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.recorder = Recorder()
        self.controller = None

    def start(self):
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
