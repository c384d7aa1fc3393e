"""One SMTP session of the dispatcher: a timeout on every step, and the long one the end of a message has.

RFC 5321 §4.5.3.2.6 gives a server 10 minutes to answer the end of a message (the final dot): it may be
scanning it or handing it on before it says 250. A client that gives up sooner and sends again makes a
duplicate of every message the server took but answered late. So each step (connect, greeting, MAIL,
RCPT, DATA) fails after `MAIL_TIMEOUT_SECONDS`, while the answer to the final dot is awaited for
`MAIL_DATA_TIMEOUT_SECONDS` (600). A connection lost before the dot went out loses nothing: the message
is sent once more on a new connection. Once the dot went out, an answer that never comes (a timeout, a
closed connection) leaves the outcome unknown, and the message is not sent again at once.
"""

from __future__ import annotations

import re
import smtplib

from flask import current_app

#: reply codes that mean "the connection is gone, try again on a new one"
_DROPPED = {421}


class ConnectionLost(Exception):
    """The SMTP session ended before the message was handed over; it goes again on a new connection."""


class OutcomeUnknown(Exception):
    """The whole message went out, final dot included, and no answer came: the server may have it."""

    def __init__(self, reason: str, stalled: bool) -> None:
        super().__init__(reason)
        #: the server stopped answering (a timeout) rather than closing the connection
        self.stalled = stalled


class _LongFinalReply:
    """smtplib's DATA step with the final reply awaited for `final_reply_timeout`, and a reply lost after
    the dot told apart from a connection lost before it (smtplib reports both as a disconnection)."""

    final_reply_timeout = 600.0

    def data(self, msg: bytes) -> tuple[int, bytes]:
        code, reply = self.docmd("data")
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        # Dot-stuffing (RFC 5321 §4.5.2), as smtplib does for a message given as bytes.
        payload = re.sub(rb"(?m)^\.", b"..", msg)
        if not payload.endswith(b"\r\n"):
            payload += b"\r\n"
        self.sock.settimeout(self.final_reply_timeout)
        self.send(payload + b".\r\n")
        try:
            code, reply = self.getreply()
        except smtplib.SMTPServerDisconnected as exc:
            raise OutcomeUnknown(
                f"no answer from the mail server after the end of the message: {exc}",
                stalled=isinstance(exc.__context__, TimeoutError),
            ) from exc
        self.sock.settimeout(self.timeout)
        return code, reply


class _Host(_LongFinalReply, smtplib.SMTP):
    pass


class _SslHost(_LongFinalReply, smtplib.SMTP_SSL):
    pass


class Session:
    """One SMTP session, set up as Flask-Mail is configured (whose own connection has no timeout)."""

    def __init__(self) -> None:
        self.host = self._open()

    @staticmethod
    def _open() -> smtplib.SMTP:
        settings = current_app.extensions["mail"]
        timeout = float(current_app.config["MAIL_TIMEOUT_SECONDS"])
        kind = _SslHost if settings.use_ssl else _Host
        host = kind(settings.server, int(settings.port), timeout=timeout)
        host.final_reply_timeout = float(current_app.config["MAIL_DATA_TIMEOUT_SECONDS"])
        if settings.use_tls:
            host.starttls()
        if settings.username and settings.password:
            host.login(settings.username, settings.password)
        return host

    def close(self) -> None:
        try:
            self.host.quit()
        except (OSError, smtplib.SMTPException):
            self.host.close()

    def send_once_more_on_drop(self, sender: str, recipient: str, content: bytes) -> None:
        """Send; if the server drops the connection before the message is handed over (421 or a closed
        socket), once more on a new one. Raises OutcomeUnknown when the answer to the dot never came."""
        for attempt in range(2):
            try:
                self.host.sendmail(sender, [recipient], content)
                return
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException) as exc:
                dropped = isinstance(exc, smtplib.SMTPServerDisconnected) or exc.smtp_code in _DROPPED
                if not dropped:
                    raise
                if attempt == 1:
                    raise ConnectionLost(f"the mail server closed the connection: {exc}") from exc
                self.close()
                self.host = self._open()
