"""The PDF printer of a server process: started at the first PDF and kept, so that later PDFs do not wait
for WeasyPrint's import; started again when it died; never leaving a page being laid out when the server
stopped waiting; gone when its server process has gone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel

from nmg_ops import printing
from tests.fixtures import wait_for

PAGE = "<html lang='en'><head><title>Agenda</title></head><body><h1>Winter plenary</h1></body></html>"


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.config.update(PDF_CPU_SECONDS=20, PDF_WALL_SECONDS=60, PDF_MEMORY_MB=1024)
    Babel(app)
    with app.app_context():
        yield app


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists() and "(Z)" not in Path(f"/proc/{pid}/stat").read_text()


def test_pdfs_are_made_by_one_printer_kept_for_the_process(app):
    assert printing.make_pdf(PAGE).startswith(b"%PDF")
    printer = printing._printer._process.pid
    assert printing.make_pdf(PAGE.replace("Winter", "Spring")).startswith(b"%PDF")
    assert printing._printer._process.pid == printer
    # Each PDF's job has ended: the printer keeps nothing of a page once made.
    assert wait_for(lambda: not _children(printer), 10)


def test_a_printer_that_died_is_started_again(app):
    printing.make_pdf(PAGE)
    dead = printing._printer._process.pid
    os.kill(dead, 9)
    assert wait_for(lambda: printing._printer._process.poll() is not None, 10)
    assert printing.make_pdf(PAGE).startswith(b"%PDF")
    assert printing._printer._process.pid != dead


def test_a_printer_whose_socket_was_cleaned_away_is_replaced(app):
    printing.make_pdf(PAGE)
    Path(printing._printer._path).unlink()
    assert printing.make_pdf(PAGE).startswith(b"%PDF")


def test_a_page_the_server_stopped_waiting_for_is_not_laid_out_further(app):
    printing.make_pdf(PAGE)
    printer = printing._printer._process.pid
    app.config["PDF_WALL_SECONDS"] = 0
    # Long enough that it is still being laid out when the server stops waiting.
    long_page = PAGE.replace("<h1>Winter plenary</h1>", "<p>An agreed point of the agenda.</p>" * 3_000)
    with pytest.raises(printing.PrinterBusy):
        printing.make_pdf(long_page)
    assert wait_for(lambda: not _children(printer), 10), "the job and its renderer were left running"


def test_the_printer_ends_with_its_server_process(tmp_path):
    script = (
        "from flask import Flask\n"
        "from nmg_ops import printing\n"
        "app = Flask('x')\n"
        "app.config.update(PDF_CPU_SECONDS=20, PDF_WALL_SECONDS=60, PDF_MEMORY_MB=1024)\n"
        "with app.app_context():\n"
        f"    assert printing.make_pdf({PAGE!r}).startswith(b'%PDF')\n"
        "print(printing._printer._process.pid, flush=True)\n"
        "import os\n"
        "os._exit(0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=Path.cwd()
    )
    assert done.returncode == 0, done.stderr
    printer = int(done.stdout.split()[-1])
    assert wait_for(lambda: not _alive(printer), 10), (
        "the printer outlived the server process that started it"
    )
