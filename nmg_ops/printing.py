"""Printable pages as PDF, every PDF of the NMG, with the work each may cost bounded.

A reader can ask for a PDF, and WeasyPrint's layout costs some milliseconds per paragraph, list item or
table cell: minutes of a few hundred thousand cells took minutes of CPU and gigabytes of memory. So:

- a page is measured before anything is laid out: more formatted parts (`parts`) or characters than a
  PDF is made of is refused at once (`TooLargeToPrint`);
- the layout runs in a process of its own (`print_process`) that the kernel stops past
  `PDF_CPU_SECONDS` of CPU or `PDF_MEMORY_MB` of memory (refused as too large: it would be every time),
  and that is killed past `PDF_WALL_SECONDS` of waiting (`PrinterBusy`: a busy machine, try again);
- the process fetches nothing but data: URLs: no text can make the server request a URL or read a file.

Both refusals are `NotPrinted`, a `RuleError` with the HTTP status its page answers with; the web layer
shows them as a page with the reason (413, or 503 with Retry-After), never a 500 or a hang.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from flask import current_app
from flask_babel import format_decimal, ngettext
from flask_babel import lazy_gettext as _l

from . import print_process
from .errors import RuleError

log = logging.getLogger(__name__)

#: formatted parts a PDF is made of at most: at a few milliseconds each, well within the CPU limit
MAX_PARTS = 4_000
#: characters of text (markup and spaces not counted) a PDF is made of at most
MAX_CHARACTERS = 200_000

#: every element of the page: the paragraphs, list items, table cells, emphasis and links that layout costs
_ELEMENT = re.compile(r"<[a-zA-Z]")
_MARKUP = re.compile(r"<[^>]*>|\s+")


class NotPrinted(RuleError):
    """The PDF was not made; `status` is what a page answering with this reason says."""

    status = 413
    #: seconds after which asking again may succeed; None when it would not
    retry_after: int | None = None

    @property
    def description(self) -> str:
        """The reason, where the error page shows an HTTP error's."""
        return str(self)


class TooLargeToPrint(NotPrinted):
    """The document is larger than a PDF is made of: asking again gives the same answer."""


class PrinterBusy(NotPrinted):
    """The PDF could not be made now: the machine was too busy, or another request is making it."""

    status = 503

    def __init__(self, message: object, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def parts(html: str) -> int:
    """How many formatted parts (elements) the page has: what its layout costs grows with them."""
    return len(_ELEMENT.findall(html))


def characters(html: str) -> int:
    """How many characters of text the page has, markup and spaces left out."""
    return len(_MARKUP.sub("", html))


def check_size(html: str) -> None:
    """TooLargeToPrint when the page has more parts or characters than a PDF is made of."""
    count = parts(html)
    if count > MAX_PARTS:
        raise TooLargeToPrint(
            _l(
                "This document is too large to make into a PDF: it has %(count)s formatted parts "
                "(paragraphs, list items, table cells, emphasis, links), and a PDF holds %(max)s at most.",
                count=format_decimal(count),
                max=format_decimal(MAX_PARTS),
            )
        )
    count = characters(html)
    if count > MAX_CHARACTERS:
        raise TooLargeToPrint(
            _l(
                "This document is too large to make into a PDF: it has %(count)s characters, and a PDF "
                "holds %(max)s at most.",
                count=format_decimal(count),
                max=format_decimal(MAX_CHARACTERS),
            )
        )


def html_pdf(html: str) -> bytes:
    """A printable page as a PDF, if it is not too large; see the module's notes for the limits."""
    check_size(html)
    return make_pdf(html)


def over_the_limits() -> TooLargeToPrint:
    """The refusal of a page that the CPU or memory limit stopped."""
    seconds = int(current_app.config["PDF_CPU_SECONDS"])
    return TooLargeToPrint(
        ngettext(
            "This document is too large to make into a PDF: it would take more than %(num)d second of work "
            "or %(megabytes)d MB of memory.",
            "This document is too large to make into a PDF: it would take more than %(num)d seconds of work "
            "or %(megabytes)d MB of memory.",
            seconds,
            megabytes=int(current_app.config["PDF_MEMORY_MB"]),
        )
    )


def make_pdf(html: str) -> bytes:
    """Lay the page out in a process of its own, under the configured limits of CPU, memory and time."""
    config = current_app.config
    cpu, wall = int(config["PDF_CPU_SECONDS"]), int(config["PDF_WALL_SECONDS"])
    megabytes = int(config["PDF_MEMORY_MB"])
    page = html.encode("utf-8")
    try:
        with _printer.connect() as conn:
            # A wall time of 0 would make the socket non-blocking rather than impatient.
            conn.settimeout(max(wall, 0.001))
            conn.sendall(print_process.REQUEST.pack(cpu, megabytes * 2**20, len(page)) + page)
            code, cpu_used, length = print_process.ANSWER.unpack(
                print_process.receive(conn, print_process.ANSWER.size)
            )
            data = print_process.receive(conn, length)
    except TimeoutError:
        # Closing the connection has the renderer killed. Not the document's fault: the machine was busy,
        # it may work later.
        raise PrinterBusy(
            _l("The server was too busy to make this PDF in time. Try again in a minute."), retry_after=60
        ) from None
    # Stopped by a signal: SIGXCPU or SIGKILL at the CPU limit, or an allocation failing inside the C
    # libraries at the memory limit (Python's own failures end with MEMORY_EXIT).
    if code < 0 or code == print_process.MEMORY_EXIT:
        log.info("pdf stopped by the limits status=%s cpu=%.2fs", code, cpu_used)
        raise over_the_limits()
    if code != 0:
        raise RuntimeError(f"WeasyPrint failed with status {code}: {data.decode('utf-8', 'replace')}")
    log.info("pdf made bytes=%d cpu=%.2fs", len(data), cpu_used)
    return data


class _Printer:
    """This server process's printer (`print_process`), started at the first PDF and kept: WeasyPrint's
    import is paid once, not once per PDF. A printer that died is started again; a forked server process
    starts its own."""

    #: seconds a new printer may take to import WeasyPrint and listen
    START_SECONDS = 60

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._process: subprocess.Popen | None = None
        self._path = ""

    def connect(self) -> socket.socket:
        with self._lock:
            if self._pid != os.getpid() or self._process is None or self._process.poll() is not None:
                self._start()
            try:
                return self._connect()
            except OSError:
                # Its socket gone (a cleaned temporary folder) or the printer ending: a new one.
                self._start()
                return self._connect()

    def _connect(self) -> socket.socket:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(self._path)
        except OSError:
            conn.close()
            raise
        return conn

    def _start(self) -> None:
        if self._process is not None:
            self._let_go()
        folder = tempfile.mkdtemp(prefix="nmg-printer-")
        self._path = os.path.join(folder, "socket")
        # Its standard input stays open while this process lives: when it closes, the printer ends.
        self._process = subprocess.Popen(
            [sys.executable, "-I", str(Path(print_process.__file__)), self._path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._pid = os.getpid()
        ready, _, _ = select.select([self._process.stdout], [], [], self.START_SECONDS)
        if not ready or self._process.stdout.readline() != print_process.READY:
            self._let_go()
            raise RuntimeError("the PDF printer did not start")

    def _let_go(self) -> None:
        """Stop the printer this process started; in a forked process, only close the copies of its pipes,
        so that the printer still ends with the process that started it."""
        process, self._process = self._process, None
        process.stdin.close()
        process.stdout.close()
        if self._pid == os.getpid():
            process.kill()
            process.wait()
            shutil.rmtree(os.path.dirname(self._path), ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            if self._process is not None:
                self._let_go()


_printer = _Printer()
atexit.register(_printer.close)
