"""Calendar feed cost.

1. Builds a personal feed of 300 meetings with the application, and the same 300 events with `icalendar`
   directly (same properties, no database), in the same run. Target: application / direct <= 1.2.
2. Serves the feed's 304 answer (client already up to date) and a hello-world route, each under
   gunicorn on loopback, and compares requests per second. Target: 304 / hello-world >= 0.5.

    .venv/bin/python bench/feeds.py
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
from flask_migrate import upgrade

from nmg_ops import clock, create_app
from nmg_ops.calendar import feeds, ical
from nmg_ops.demo import load
from nmg_ops.extensions import db
from nmg_ops.meetings.types import meeting_type
from nmg_ops.models import Invitation, Meeting, MeetingStatus, Member

BUILD_TARGET = 1.2
SERVE_TARGET = 0.5
MEETINGS = 300
REQUESTS = 2000
BENCH = Path(__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _direct(meetings: list[Meeting]) -> bytes:
    """The same calendar written by hand with icalendar: the floor for what the application does."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", ical.PRODID)
    calendar.add("version", "2.0")
    zone = clock.nmg_zone()
    for meeting in meetings:
        event = icalendar.Event()
        event.add("uid", meeting.calendar_uid)
        event.add("dtstamp", datetime.now(UTC))
        event.add("sequence", meeting.sequence)
        event.add("dtstart", meeting.starts_at.astimezone(zone))
        event.add("dtend", meeting.ends_at.astimezone(zone))
        event.add("summary", meeting.title)
        event.add("description", meeting.description)
        event.add("location", meeting.video_url)
        event.add("url", f"http://localhost/meetings/{meeting.id}")
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _best(run, rounds: int = 7) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _serve(module: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", module],
        env=env,
        cwd=BENCH,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn did not start {module}")


def _requests_per_second(port: int, path: str, headers: dict[str, str], expect: int) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    for _ in range(50):
        connection.request("GET", path, headers=headers)
        connection.getresponse().read()
    started = time.perf_counter()
    for _ in range(REQUESTS):
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status == expect, response.status
    elapsed = time.perf_counter() - started
    connection.close()
    return REQUESTS / elapsed


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        database = f"sqlite:///{folder / 'bench.sqlite3'}"
        app = create_app({"ENVIRONMENT": "testing", "DATABASE_URL": database, "OUTBOX_DIR": str(folder)})
        with app.app_context():
            upgrade()
            load(clock.today(), "bench-password")
            member = db.session.scalar(db.select(Member).where(Member.email == "member@demo.nmg"))
            kind = meeting_type("plenary")
            start = datetime.now(UTC) + timedelta(days=1)
            db.session.add_all(
                Meeting(
                    type=kind,
                    title=f"Meeting {i}",
                    description="Agenda to follow.",
                    starts_at=start + timedelta(days=i),
                    ends_at=start + timedelta(days=i, hours=2),
                    mode=kind.default_mode,
                    video_url="https://meet.example.org/nmg",
                    status=MeetingStatus.CONFIRMED,
                    invitations=[Invitation(member=member)],
                )
                for i in range(MEETINGS)
            )
            db.session.commit()
            token = feeds.new_feed_token(member)
            meetings = feeds.member_meetings(member)
            application = _best(lambda: ical.feed(feeds.member_meetings(member), "Bench"))
            direct = _best(lambda: _direct(meetings))
            etag = feeds.member_feed_state(token).etag
        build_ratio = application / direct
        print(f"personal feed of {MEETINGS} meetings: {application * 1000:.1f} ms, including its queries")
        print(f"same events with icalendar directly: {direct * 1000:.1f} ms (baseline)")
        print(f"build ratio: {build_ratio:.2f} (target <= {BUILD_TARGET})")

        env = {**os.environ, "NMG_ENV": "testing", "NMG_DATABASE_URL": database, "NMG_INSTANCE_PATH": tmp}
        feed_port, hello_port = _free_port(), _free_port()
        servers = [_serve("nmg_ops:create_app()", feed_port, env), _serve("hello_app:app", hello_port, env)]
        try:
            not_modified = _requests_per_second(
                feed_port, f"/calendar/{token}.ics", {"If-None-Match": f'"{etag}"'}, 304
            )
            hello = _requests_per_second(hello_port, "/", {}, 200)
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
        serve_ratio = not_modified / hello
        print(f"feed 304 under gunicorn: {not_modified:,.0f} requests/s")
        print(f"hello world under gunicorn: {hello:,.0f} requests/s (baseline)")
        print(f"304 ratio: {serve_ratio:.2f} (target >= {SERVE_TARGET})")
    return 0 if build_ratio <= BUILD_TARGET and serve_ratio >= SERVE_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
