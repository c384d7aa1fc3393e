"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives and can be told to fail."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage


@dataclass
class SinkHandler:
    received: list[Received] = field(default_factory=list)
    #: recipient address -> SMTP reply given to RCPT TO, e.g. "550 5.1.1 no such user"
    refuse_recipients: dict[str, str] = field(default_factory=dict)
    #: recipient address -> how many more times RCPT TO answers "451" before accepting
    defer_recipients: dict[str, int] = field(default_factory=dict)
    #: after this many messages in all, the next DATA is answered 421 and the connection closed (once)
    drop_after: int | None = None
    #: seconds each DATA takes before its answer, to let a test kill a sender in the middle of a batch,
    #: or to answer the end of a message later than a client's step timeout
    delay: float = 0.0
    #: recipient addresses whose message is lost at the end of DATA: the connection is cut with no answer
    #: after the final dot, and the message is not kept
    lose_at_dot: set[str] = field(default_factory=set)
    #: seconds RCPT TO is held before its answer: a sender killed then has not handed over a message
    rcpt_hold: float = 0.0
    #: EHLO/HELO greetings seen, one per connection
    greetings: int = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        key = address.lower()
        if self.rcpt_hold:
            await asyncio.sleep(self.rcpt_hold)
        if key in self.refuse_recipients:
            return self.refuse_recipients[key]
        if self.defer_recipients.get(key, 0) > 0:
            self.defer_recipients[key] -= 1
            return "451 4.7.1 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.drop_after is not None and len(self.received) >= self.drop_after:
            self.drop_after = None
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.4.2 closing connection"
        if self.lose_at_dot.intersection(address.lower() for address in envelope.rcpt_tos):
            self.lose_at_dot.difference_update(address.lower() for address in envelope.rcpt_tos)
            # abort, not close: nothing written after this reaches the client, not even the reply below
            server.transport.abort()
            return "451 4.3.0 never heard"
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def count_for(self, address: str) -> int:
        return sum(address in r.rcpt_tos for r in self.received)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    def __init__(self) -> None:
        self.handler = SinkHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.running = False

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> None:
        self.controller.start()
        self.running = True

    def stop(self) -> None:
        """Stop accepting connections; tests stop it early to make the server unreachable."""
        if self.running:
            self.controller.stop()
            self.running = False
