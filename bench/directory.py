"""Member directory cost against group size.

Serves the first directory page for a group of 200 members (the baseline) and for 5,000 members, in the
same run, and prints the ratio of the median times. Both groups spread over the same 60 organisations,
because the organisation filter lists every organisation: what is measured is the cost of members. The
directory is paginated and eager-loads what it shows, so the page should cost about the same whatever the
size of the group. Target: ratio <= 1.5.

    .venv/bin/python bench/directory.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from nmg_ops import clock, create_app
from nmg_ops.demo import load
from nmg_ops.demo.scale import add_scale
from nmg_ops.extensions import db

TARGET = 1.5
ROUNDS = 30
ORGANISATIONS = 60


def _serve_directory(size: int, folder: Path) -> float:
    app = create_app(
        {
            "ENVIRONMENT": "testing",
            "DATABASE_URL": f"sqlite:///{folder / f'bench-{size}.sqlite3'}",
            "OUTBOX_DIR": str(folder / "outbox"),
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()

        load(clock.today(), "bench-password")
        add_scale(size, organisations=ORGANISATIONS)
        db.session.remove()
    client = app.test_client()
    response = client.post("/sign-in", data={"email": "member@demo.nmg", "password": "bench-password"})
    assert response.status_code == 302, "sign-in failed"
    client.get("/members/")
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get("/members/")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    with app.app_context():
        db.engine.dispose()
    return statistics.median(timings)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        baseline = _serve_directory(200, folder)
        large = _serve_directory(5000, folder)
    ratio = large / baseline
    print(f"directory page, 200 members: {baseline * 1000:.1f} ms (baseline)")
    print(f"directory page, 5,000 members: {large * 1000:.1f} ms")
    print(f"ratio 5,000 / 200: {ratio:.2f} (target <= {TARGET})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
