"""The process that turns printable pages into PDFs, each under limits of CPU time and memory.

`printing` starts it once per server process as `python -I <this file> SOCKET` and keeps it. It imports
WeasyPrint, listens on the Unix socket SOCKET (in a folder only the server's user may enter) and says so
with a line on standard output; it ends when
its standard input closes, that is when the server process that started it has gone. It imports nothing
of the application (and `-I` keeps the application's folder off its path): it shares no state with the
server.

Each page asked for is laid out in a process forked for it alone, so that the import of WeasyPrint (most
of a second) is paid once and no page can disturb the next:

    printer ── forks per request ─► job ── forks ─► renderer (under the limits, writes the PDF)

The renderer's limits are the kernel's: past the CPU seconds it is stopped by SIGXCPU, past the memory an
allocation fails and it ends with `MEMORY_EXIT`. The job reads the renderer's PDF, waits for it and
answers with its exit status, its CPU seconds and the PDF (or the last line of its error); if the server
stops waiting and closes the connection, the job kills the renderer: WeasyPrint is never left running on
the server's time.

A request is `!QQQ` (CPU seconds, memory bytes, length of the page) and the page in UTF-8; the answer is
`!qdQ` (exit status, negative for a signal; CPU seconds; length) and the PDF, or the error's message.
"""

from __future__ import annotations

import os
import resource
import selectors
import signal
import socket
import struct
import sys
import traceback
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

#: exit status when the page needs more memory than allowed
MEMORY_EXIT = 3
#: exit status when WeasyPrint failed; the answer carries the message
FAILED_EXIT = 1
#: tagged PDF (a structure tree, the language, the title shown), for screen readers and reflow
PDF_VARIANT = "pdf/ua-1"
REQUEST = struct.Struct("!QQQ")
ANSWER = struct.Struct("!qdQ")
#: the line the printer writes once it takes requests
READY = b"ready\n"


def url_fetcher() -> URLFetcher:
    """WeasyPrint's fetcher, allowed data: URLs only."""
    from weasyprint.urls import URLFetcher

    # Members' Markdown decides what the page links to; the server must not fetch any of it (no requests
    # to internal addresses, no file:// reads). data: URLs carry their content with them.
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def render(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=url_fetcher()).write_pdf(pdf_variant=PDF_VARIANT)


def receive(conn: socket.socket, size: int) -> bytes:
    """Exactly `size` bytes, or EOFError when the other side closed first."""
    chunks, left = [], size
    while left:
        chunk = conn.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _renderer(html: str, cpu_seconds: int, memory_bytes: int, out: int) -> int:
    # The hard limit a second later: SIGXCPU at the soft one ends the process, SIGKILL if it did not.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        data, status = render(html), 0
    except MemoryError:
        return MEMORY_EXIT
    except Exception as error:  # any failure is answered with its message, never with a hang
        data, status = traceback.format_exception_only(error)[-1].strip().encode(), FAILED_EXIT
    with os.fdopen(out, "wb") as pipe:
        pipe.write(data)
    return status


def _job(conn: socket.socket) -> None:
    """Serve one request: lay the page out in a renderer of its own and answer with what became of it."""
    cpu_seconds, memory_bytes, length = REQUEST.unpack(receive(conn, REQUEST.size))
    html = receive(conn, length).decode("utf-8")
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = FAILED_EXIT
        try:
            os.close(reading)
            conn.close()
            status = _renderer(html, cpu_seconds, memory_bytes, writing)
        finally:
            # Never back into the job's code: this process only renders.
            os._exit(status)
    os.close(writing)
    chunks = []
    with selectors.DefaultSelector() as watch:
        watch.register(reading, selectors.EVENT_READ, "pdf")
        watch.register(conn, selectors.EVENT_READ, "server")
        while True:
            ready = {key.data for key, _ in watch.select()}
            if "server" in ready:
                # The server gave up waiting (or went): nothing more is wanted from the renderer.
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return
            chunk = os.read(reading, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    _, status, usage = os.wait4(pid, 0)
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    data = b"".join(chunks)
    conn.sendall(ANSWER.pack(code, usage.ru_utime + usage.ru_stime, len(data)) + data)


def serve(path: str) -> None:
    import weasyprint  # noqa: F401 - imported once here, so that no request waits for it

    # Jobs are reaped by the kernel; each job waits for its own renderer.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    sys.stdout.buffer.write(READY)
    sys.stdout.buffer.flush()
    # Nobody reads the pipe after this line: a library printing to it would fill it and block a job.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    with selectors.DefaultSelector() as watch:
        watch.register(listener, selectors.EVENT_READ, "request")
        watch.register(sys.stdin.buffer, selectors.EVENT_READ, "server")
        while True:
            if "server" in {key.data for key, _ in watch.select()}:
                return
            conn, _ = listener.accept()
            if os.fork() == 0:
                listener.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                try:
                    _job(conn)
                finally:
                    os._exit(0)
            conn.close()


if __name__ == "__main__":
    serve(sys.argv[1])
