"""Confirming a meeting for the whole group: how long the coordinator waits, and how big each invitation is.

Signs in as the coordinator and confirms, through the real confirm form, a meeting with 523 invitees (the
size of the largest group seen) and, in the same run, one with a single invitee: the baseline. The
invitations are made after the answer has gone, so the two answers should take about as long.
Targets: 523-invitee answer < 1 s, and / 1-invitee answer <= 3; every invitation < 20 KB.

    .venv/bin/python bench/invitations.py [--invitees N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from nmg_ops import clock, confirmation, create_app
from nmg_ops.extensions import db
from nmg_ops.meetings.types import meeting_type
from nmg_ops.models import (
    CoordinatorTerm,
    Invitation,
    Meeting,
    MeetingStatus,
    Member,
    Organisation,
    OutboundMessage,
    OutboundMessageContent,
    StakeholderType,
)

ANSWER_SECONDS = 1.0
RATIO_TARGET = 3.0
SIZE_TARGET = 20 * 1024
PASSWORD = "bench-password"


def _meeting(invitees: list[Member], day: int) -> int:
    start = datetime.combine(
        clock.today() + timedelta(days=day),
        datetime.min.time().replace(hour=10),
        tzinfo=ZoneInfo("Europe/Rome"),
    )
    meeting = Meeting(
        type=meeting_type("plenary"),
        title=f"Bench plenary {day}",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        mode="online",
        video_url="https://meet.example.org/bench",
        venue="",
        status=MeetingStatus.DRAFT,
        invitations=[Invitation(member=member) for member in invitees],
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting.id


def _confirm(client, meeting_id: int) -> float:
    started = time.perf_counter()
    # As sent by the button of the page that says how many invitations go out.
    response = client.post(f"/meetings/{meeting_id}/confirm", data={confirmation.CONFIRM_FIELD: "yes"})
    answered = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    response.close()  # what the server does once the answer is sent: the invitations are made now
    return answered


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invitees", type=int, default=523)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="nmg-bench-"))
    app = create_app(
        {
            "ENVIRONMENT": "testing",
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "OUTBOX_DIR": str(folder / "outbox"),
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        org = Organisation(name="Bench", stakeholder_type=StakeholderType.MINISTRY)
        hashed = generate_password_hash(PASSWORD)
        coordinator = Member(
            full_name="Coordinator", email="c@example.org", organisation=org, password_hash=hashed
        )
        group = [
            Member(
                full_name=f"Expert {i}",
                email=f"x{i}@example.org",
                organisation=org,
                language="it" if i % 2 else "en",
            )
            for i in range(args.invitees)
        ]
        db.session.add_all([coordinator, *group])
        db.session.add(
            CoordinatorTerm(
                member=coordinator,
                starts_on=clock.today() - timedelta(days=1),
                ends_on=clock.today() + timedelta(days=300),
                rotation_position=1,
            )
        )
        db.session.commit()
        small, large = _meeting(group[:1], 30), _meeting(group, 31)
    client = app.test_client()
    client.post("/sign-in", data={"email": "c@example.org", "password": PASSWORD})
    baseline = _confirm(client, small)
    answer = _confirm(client, large)
    with app.app_context():
        sizes = list(
            db.session.scalars(
                sa.select(sa.func.length(OutboundMessageContent.content))
                .join(OutboundMessage.body)
                .where(OutboundMessage.purpose == "itip_request")
            )
        )
    ratio = answer / baseline
    print(f"confirm, 1 invitee: {baseline * 1000:.0f} ms; {args.invitees} invitees: {answer * 1000:.0f} ms")
    print(f"ratio {ratio:.2f} (target <= {RATIO_TARGET}); answer target < {ANSWER_SECONDS:.0f} s")
    print(f"{len(sizes)} invitations, largest {max(sizes) / 1024:.1f} KB (target < {SIZE_TARGET // 1024} KB)")
    missed = answer >= ANSWER_SECONDS or ratio > RATIO_TARGET or max(sizes) >= SIZE_TARGET
    missed = missed or len(sizes) != args.invitees + 1
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
