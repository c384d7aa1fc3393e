"""Outbox throughput and reminder sweep cost.

1. Sends 10,000 queued messages through the dispatcher to an SMTP sink on loopback, and the same
   10,000 messages with plain smtplib over one connection (no database), in the same run. Prints
   dispatcher / smtplib as a throughput ratio. Target: >= 0.6.
2. Times the reminder sweep with 1,000 future meetings over the next 60 days (20 invitees each; the
   reminders already due are enqueued by a first, untimed sweep), first with no other outbox history,
   then with 100,000 historical outbox rows. The sweep reads only what is due, so the ratio should stay
   near 1. Target: with-history / without <= 1.5.

    .venv/bin/python bench/outbox.py [--messages N]
"""

from __future__ import annotations

import argparse
import smtplib
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask_migrate import upgrade

from nmg_ops import create_app
from nmg_ops.calendar.reminders import sweep
from nmg_ops.delivery.dispatcher import dispatch
from nmg_ops.delivery.outbox import build_message, enqueue
from nmg_ops.extensions import db
from nmg_ops.meetings.types import meeting_type
from nmg_ops.models import DeliveryStatus, Invitation, Meeting, MeetingStatus, Member, OutboundMessage

THROUGHPUT_TARGET = 0.6
SWEEP_TARGET = 1.5


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


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


def throughput(app, port: int, count: int) -> tuple[float, float]:
    with app.app_context():
        messages = [
            build_message(
                to_email=f"p{i}@example.org", to_name=f"P {i}", subject="Bench", text="t" * 500, html="h"
            )
            for i in range(count)
        ]
        for i, message in enumerate(messages):
            enqueue("bench", f"bench:{i}", f"p{i}@example.org", message)
        db.session.commit()
        started = time.perf_counter()
        report = dispatch()
        dispatcher_seconds = time.perf_counter() - started
        assert report.sent == count, report
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i, message in enumerate(messages):
            smtp.sendmail("no-reply@nmg.invalid", [f"p{i}@example.org"], message.as_bytes())
    plain_seconds = time.perf_counter() - started
    return dispatcher_seconds, plain_seconds


def sweep_cost(app, meetings: int, history: int) -> tuple[float, float]:
    with app.app_context():
        kind = meeting_type("plenary")
        members = db.session.scalars(sa.select(Member).limit(20)).all()
        start = datetime.now(UTC) + timedelta(hours=1)
        db.session.add_all(
            Meeting(
                type=kind,
                title=f"Bench {i}",
                starts_at=start + timedelta(hours=i),
                ends_at=start + timedelta(hours=i + 1),
                mode=kind.default_mode,
                status=MeetingStatus.CONFIRMED,
                invitations=[Invitation(member=m) for m in members],
            )
            for i in range(meetings)
        )
        db.session.commit()
        now = datetime.now(UTC)
        sweep(now)
        baseline = _timed_sweep(now)
        db.session.execute(
            sa.insert(OutboundMessage),
            [
                {
                    "purpose": "reminder",
                    "dedupe_key": f"history:{i}",
                    "recipient": f"h{i}@example.org",
                    "subject": "Old",
                    "message_id": f"<{i}@bench>",
                    "content": b"x",
                    "status": DeliveryStatus.SENT,
                    "attempts": 1,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for i in range(history)
            ],
        )
        db.session.commit()
        return baseline, _timed_sweep(now)


def _timed_sweep(now: datetime) -> float:
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        sweep(now)
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    counter = Counter()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = _app(Path(tmp), port)
            with app.app_context():
                from nmg_ops import clock
                from nmg_ops.demo import load

                load(clock.today(), "bench-password")
            dispatcher_seconds, plain_seconds = throughput(app, port, args.messages)
            ratio = plain_seconds / dispatcher_seconds
            print(f"dispatcher: {args.messages / dispatcher_seconds:,.0f} messages/s")
            print(
                f"plain smtplib, one connection: {args.messages / plain_seconds:,.0f} messages/s (baseline)"
            )
            print(f"throughput ratio: {ratio:.2f} (target >= {THROUGHPUT_TARGET})")
            baseline, with_history = sweep_cost(app, 1000, 100_000)
            sweep_ratio = with_history / baseline
            print(
                f"reminder sweep, 1,000 future meetings, empty history: {baseline * 1000:.1f} ms (baseline)"
            )
            print(f"reminder sweep, with 100,000 historical outbox rows: {with_history * 1000:.1f} ms")
            print(f"sweep ratio: {sweep_ratio:.2f} (target <= {SWEEP_TARGET})")
    finally:
        controller.stop()
    return 0 if ratio >= THROUGHPUT_TARGET and sweep_ratio <= SWEEP_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
