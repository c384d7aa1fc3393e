"""The process that turns one printable page into a PDF, under limits of CPU time and memory.

`printing` starts it as `python -I <this file> CPU_SECONDS MEMORY_BYTES`, the page on standard input and
the PDF on standard output. It imports nothing of the application (and `-I` keeps the application's
folder off its path), so that it starts in a fraction of a second and shares no state with the server.
The limits are the kernel's: past the CPU seconds the process is stopped by SIGXCPU, past the memory an
allocation fails and it ends with `MEMORY_EXIT`; WeasyPrint is never left running on the server's time.
"""

from __future__ import annotations

import resource
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

#: exit status when the page needs more memory than allowed
MEMORY_EXIT = 3
#: tagged PDF (a structure tree, the language, the title shown), for screen readers and reflow
PDF_VARIANT = "pdf/ua-1"


def url_fetcher() -> URLFetcher:
    """WeasyPrint's fetcher, allowed data: URLs only."""
    from weasyprint.urls import URLFetcher

    # Members' Markdown decides what the page links to; the server must not fetch any of it (no requests
    # to internal addresses, no file:// reads). data: URLs carry their content with them.
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def render(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=url_fetcher()).write_pdf(pdf_variant=PDF_VARIANT)


def main(cpu_seconds: int, memory_bytes: int) -> int:
    # The hard limit a second later: SIGXCPU at the soft one ends the process, SIGKILL if it did not.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        pdf = render(sys.stdin.buffer.read().decode("utf-8"))
    except MemoryError:
        return MEMORY_EXIT
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))
