"""What each page costs at ten times a real group, against a one-query page, in one run.

Loads the demo with `--scale 500` (523 members, 1,000+ meetings, 10,000 actions) into SQLite, signs in as
the coordinator, and serves each page in process, alternating with a baseline page that runs one query
for 100 members and renders them in a Jinja table: what any page costs before it does its own work. It
prints, per page, the median time, its ratio to the baseline's median, the size and the SQL statements.
Targets: every page within 3x the baseline (2x for a page that shows one list) and at most 200 KiB.
The partnership view reads 40 NMGs' self-assessments of 5 years each, uploaded as the coordinator would.

    .venv/bin/python bench/pages.py [--database FILE] [--page PATH ...]

`--database` keeps the loaded demo in FILE and reuses it on the next run (loading takes a few minutes);
`--page` measures only the pages named (as listed in PAGES).
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from babel import Locale
from flask import Flask, render_template_string
from flask_migrate import upgrade

from nmg_ops import clock, create_app
from nmg_ops.extensions import db
from nmg_ops.models import Meeting, MeetingStatus, Member, Minutes, PartnershipSource

DEMO_PARTNERSHIP = Path(__file__).resolve().parents[1] / "nmg_ops" / "demo" / "partnership"

ROUNDS = 15
PASSWORD = "bench-password"
SCALE = 500
MAX_BYTES = 200 * 1024
#: page -> its target ratio; a page that shows one list gets the tighter one
PAGES = {
    "/": 3.0,
    "/coordinators": 3.0,
    "/meetings/": 2.0,
    "/meetings/my": 2.0,
    "/meetings/cadence": 3.0,
    "/meetings/{meeting}": 3.0,
    "/meetings/{meeting}/minutes": 3.0,
    "/actions": 2.0,
    "/actions/mine": 2.0,
    "/decisions": 2.0,
    "/governance": 3.0,
    "/members/": 2.0,
    "/organisations/": 2.0,
    "/documents/": 2.0,
    "/consultations": 2.0,
    "/news/issues": 2.0,
    "/deliveries": 2.0,
    "/records/search?q=budget": 2.0,
    "/partnership": 3.0,
}
#: the partnership view's NMGs and years
NMGS = 40
YEARS = 5
#: ISO 3166-1 codes of the NMGs: the first countries Babel knows, other than this group's
COUNTRIES = [code for code in sorted(Locale("en").territories) if code.isalpha() and code != "IT"][:NMGS]
STAGES = ("operational", "constructing", "planning", "no_activity")
LIGHTS = ("green", "amber", "red")
BASELINE = """<!doctype html><title>Members</title><table>
{% for m in members %}<tr><td>{{ m.full_name }}</td><td>{{ m.email }}</td><td>{{ m.joined_on }}</td></tr>
{% endfor %}</table>"""


def _app(database: Path, folder: Path) -> Flask:
    app = create_app(
        {
            "ENVIRONMENT": "testing",
            "DATABASE_URL": f"sqlite:///{database}",
            "OUTBOX_DIR": str(folder / "outbox"),
            "WTF_CSRF_ENABLED": False,
            "PARTNERSHIP_VIEW": True,
            "PARTNERSHIP_DIR": str(folder / "no-files"),
        }
    )

    def baseline() -> str:
        members = db.session.scalars(sa.select(Member).order_by(Member.id).limit(100)).all()
        return render_template_string(BASELINE, members=members)

    app.add_url_rule("/bench/baseline", view_func=baseline)
    return app


def _load(app: Flask, database: Path) -> None:
    with app.app_context():
        upgrade()
        if db.session.scalar(sa.select(sa.func.count()).select_from(Member)):
            return
    print(f"loading the demo at --scale {SCALE} into {database} ...", flush=True)
    arguments = ["demo", "--scale", str(SCALE), "--password", PASSWORD]
    result = app.test_cli_runner().invoke(args=arguments)
    if result.exit_code != 0:
        raise SystemExit(result.output)


def _partnership(app: Flask) -> None:
    """NMGS NMGs' documents of YEARS years each, varied from a demo file, uploaded through the page's rule."""
    from nmg_ops.governance.partnership import sources

    with app.app_context():
        if db.session.scalar(sa.select(sa.func.count()).select_from(PartnershipSource)):
            return
        model = json.loads((DEMO_PARTNERSHIP / "spain.json").read_text(encoding="utf-8"))[0]
        coordinator = db.session.scalar(sa.select(Member).where(Member.email == "coordinator@demo.nmg"))
        last = clock.local(clock.now()).year - 1
        for n, country in enumerate(COUNTRIES):
            years = []
            for year in range(last - YEARS + 1, last + 1):
                doc = copy.deepcopy(model)
                doc["group"].update(
                    name=f"NMG {country}", country=country, public_site=f"https://{country}.example.org/"
                )
                doc["year"], doc["as_of"] = year, f"{year}-12-31"
                doc["measures"]["stage"]["stage"] = STAGES[(n + year) % len(STAGES)]
                for i, measure in enumerate(doc["measures"].values()):
                    if measure["light"] != "unanswered":
                        measure["light"] = LIGHTS[(n + year + i) % len(LIGHTS)]
                years.append(doc)
            sources.upload(json.dumps(years).encode(), coordinator)
        db.session.commit()


def _held_meeting_with_minutes(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(Meeting.id)
            .join(Minutes, Minutes.meeting_id == Meeting.id)
            .where(Meeting.status == MeetingStatus.HELD)
            .order_by(Meeting.starts_at.desc())
            .limit(1)
        )


class Statements:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: object) -> None:
        self.count += 1


def _measure(client, path: str, statements: Statements) -> tuple[float, int, int]:
    started = time.perf_counter()
    before = statements.count
    response = client.get(path)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return elapsed, len(response.data), statements.count - before


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", type=Path)
    parser.add_argument("--page", action="append", help="measure only this page (repeatable)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        database = (options.database or folder / "pages.sqlite3").resolve()
        app = _app(database, folder)
        _load(app, database)
        _partnership(app)
        meeting = _held_meeting_with_minutes(app)
        client = app.test_client()
        response = client.post("/sign-in", data={"email": "coordinator@demo.nmg", "password": PASSWORD})
        if response.status_code != 302:
            raise SystemExit("sign-in as the coordinator failed")
        statements = Statements()
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", statements)
        failed = 0
        print(f"{'page':<34} {'median':>9} {'ratio':>7} {'target':>7} {'KiB':>7} {'SQL':>4}")
        for template, target in PAGES.items():
            if options.page and template not in options.page:
                continue
            path = template.format(meeting=meeting)
            for _ in range(2):
                _measure(client, path, statements)
                _measure(client, "/bench/baseline", statements)
            page, base = [], []
            for _ in range(ROUNDS):
                elapsed, size, count = _measure(client, path, statements)
                page.append(elapsed)
                base.append(_measure(client, "/bench/baseline", statements)[0])
            ratio = statistics.median(page) / statistics.median(base)
            ok = ratio <= target and size <= MAX_BYTES
            failed += not ok
            print(
                f"{path:<34} {statistics.median(page) * 1000:>7.1f}ms {ratio:>6.1f}x {target:>6.1f}x"
                f" {size / 1024:>7.1f} {count:>4}{'' if ok else '  MISS'}",
                flush=True,
            )
        print(f"baseline: one query, 100 members in a Jinja table, {statistics.median(base) * 1000:.1f} ms")
        with app.app_context():
            db.engine.dispose()
    print("PASS" if not failed else f"{failed} page(s) miss their target")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
