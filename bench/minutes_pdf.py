"""Minutes as PDF: how long a member waits for the PDF of a 15-item meeting's minutes, and what the
largest minutes the editor accepts cost.

Builds held plenaries with 15 agenda items, 10 decisions, 20 actions and 40 invitees each. The *typical*
one has about 1,500 characters of Markdown per item (lists and emphasis; the demo's kick-off minutes run
to some 600 an item), about 8 pages; the *long* one about 3,300 per item with a table in every section,
about 20 pages; the *largest* is as large as the editor accepts (`writing.MINUTES_MAX` characters and
`writing.PARTS_MAX` formatted parts, all list items, which cost the layout the most). Each PDF is made
as a reader's first request makes it (`printing.html_pdf`: a process of its own under the limits of
CPU, memory and time), over several runs; peak memory is that process's. The baseline, in the same run,
is the same printable HTML without the PDF. A second request for the same revision is served the kept
PDF (`printed.minutes_pdf`), also timed. Target: median PDF time of the typical meeting <= 2 s, and the
largest within the CPU limit (`PDF_CPU_SECONDS`).

    .venv/bin/python bench/minutes_pdf.py [--runs N]
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask_migrate import upgrade
from pypdf import PdfReader

from nmg_ops import clock, create_app, printing
from nmg_ops.extensions import db
from nmg_ops.meetings.types import meeting_type
from nmg_ops.minutes import actions, decisions, exports, printed, sections, writing
from nmg_ops.minutes.actions import ActionData
from nmg_ops.models import (
    AgendaItem,
    Attendance,
    Invitation,
    Meeting,
    MeetingStatus,
    Member,
    Organisation,
    StakeholderType,
)

TARGET_SECONDS = 2.0
ITEMS = 15
DECISIONS = 10
ACTIONS = 20
INVITEES = 40

PARAGRAPH = (
    "The group discussed the **implementation roadmap** and the links with the national genomic "
    "initiatives; members from the regions asked how the *data access committee* will work in practice, "
    "and the coordinator summarised the points of agreement. "
)


def _largest_text(sections_count: int) -> str:
    """One section's share of the largest minutes the editor accepts: one list, all its items."""
    per_section = writing.PARTS_MAX // sections_count - 1
    line = writing.MINUTES_MAX // (sections_count * per_section)
    return (("- " + ("Agreed point " * 10)[: line - 3] + "\n") * per_section).strip()


def _section_text(number: int, *, long: bool) -> str:
    """About 1,500 characters of the Markdown the minutes are written in, or 3,300 with a table."""
    if not long:
        return "\n\n".join(
            [
                PARAGRAPH * 3,
                "\n".join(f"- Point {number}.{n}: {PARAGRAPH[:120]}" for n in range(1, 4)),
                PARAGRAPH,
            ]
        )
    rows = "\n".join(f"| Region {n} | {n * 3} | {'yes' if n % 2 else 'no'} |" for n in range(1, 6))
    return "\n\n".join(
        [
            PARAGRAPH * 4,
            "\n".join(f"- Point {number}.{n}: {PARAGRAPH[:120]}" for n in range(1, 6)),
            f"| Region | Samples | Ready |\n|---|---|---|\n{rows}",
            PARAGRAPH * 6,
        ]
    )


def _record(people: list[Member], kind: str) -> int:
    """A held plenary with its minutes, decisions and actions; returns the meeting's id."""
    day = {"typical": 19, "long": 12, "largest": 5}[kind]
    start = datetime(2026, 3, day, 10, 0, tzinfo=ZoneInfo("Europe/Rome"))
    meeting = Meeting(
        type=meeting_type("plenary"),
        title=f"{kind.capitalize()} plenary",
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        mode="online",
        video_url="https://meet.example.org/bench",
        venue="",
        status=MeetingStatus.CONFIRMED,
        invitations=[
            Invitation(member=m, attendance=Attendance.PRESENT if i % 8 else Attendance.EXCUSED)
            for i, m in enumerate(people)
        ],
        agenda_items=[AgendaItem(position=n, title=f"Agenda item {n}") for n in range(1, ITEMS + 1)],
    )
    db.session.add(meeting)
    db.session.commit()
    meeting = writing.meeting_for_minutes(meeting.id)
    keys = [sections.item_key(item) for item in meeting.agenda_items]
    if kind == "largest":
        texts = {key: _largest_text(len(keys) + 2) for key in ["opening", *keys, "aob"]}
    else:
        texts = {"opening": PARAGRAPH}
        texts |= {key: _section_text(n, long=kind == "long") for n, key in enumerate(keys, start=1)}
    writing.save(meeting, texts, 0, None)
    minutes = writing.minutes_of(meeting.id)
    for n in range(DECISIONS):
        decisions.record(meeting, minutes, keys[n % ITEMS], f"Decision {n + 1}: {PARAGRAPH[:150]}", None)
    for n in range(ACTIONS):
        data = ActionData(
            title=f"Action {n + 1}: prepare the note on the roadmap",
            owner_ids=[people[n].id, people[n + 1].id],
            due_on=clock.today() + timedelta(days=n),
            meeting_id=meeting.id,
            section=keys[n % ITEMS],
        )
        actions.record(data, None)
    return meeting.id


def _medians(work, runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds: when the two differ much, other processes took the cores."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _people() -> list[Member]:
    org = Organisation(name="Istituto Superiore di Sanità", stakeholder_type=StakeholderType.MINISTRY)
    people = [
        Member(
            full_name=f"Expert {i}", email=f"x{i}@example.org", organisation=org, joined_on=date(2024, 1, 1)
        )
        for i in range(INVITEES)
    ]
    db.session.add_all(people)
    db.session.commit()
    return people


def _measure(meeting_id: int, runs: int) -> dict[str, float]:
    def load():
        db.session.expire_all()
        meeting = writing.meeting_for_minutes(meeting_id)
        return meeting, writing.minutes_of(meeting_id)

    html_seconds, _ = _medians(lambda: exports.minutes_html(*load()), runs)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    pdf_seconds, _ = _medians(lambda: printing.html_pdf(exports.minutes_html(*load())), runs)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / runs
    pdf = printed.minutes_pdf(*load())  # made once, and kept
    kept_seconds, _ = _medians(lambda: printed.minutes_pdf(*load()), runs)
    return {
        "characters": sum(len(text) for text in load()[1].sections.values()),
        "parts": printing.parts(exports.minutes_html(*load())),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "kilobytes": len(pdf) / 1024,
        "html": html_seconds,
        "pdf": pdf_seconds,
        "cpu": cpu,
        # the largest of the processes so far: the minutes are measured from the smallest up
        "peak": after.ru_maxrss / 1024,
        "kept": kept_seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nmg-bench-") as tmp:
        folder = Path(tmp)
        app = create_app(
            {
                "ENVIRONMENT": "testing",
                "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
                "OUTBOX_DIR": str(folder / "outbox"),
            }
        )
        with app.app_context(), app.test_request_context():
            upgrade()
            people = _people()
            figures = {
                kind: _measure(_record(people, kind), args.runs) for kind in ("typical", "long", "largest")
            }
            limit = app.config["PDF_CPU_SECONDS"]
    print(
        f"{ITEMS} items, {DECISIONS} decisions, {ACTIONS} actions, {INVITEES} invitees; {args.runs} runs each"
    )
    for name, row in figures.items():
        print(
            f"{name}: {row['characters']:,} characters, {row['parts']:,} parts, {row['pages']} pages, "
            f"{row['kilobytes']:.0f} KB; HTML {row['html']:.3f} s (baseline), PDF median {row['pdf']:.3f} s "
            f"(CPU {row['cpu']:.3f} s, peak {row['peak']:.0f} MB), "
            f"{row['pdf'] / row['html']:.0f} x the HTML; served again {row['kept'] * 1000:.0f} ms"
        )
    typical, largest = figures["typical"], figures["largest"]
    print(
        f"typical: ratio to the {TARGET_SECONDS:.0f} s target: "
        f"{typical['pdf'] / TARGET_SECONDS:.2f} (target <= 1)"
    )
    print(f"largest: CPU {largest['cpu']:.1f} s of the {limit} s limit")
    return 0 if typical["pdf"] <= TARGET_SECONDS and largest["cpu"] < limit else 1


if __name__ == "__main__":
    sys.exit(main())
