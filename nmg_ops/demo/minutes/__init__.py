"""The demo NMG's record: minutes of the meetings held, the decisions taken and the actions agreed.

The kick-off's minutes follow its own report and were approved at the first plenary after it, as every
meeting's minutes are at the next plenary held; the last meeting held is still a draft, the one before is
circulated for comments. Actions are in every status, some overdue, some the coordination team's, and
`member@demo.nmg` has one open and one overdue. Like the meetings, all of it is written as history, with
the dates it would have had: the rows are written directly, not through the services, which would date
every step today and mail each circulation to those present.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from ... import clock
from ...extensions import db
from ...minutes import sections
from ...models import (
    ActionStatus,
    CoordinatorTerm,
    Invitation,
    Meeting,
    MeetingStatus,
    Member,
    MinutesApproval,
    MinutesRevision,
    MinutesStatus,
)
from .texts import (
    COMMENT_AUTHORS,
    COMMENTS,
    KICK_OFF_ACTIONS,
    KICK_OFF_BEFORE_COMMENT,
    KICK_OFF_COMMENT,
    KICK_OFF_DECISIONS,
    MEMBER,
    PLENARY,
    PLENARY_ACTIONS,
    PLENARY_DECISIONS,
    THEMES,
    DemoAction,
)
from .writer import Plan, Writer, local_day


def _plan(held: list[Meeting]) -> list[Plan]:
    """The last meeting held has draft minutes, the one before circulated ones; earlier ones are approved
    at the next plenary held (or by the team, for types whose minutes the team approves)."""
    plenaries = [m for m in held if m.type.code == PLENARY]
    plans = []
    for index, meeting in enumerate(held):
        from_end = len(held) - index
        approver = next((p for p in plenaries if p.starts_at > meeting.starts_at), None)
        by_team = meeting.type.minutes_approval is MinutesApproval.COORDINATOR
        if index and from_end == 1:
            plans.append(Plan(meeting, MinutesStatus.DRAFT, revisions=3))
        elif (index and from_end == 2) or (approver is None and not by_team):
            plans.append(Plan(meeting, MinutesStatus.CIRCULATED, revisions=2))
        else:
            revisions = 3 if index == 0 else 1 + index % 2
            plans.append(Plan(meeting, MinutesStatus.APPROVED, None if by_team else approver, revisions))
    return plans


def load_minutes(members: list[Member], terms: list[CoordinatorTerm], today: date) -> dict[str, int]:
    """Minutes, decisions and actions for every meeting held; returns counts of what was added.

    Runs once, with the rest of the demo, into a database without members."""
    now = clock.now()
    held = list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.status == MeetingStatus.HELD)
            .order_by(Meeting.starts_at)
            .options(
                so.joinedload(Meeting.type),
                so.selectinload(Meeting.agenda_items),
                so.selectinload(Meeting.invitations).joinedload(Invitation.member),
            )
        )
    )
    writer = Writer(members, terms, today, now)
    if not held:
        return writer.counts
    plans = _plan(held)
    approvers = {plan.approver.id for plan in plans if plan.approver}
    plenary_turn = thematic_turn = 0
    for index, plan in enumerate(plans):
        meeting = plan.meeting
        author, team = writer.writer(index), writer.writer(index + 1)
        if index == 0:
            _kick_off(writer, plan, author)
            continue
        if meeting.type.code == PLENARY:
            final = writer.plenary_texts(meeting, plenary_turn, author, meeting.id in approvers)
            decisions = [
                PLENARY_DECISIONS[(plenary_turn + n) % len(PLENARY_DECISIONS)] for n in range(1 + index % 2)
            ]
            specs = [PLENARY_ACTIONS[(2 * plenary_turn + n) % len(PLENARY_ACTIONS)] for n in range(2)]
            plenary_turn += 1
        elif meeting.type.code == "thematic":
            final = writer.thematic_texts(meeting, thematic_turn, author)
            _, _, decision, spec = THEMES[thematic_turn % len(THEMES)]
            decisions, specs = [(0, decision)], [spec]
            thematic_turn += 1
        else:
            final = {sections.OPENING: writer.opening(meeting, writer.coordinator_on(today), author)}
            decisions, specs = [], []
        # The revisions before the last lacked the last sentence of each section.
        earlier = {key: text.rsplit(". ", 1)[0] + "." for key, text in final.items() if ". " in text}
        record = writer.minutes(plan, final, author, earlier)
        if plan.status is MinutesStatus.CIRCULATED:
            at = min(now, record.circulated_at + timedelta(hours=20))
            for n, resolved_by in enumerate((team, None)):
                position, body = COMMENTS[(index + n) % len(COMMENTS)]
                writer.comment(record, meeting, position, body, COMMENT_AUTHORS[2 * n :], resolved_by, at)
        elif plan.status is MinutesStatus.APPROVED and index % 4 == 1:
            position, body = COMMENTS[index % len(COMMENTS)]
            writer.comment(
                record,
                meeting,
                position,
                body,
                COMMENT_AUTHORS[1:],
                team,
                record.circulated_at + timedelta(days=1),
            )
        for position, text in decisions:
            writer.decision(meeting, position, text, author, record.created_at)
        for spec in specs:
            due_on = local_day(meeting.starts_at) + timedelta(days=writer.rng.choice([14, 21, 30, 45, 60]))
            status, text = writer.drawn_status(due_on)
            writer.action(meeting, spec, due_on, status, author, text)
    _member_actions(writer, plans)
    db.session.commit()
    return writer.counts


def _kick_off(writer: Writer, plan: Plan, author: Member) -> None:
    """The kick-off's minutes: drafted, circulated, changed after a comment, circulated again, approved."""
    meeting = plan.meeting
    final = writer.kick_off_texts(meeting, author)
    position, removed = KICK_OFF_BEFORE_COMMENT
    key = writer.section_key(meeting, position)
    record = writer.minutes(plan, final, author, {key: final[key].replace(removed, "")}, again=True)
    last = db.session.scalar(
        sa.select(MinutesRevision).where(
            MinutesRevision.minutes_id == record.id, MinutesRevision.number == record.version
        )
    )
    comment_position, body, commenter = KICK_OFF_COMMENT
    comment = writer.comment(
        record, meeting, comment_position, body, [commenter], author, last.saved_at - timedelta(days=1)
    )
    if comment is not None:
        comment.resolved_at = last.saved_at
    for decision_position, text in KICK_OFF_DECISIONS:
        writer.decision(meeting, decision_position, text, author, record.created_at)
    for spec in KICK_OFF_ACTIONS:
        writer.action(meeting, spec.action, spec.due_on, spec.status, author, spec.text)


def _member_actions(writer: Writer, plans: list[Plan]) -> None:
    """`member@demo.nmg` has an open action of the last meeting held and an overdue one of an earlier."""
    last = plans[-1].meeting
    writer.action(
        last,
        DemoAction(
            4,
            "Raccogliere le osservazioni di AIFA sul documento di priorità della partnership",
            (MEMBER,),
            notes="Le osservazioni confluiscono nel contributo nazionale.",
        ),
        max(writer.today, local_day(last.starts_at)) + timedelta(days=21),
        ActionStatus.OPEN,
        writer.writer(0),
    )
    lapsed = [p.meeting for p in plans if local_day(p.meeting.starts_at) + timedelta(days=21) < writer.today]
    earlier = lapsed[-1] if lapsed else plans[0].meeting
    writer.action(
        earlier,
        DemoAction(
            3,
            "Inviare al WP4 i riferimenti regolatori sull'accesso ai farmaci innovativi",
            (MEMBER, "Paolo Santini"),
        ),
        local_day(earlier.starts_at) + timedelta(days=21),
        ActionStatus.OPEN,
        writer.writer(0),
    )
