"""Requests per second of gunicorn with one worker and with several, on PostgreSQL, in one run.

Starts a throw-away PostgreSQL server (the tests' harness), loads the demo with `--scale N` (default 100),
then serves the app with gunicorn twice: `--workers 1` and `--workers W` (default 3), each with
`--threads T` (default 4). K clients (default 20), each a thread with its own keep-alive connection and
its own signed-in member session, request a round of member pages in turn for a fixed time. Prints
requests/s, median and p95 of each layout and the ratio W workers / one worker. The clients run in this
process, on the same machine: on a machine with few cores they take a share of what the workers could
use, so the ratio is a floor. Every answer must be 200; an error fails the run.

    .venv/bin/python bench/load.py [--scale N] [--workers W] [--threads T] [--clients K] [--seconds S]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from pg_server import PostgresServer, find_bindir  # noqa: E402 - the tests' harness, found above

PASSWORD = "bench-password"
#: pages a member opens in a working session, each in turn
PAGES = ("/", "/meetings/", "/meetings/my", "/actions/mine", "/decisions", "/members/", "/documents/")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(database_url: str, folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "NMG_ENV": "testing",
        "NMG_DATABASE_URL": database_url,
        "NMG_OUTBOX_DIR": str(folder / "outbox"),
        "NMG_DOCUMENTS_DIR": str(folder / "documents"),
    }


def _flask(env: dict[str, str], *arguments: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "nmg_ops", *arguments],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _serve(env: dict[str, str], workers: int, threads: int, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--bind",
            f"127.0.0.1:{port}",
            "nmg_ops:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/sign-in")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def _sign_in(port: int, email: str) -> tuple[http.client.HTTPConnection, str]:
    """A keep-alive connection and the session cookie of `email`, signed in through the form."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/sign-in")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": email, "password": PASSWORD, **({"csrf_token": token.group(1)} if token else {})}
    connection.request(
        "POST",
        "/sign-in",
        body=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = connection.getresponse()
    response.read()
    cookie = (response.getheader("Set-Cookie") or cookie).split(";", 1)[0]
    if response.status != 302:
        raise RuntimeError(f"sign-in of {email} answered {response.status}")
    return connection, cookie


@dataclass
class Tally:
    timings: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _get(connection: http.client.HTTPConnection, path: str, cookie: str) -> http.client.HTTPResponse:
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    return response


def _client(port: int, email: str, start: threading.Barrier, run: dict[str, float], tally: Tally) -> None:
    connection, cookie = _sign_in(port, email)
    timings, errors = [], []
    start.wait()
    turn = 0
    while time.monotonic() < run["until"]:
        path = PAGES[turn % len(PAGES)]
        turn += 1
        began = time.perf_counter()
        try:
            response = _get(connection, path, cookie)
        except (http.client.RemoteDisconnected, ConnectionError):
            # The server closed an idle keep-alive connection: a browser opens another.
            connection.close()
            response = _get(connection, path, cookie)
        timings.append(time.perf_counter() - began)
        if response.status != 200:
            errors.append(f"{path}: {response.status}")
    connection.close()
    with tally.lock:
        tally.timings.extend(timings)
        tally.errors.extend(errors)


def _drive(port: int, members: list[str], seconds: float) -> tuple[float, Tally]:
    """Every client signs in first; the clock starts when all are ready."""
    tally = Tally()
    run: dict[str, float] = {}

    def begin() -> None:
        run["began"] = time.monotonic()
        run["until"] = run["began"] + seconds

    start = threading.Barrier(len(members), action=begin)
    threads = [
        threading.Thread(target=_client, args=(port, member, start, run, tally), daemon=True)
        for member in members
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(tally.timings) / (time.monotonic() - run["began"]), tally


def _members(env: dict[str, str], count: int) -> list[str]:
    code = (
        "import sqlalchemy as sa\n"
        "from nmg_ops import create_app\n"
        "from nmg_ops.extensions import db\n"
        "from nmg_ops.models import Member\n"
        "with create_app().app_context():\n"
        "    query = sa.select(Member.email).where(Member.password_hash.is_not(None)).order_by(Member.id)\n"
        f"    print('\\n'.join(db.session.scalars(query.limit({count}))))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return output.split()


def _p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20)[-1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("no PostgreSQL server binaries (initdb, pg_ctl) found")
    with tempfile.TemporaryDirectory(prefix="nmg-load-") as tmp:
        folder = Path(tmp)
        # The server runs as its own account, which must reach its folder in here.
        folder.chmod(0o755)
        server = PostgresServer(bindir, folder / "pg")
        server.start()
        try:
            env = _environment(server.create_database("nmg_load"), folder)
            started = time.perf_counter()
            _flask(env, "db", "upgrade")
            _flask(env, "demo", "--scale", str(args.scale), "--password", PASSWORD)
            print(f"demo --scale {args.scale} on PostgreSQL loaded in {time.perf_counter() - started:.0f} s")
            members = _members(env, args.clients)
            members = [members[i % len(members)] for i in range(args.clients)]
            results = {}
            for workers in (1, args.workers):
                port = _free_port()
                process = _serve(env, workers, args.threads, port)
                try:
                    rate, tally = _drive(port, members, args.seconds)
                finally:
                    process.terminate()
                    process.wait(30)
                results[workers] = rate
                median, p95 = statistics.median(tally.timings) * 1000, _p95(tally.timings) * 1000
                print(
                    f"gunicorn --workers {workers} --threads {args.threads}, {args.clients} clients, "
                    f"{args.seconds:.0f} s: {rate:.1f} requests/s, median {median:.0f} ms, p95 {p95:.0f} ms, "
                    f"{len(tally.errors)} errors {tally.errors[:3]}"
                )
                if tally.errors:
                    return 1
            print(f"{args.workers} workers / 1 worker: {results[args.workers] / results[1]:.2f}")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
