"""The production layout, in real processes: gunicorn with two workers and the scheduler as a process of
its own, on PostgreSQL. Members are served by both workers, and a meeting's reminder is mailed once."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from nmg_ops import clock
from nmg_ops.models import MeetingStatus
from tests.fixtures.factories import PASSWORD
from tests.smtp_sink import free_port
from tests.test_outbox import flask_process, process_environment

pytestmark = pytest.mark.smtp


def _gunicorn(database_url: str, sink_port: int, tmp_path, port: int) -> subprocess.Popen:
    env = process_environment(database_url, sink_port, tmp_path)
    command = ["-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "nmg_ops:create_app()"]
    return subprocess.Popen(
        [sys.executable, *command], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def _request(port: int, method: str, path: str, cookie: str = "", body: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=urlencode(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    page = response.read().decode()
    connection.close()
    return response, page


def _wait_until_serving(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if _request(port, "GET", "/sign-in")[0].status == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("gunicorn did not answer")


def _worker_pids(master: int) -> set[int]:
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True)
    return {int(pid) for pid in children.stdout.split()}


@pytest.mark.parametrize("backend", ["postgresql"])
def test_two_workers_and_a_scheduler_serve_members_and_send_a_reminder_once(
    app, smtp_sink, database_url, tmp_path, make_meeting, people
):
    member = people["member"]
    make_meeting(
        "plenary",
        starts_at=clock.now() + timedelta(hours=20),
        status=MeetingStatus.CONFIRMED,
        invitees=[member],
        title="Budget plenary",
    )
    port = free_port()
    server = _gunicorn(database_url, smtp_sink.port, tmp_path, port)
    scheduler = flask_process(database_url, smtp_sink.port, tmp_path, "scheduler", merged=True)
    try:
        _wait_until_serving(port, 60)
        assert len(_worker_pids(server.pid)) == 2
        # Every request on a new connection, taken by whichever worker accepts it first: a session signed
        # in on one is known to the other, since sessions are kept in the database.
        response, page = _request(port, "GET", "/sign-in")
        cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = {"email": member.email, "password": PASSWORD, "csrf_token": token}
        response, _page = _request(port, "POST", "/sign-in", cookie, form)
        assert response.status == 302
        cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        for _ in range(10):
            response, page = _request(port, "GET", "/meetings/my", cookie)
            assert response.status == 200 and "Budget plenary" in page

        def reminders() -> int:
            return sum(
                1
                for mail in smtp_sink.received
                if member.email in mail.rcpt_tos and mail.message["Subject"].startswith("Reminder:")
            )

        deadline = time.monotonic() + 60
        while reminders() == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert reminders() == 1
        # Another sweep, from a second process, finds the reminder sent: nobody gets it twice.
        tick = flask_process(database_url, smtp_sink.port, tmp_path, "tick", merged=True)
        output, _ = tick.communicate(timeout=120)
        assert tick.returncode == 0, output
        time.sleep(2)
        assert reminders() == 1
    finally:
        for process in (scheduler, server):
            process.terminate()
        for process in (scheduler, server):
            process.communicate(timeout=30)
