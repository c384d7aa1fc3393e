"""An e-news issue to 1,000, 5,000 and 10,000 subscribers, and what its progress view costs.

1. Throughput. For each size, on a database of its own: that many confirmed subscribers (inserted as
   `flask demo --scale` does) and an issue with every section written. Baseline: the same mails, made
   beforehand with `rendering.prepared_mail` and turned into bytes outside the timing, sent with plain
   smtplib over one connection, once before ours and once after (their mean is the baseline). Ours, end
   to end: `send_now`, `queue_issue` (rendering, signing each unsubscribe link, inserting the outbox
   rows) and the dispatcher run for the issue's purpose until the progress view says done. Both go to
   the same SMTP sink on loopback. Prints mails/s of each and ours / baseline. Target: >= 0.6 at every
   size.
2. Progress view. Counts the SQL statements `sending.progress(issue)` runs for an issue sent to 100
   subscribers and for the issue sent to each size. Target: the same number.

    .venv/bin/python bench/newsletter.py [--subscribers N [N ...]]
"""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.synchronize
import smtplib
import socket
import sys
import tempfile
import threading
import time
from datetime import date
from email.utils import parseaddr
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask_migrate import upgrade

from nmg_ops import clock, create_app
from nmg_ops.delivery.dispatcher import dispatch
from nmg_ops.demo.news import WRITTEN
from nmg_ops.demo.scale import add_scale_subscribers
from nmg_ops.extensions import db
from nmg_ops.models import NewsEdition, NewsIssue, NewsSectionKind
from nmg_ops.news import drafting, rendering, sending
from nmg_ops.news.recipients import recipients

THROUGHPUT_TARGET = 0.6
SMALL = 100

EVENTS = "\n".join(
    f"- **martedì {day} marzo, 10:00** – [Riunione plenaria {n}/2027](https://nmg.example.org/meetings/{n}), "
    f"Ministero della Salute, Lungotevere Ripa 1, Roma ([.ics](https://nmg.example.org/meetings/{n}.ics))"
    for n, day in ((2, 2), (3, 16), (4, 30))
)
DECISIONS = (
    "- [Riunione plenaria 1/2027](https://nmg.example.org/meetings/1/minutes), "
    "verbale approvato il 2 febbraio\n"
    "  - 2027/01: Si costituisce un sottogruppo sul JTC con i referenti di WP4 e WP5.\n"
    "  - 2027/02: Il contributo italiano al programma di lavoro è inviato entro il 31 marzo."
)


class Counter:
    """The smallest SMTP server that accepts everything: it costs both sides the same."""

    def __init__(self, count: Synchronized) -> None:
        self.count = count

    async def handle_DATA(self, server, session, envelope):
        with self.count.get_lock():
            self.count.value += 1
        return "250 OK"


def _serve(port: int, count: Synchronized, ready: multiprocessing.synchronize.Event) -> None:
    """The sink, in a process of its own as a mail server is: in ours, its thread would compete with the
    sender for the interpreter lock and charge the sender's Python work twice."""
    Controller(Counter(count), hostname="127.0.0.1", port=port).start()
    ready.set()
    threading.Event().wait()


def _app(folder: Path, port: int):
    app = create_app(
        {
            "ENVIRONMENT": "testing",
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "OUTBOX_DIR": str(folder / "outbox"),
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
        }
    )
    with app.app_context():
        upgrade()
    return app


def _issue(month: date) -> NewsIssue:
    """An issue with every section written, as long as the demo's."""
    issue = drafting.draft_issue(month)
    editorial, calls, news = WRITTEN[month.month]
    written = {
        NewsSectionKind.EDITORIAL: editorial,
        NewsSectionKind.EVENTS: EVENTS,
        NewsSectionKind.MEETINGS: EVENTS,
        NewsSectionKind.DECISIONS: DECISIONS,
        NewsSectionKind.MINUTES: DECISIONS,
        NewsSectionKind.RESULTS: DECISIONS,
        NewsSectionKind.CALLS: calls,
        NewsSectionKind.NEWS: news,
    }
    for section in issue.sections:
        section.body = written[section.kind]
    db.session.commit()
    return issue


def _send(issue: NewsIssue) -> tuple[float, float]:
    """Send the issue as `flask news send` does; returns the seconds spent queueing and delivering."""
    started = time.perf_counter()
    sending.send_now(issue)
    sending.queue_issue(issue)
    queued = time.perf_counter()
    while not sending.progress(issue).done:
        report = dispatch(clock.now(), purpose=issue.outbox_purpose)
        assert not report.unreachable and report.sent, report
    sending.finish_sent(clock.now())
    return queued - started, time.perf_counter() - queued


def _progress_statements(issue: NewsIssue) -> int:
    statements = 0

    def count(*_args) -> None:
        nonlocal statements
        statements += 1

    db.session.expire(issue)
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        progress = sending.progress(issue)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert progress.done and progress.sent == issue.recipient_count, progress
    return statements


def _mails(issue: NewsIssue) -> list[tuple[str, bytes]]:
    """Every recipient's mail as the outbox would hold it (they are all public subscribers here)."""
    template = rendering.mail_template(rendering.render(issue, NewsEdition.PUBLIC, "it"), NewsEdition.PUBLIC)
    return [
        (r.email, rendering.prepared_mail(issue, template, r.holder_id, r.email, r.name).content)
        for r in recipients()
    ]


def _baseline(mails: list[tuple[str, bytes]], port: int, sender: str) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for address, content in mails:
            smtp.sendmail(sender, [address], content)
    return time.perf_counter() - started


def _run(subscribers: int, port: int, received: Synchronized) -> bool:
    """One size, on a database of its own; prints its figures and returns whether it met both targets."""
    with tempfile.TemporaryDirectory(prefix="nmg-bench-") as tmp:
        app = _app(Path(tmp), port)
        with app.app_context():
            sender = parseaddr(app.config["MAIL_DEFAULT_SENDER"])[1]
            next_month = drafting.first_of_next_month(clock.today())
            add_scale_subscribers(SMALL)
            small = _issue(next_month)
            _send(small)
            small_statements = _progress_statements(small)
            started = time.perf_counter()
            add_scale_subscribers(subscribers - SMALL, first=SMALL)
            insert_seconds = time.perf_counter() - started
            issue = _issue(drafting.first_of_next_month(next_month))
            mails = _mails(issue)
            size = len(mails[0][1])
            received.value = 0
            plain_before = _baseline(mails, port, sender)
            received.value = 0
            queue_seconds, dispatch_seconds = _send(issue)
            ours_seconds = queue_seconds + dispatch_seconds
            assert received.value == subscribers, received.value
            received.value = 0
            plain_after = _baseline(mails, port, sender)
            assert received.value == subscribers, received.value
            large_statements = _progress_statements(issue)
    # The baseline runs before and after ours, and their mean is compared: on a shared machine the load
    # moves within a minute, and one baseline on one side of the run would carry that drift into the ratio.
    plain_seconds = (plain_before + plain_after) / 2
    ratio = plain_seconds / ours_seconds
    print(f"--- {subscribers:,} subscribers ---")
    print(f"{subscribers - SMALL:,} inserted in bulk: {insert_seconds:.2f} s; one mail {size:,} bytes")
    print(
        f"plain smtplib, one connection: {subscribers / plain_seconds:,.0f} mails/s (baseline; "
        f"{subscribers / plain_before:,.0f} before ours, {subscribers / plain_after:,.0f} after)"
    )
    print(
        f"send_now + queue_issue + dispatch: {subscribers / ours_seconds:,.0f} mails/s "
        f"(queueing {queue_seconds:.1f} s, delivering {dispatch_seconds:.1f} s)"
    )
    print(
        f"  delivering alone: {subscribers / dispatch_seconds:,.0f} mails/s, "
        f"{plain_seconds / dispatch_seconds:.2f} of the baseline"
    )
    print(
        f"throughput ratio: {ratio:.2f} (target >= {THROUGHPUT_TARGET}): "
        f"{'PASS' if ratio >= THROUGHPUT_TARGET else 'FAIL'}"
    )
    same = small_statements == large_statements
    print(
        f"progress view: {small_statements} SQL statements at {SMALL} subscribers, {large_statements} at "
        f"{subscribers:,} (target: equal): {'PASS' if same else 'FAIL'}",
        flush=True,
    )
    return ratio >= THROUGHPUT_TARGET and same


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, nargs="+", default=[1_000, 5_000, 10_000])
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    received = multiprocessing.Value("l", 0)
    ready = multiprocessing.Event()
    sink = multiprocessing.Process(target=_serve, args=(port, received, ready), daemon=True)
    sink.start()
    ready.wait()
    try:
        passed = [_run(subscribers, port, received) for subscribers in args.subscribers]
    finally:
        sink.terminate()
    return 0 if all(passed) else 1


if __name__ == "__main__":
    sys.exit(main())
