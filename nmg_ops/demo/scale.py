"""Synthetic data for benchmarks, what `flask demo --scale` adds to the demo: members of synthetic
organisations, meetings across years, minutes and actions for those held, and e-news subscribers."""

from __future__ import annotations

import bisect
import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from .. import clock
from ..extensions import db
from ..meetings.types import meeting_types
from ..minutes import search, sections
from ..models import (
    ActionEvent,
    ActionEventKind,
    ActionItem,
    ActionStatus,
    ConsentEvent,
    Invitation,
    Language,
    Meeting,
    MeetingStatus,
    MeetingType,
    Member,
    MinutesApproval,
    MinutesRevision,
    MinutesStatus,
    NewsConsent,
    NewsEdition,
    NewsSubscriber,
    RevisionKind,
    SubscriberStatus,
    action_owner,
)
from ..models import Minutes as MinutesRecord
from ..models.people import Organisation, WorkingGroup
from ..models.vocab import ITALIAN_REGIONS, Gender, StakeholderType
from ..news.subscriptions import public_wording
from .meetings import ONSITE_VENUE, VIDEO_URL
from .members import KICK_OFF
from .minutes.texts import DROP_REASONS, PLENARY
from .minutes.writer import local_day

#: meetings `--scale` adds, whatever the number of members
SCALE_MEETINGS = 1000
#: actions `--scale` adds over the synthetic meetings held
SCALE_ACTIONS = 10_000
#: confirmed e-news subscribers `--scale` adds
SCALE_SUBSCRIBERS = 10_000


def add_scale(count: int, organisations: int | None = None, seed: int = 2024) -> int:
    """Synthetic members spread over synthetic organisations of every type, for benchmarks.

    Without `organisations`, one organisation per ten members (at least one of each stakeholder type).
    """
    rng = random.Random(seed)
    groups = list(db.session.scalars(sa.select(WorkingGroup)))
    orgs = [
        Organisation(
            name=f"Synthetic organisation {i:04d}",
            acronym=f"SYN{i:04d}",
            stakeholder_type=list(StakeholderType)[i % len(StakeholderType)],
            region=ITALIAN_REGIONS[i % len(ITALIAN_REGIONS)],
        )
        for i in range(organisations or max(len(StakeholderType), count // 10))
    ]
    db.session.add_all(orgs)
    genders = list(Gender)
    for i in range(count):
        db.session.add(
            Member(
                full_name=f"Synthetic Expert {i:05d}",
                email=f"expert{i:05d}@scale.demo.nmg",
                organisation=orgs[i % len(orgs)],
                gender=genders[i % len(genders)],
                position="Expert",
                region=rng.choice(ITALIAN_REGIONS),
                joined_on=KICK_OFF,
                working_groups=rng.sample(groups, k=min(len(groups), rng.randint(0, 2))),
            )
        )
    db.session.commit()
    return count


def add_scale_meetings(count: int, seed: int = 2024) -> int:
    """`count` meetings spread over the five years before and the two after today, each with ten invitees
    drawn from the members, inserted in bulk; for benchmarks."""
    rng = random.Random(seed)
    kinds = meeting_types()
    member_ids = list(db.session.scalars(sa.select(Member.id)))
    today = clock.today()
    first = date(today.year - 5, 1, 1)
    span = (date(today.year + 3, 1, 1) - first).days
    now = clock.now()
    rows = []
    for n in range(count):
        kind = kinds[n % len(kinds)]
        starts_at = clock.from_local(first + timedelta(days=rng.randrange(span)), time(10, 0))
        rows.append(
            {
                "type_id": kind.id,
                "title": f"Synthetic {kind.name.lower()} {n:04d}",
                "description": "",
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(minutes=kind.default_duration_minutes),
                "mode": kind.default_mode,
                "venue": ONSITE_VENUE if kind.default_mode.needs_venue else "",
                "video_url": VIDEO_URL if kind.default_mode.needs_video_link else "",
                "status": MeetingStatus.HELD if starts_at < now else MeetingStatus.CONFIRMED,
                "is_public": False,
                "sequence": 1,
            }
        )
    ids = db.session.scalars(
        sa.insert(Meeting).returning(Meeting.id, sort_by_parameter_order=True), rows
    ).all()
    invitations = [
        {"meeting_id": meeting_id, "member_id": member_id}
        for meeting_id in ids
        for member_id in rng.sample(member_ids, k=min(10, len(member_ids)))
    ]
    if invitations:
        db.session.execute(sa.insert(Invitation), invitations)
    db.session.commit()
    return count


SCALE_TITLES = [
    "Raccogliere i contributi nazionali per il {wp}",
    "Inviare la sintesi della riunione ai referenti del {wp}",
    "Preparare la scheda di aggiornamento per il {wp}",
    "Verificare con le Regioni i dati richiesti dal {wp}",
    "Proporre un relatore per il webinar del {wp}",
    "Aggiornare la mappatura degli esperti per il {wp}",
]
WORK_PACKAGES = ["WP4", "WP5", "WP8", "WP9"]


def add_scale_minutes(actions: int, seed: int = 2024) -> int:
    """Minutes for every held meeting that has none (the synthetic ones), and `actions` actions spread
    over those meetings and owned by their invitees, inserted in bulk; for benchmarks. Returns the number
    of minutes added."""
    rng = random.Random(seed)
    now, today = clock.now(), clock.today()
    meetings = db.session.execute(
        sa.select(
            Meeting.id, Meeting.title, Meeting.starts_at, Meeting.ends_at, MeetingType.minutes_comment_days
        )
        .join(Meeting.type)
        .outerjoin(MinutesRecord, MinutesRecord.meeting_id == Meeting.id)
        .where(Meeting.status == MeetingStatus.HELD, MinutesRecord.id.is_(None))
        .order_by(Meeting.starts_at)
    ).all()
    if not meetings:
        return 0
    plenaries = db.session.execute(
        sa.select(Meeting.id, Meeting.starts_at)
        .join(Meeting.type)
        .where(Meeting.status == MeetingStatus.HELD, MeetingType.code == PLENARY)
        .order_by(Meeting.starts_at)
    ).all()
    plenary_starts = [plenary.starts_at for plenary in plenaries]
    writer_id = db.session.scalar(
        sa.select(Member.id).where(Member.is_coordination_team).order_by(Member.id).limit(1)
    )
    first_id = _next_id(MinutesRecord.__table__)
    rows = []
    for meeting in meetings:
        text = (
            f"Verbale sintetico di {meeting.title}: discussione dei punti all'ordine del giorno e delle "
            "azioni in corso."
        )
        written_at = meeting.ends_at + timedelta(days=1)
        circulated_at = meeting.ends_at + timedelta(days=3)
        following = bisect.bisect_right(plenary_starts, circulated_at)
        approver = plenaries[following] if following < len(plenaries) else None
        row = {
            "id": first_id + len(rows),
            "meeting_id": meeting.id,
            "status": MinutesStatus.DRAFT,
            "version": 1,
            "sections": {sections.OPENING: text},
            "search_text": search.fold_all(meeting.title, text),
            "circulation": 0,
            "circulated_version": 0,
            "circulated_at": None,
            "comments_due_on": None,
            "approved_on": None,
            "approved_at_meeting_id": None,
            "approved_how": None,
            "approved_version": None,
            "approved_by_id": None,
            "created_at": min(written_at, now),
            "updated_at": min(written_at, now),
        }
        if circulated_at < now:
            row.update(
                status=MinutesStatus.CIRCULATED,
                circulation=1,
                circulated_version=1,
                circulated_at=circulated_at,
                comments_due_on=local_day(circulated_at) + timedelta(days=meeting.minutes_comment_days),
                updated_at=circulated_at,
            )
        # The last six weeks' minutes wait for their approval.
        if circulated_at < now - timedelta(days=42) and approver is not None:
            row.update(
                status=MinutesStatus.APPROVED,
                approved_on=local_day(approver.starts_at),
                approved_at_meeting_id=approver.id,
                approved_how=MinutesApproval.MEETING,
                approved_version=1,
                approved_by_id=writer_id,
                updated_at=approver.starts_at,
            )
        rows.append(row)
    _insert_numbered(MinutesRecord.__table__, rows)
    db.session.execute(
        sa.insert(MinutesRevision.__table__),
        [
            {
                "minutes_id": row["id"],
                "number": 1,
                "sections": row["sections"],
                "kind": RevisionKind.EDIT,
                "note": "",
                "author_id": writer_id,
                "saved_at": row["created_at"],
            }
            for row in rows
        ],
    )
    _scale_actions(actions, meetings, writer_id, rng, today, now)
    db.session.commit()
    return len(rows)


def _scale_actions(
    count: int, meetings: list, writer_id: int | None, rng: random.Random, today: date, now: datetime
) -> None:
    """`count` actions over the meetings, owned by one or two of their invitees or by the team."""
    names = dict(
        db.session.execute(sa.select(Member.id, Member.full_name).where(Member.current_clause(today))).all()
    )
    invitees: dict[int, list[int]] = {}
    for meeting_id, member_id in db.session.execute(
        sa.select(Invitation.meeting_id, Invitation.member_id)
        .join(Invitation.meeting)
        .where(Meeting.status == MeetingStatus.HELD)
        .order_by(Invitation.id)
    ):
        if member_id in names:
            invitees.setdefault(meeting_id, []).append(member_id)
    everyone = sorted(names)
    first_id = _next_id(ActionItem.__table__)
    rows, owners = [], []
    for n in range(count):
        meeting = meetings[n % len(meetings)]
        due_on = local_day(meeting.starts_at) + timedelta(days=rng.randrange(7, 180))
        # Most actions due long ago are closed; some are still open, overdue.
        age = (today - due_on).days
        weights = [5, 5, 70, 20] if age > 90 else [25, 25, 40, 10] if age > 0 else [55, 30, 10, 5]
        status = rng.choices(list(ActionStatus), weights)[0]
        people = invitees.get(meeting.id) or everyone
        chosen = [] if rng.random() < 0.1 else rng.sample(people, k=min(len(people), rng.choice([1, 1, 2])))
        title = SCALE_TITLES[n % len(SCALE_TITLES)].format(wp=WORK_PACKAGES[n % len(WORK_PACKAGES)])
        reason = rng.choice(DROP_REASONS) if status is ActionStatus.DROPPED else ""
        created_at = min(meeting.ends_at + timedelta(hours=2), now)
        rows.append(
            {
                "id": first_id + n,
                "title": title,
                "notes": "",
                "due_on": due_on,
                "status": status,
                "dropped_reason": reason,
                "is_team_owned": not chosen,
                "meeting_id": meeting.id,
                "section": sections.OPENING,
                "agenda_item_id": None,
                "search_text": search.fold_all(
                    title, reason, *(names[i] for i in chosen), f"A-{first_id + n}"
                ),
                "created_by_id": writer_id,
                "created_at": created_at,
                "updated_at": created_at,
            }
        )
        owners.append(chosen)
    _insert_numbered(ActionItem.__table__, rows)
    ids = [row["id"] for row in rows]
    db.session.execute(
        sa.insert(action_owner),
        [{"action_id": i, "member_id": m} for i, chosen in zip(ids, owners, strict=True) for m in chosen],
    )
    events = []
    for action_id, row in zip(ids, rows, strict=True):
        created = {
            "action_id": action_id,
            "kind": ActionEventKind.CREATED,
            "status_from": None,
            "status_to": ActionStatus.OPEN,
            "text": "",
            "author_id": writer_id,
            "at": row["created_at"],
        }
        events.append(created)
        if row["status"] is not ActionStatus.OPEN:
            events.append(
                created
                | {
                    "kind": ActionEventKind.STATUS,
                    "status_from": ActionStatus.OPEN,
                    "status_to": row["status"],
                    "text": row["dropped_reason"],
                    "at": min(row["created_at"] + timedelta(days=10), now),
                }
            )
    db.session.execute(sa.insert(ActionEvent.__table__), events)


def _next_id(table: sa.Table) -> int:
    return (db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1


def _insert_numbered(table: sa.Table, rows: list[dict]) -> None:
    """Insert rows numbered from `_next_id` in one batch.

    The rows that refer to them need the ids in order; asking the database for them in order (RETURNING
    sorted by parameter) would insert one row at a time on SQLite. PostgreSQL's sequence is moved past the
    ids given, for the inserts that follow."""
    db.session.execute(sa.insert(table), rows)
    if rows and db.session.get_bind().dialect.name == "postgresql":
        sequence = sa.func.pg_get_serial_sequence(table.name, "id")
        db.session.execute(sa.select(sa.func.setval(sequence, max(row["id"] for row in rows))))


def add_scale_subscribers(count: int, first: int = 0) -> int:
    """`count` confirmed public subscribers, each with the consent they gave, inserted in bulk; for
    benchmarks. `first` numbers the addresses, so that a second call adds different ones."""
    now = clock.now()
    with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
        wording = public_wording()
    numbers = range(first, first + count)
    db.session.execute(
        sa.insert(NewsSubscriber),
        [
            {
                "email": f"reader{n:06d}@scale.example.org",
                "name": f"Lettore sintetico {n:06d}",
                "language": Language.IT,
                "status": SubscriberStatus.CONFIRMED,
                "confirmed_at": now,
                "created_at": now,
            }
            for n in numbers
        ],
    )
    db.session.execute(
        sa.insert(NewsConsent),
        [
            {
                "email": f"reader{n:06d}@scale.example.org",
                "edition": NewsEdition.PUBLIC,
                "event": ConsentEvent.GIVEN,
                "wording": wording,
                "source": "confirmation link from 192.0.2.1",
                "at": now,
            }
            for n in numbers
        ],
    )
    db.session.commit()
    return count
