"""Writes the demo's record as history: each row with the date it would have had."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from ... import clock
from ...extensions import db
from ...minutes import lifecycle, search, sections, writing
from ...models import (
    ActionEvent,
    ActionEventKind,
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    CoordinatorTerm,
    Decision,
    Meeting,
    MeetingMode,
    Member,
    MinutesApproval,
    MinutesComment,
    MinutesRevision,
    MinutesStatus,
)
from ...models import Minutes as MinutesRecord
from .texts import (
    CONSULTATIONS,
    DONE_NOTES,
    DROP_REASONS,
    KICK_OFF_TEXTS,
    OTHER_BUSINESS,
    PARTNERSHIP_NEWS,
    PROGRESS_NOTES,
    THEMATIC_OTHER_BUSINESS,
    THEMES,
    WORK_PACKAGE_REPORTS,
    WRITERS,
    DemoAction,
)


def local_day(instant: datetime) -> date:
    return clock.local(instant).date()


@dataclass
class Plan:
    """What becomes of one meeting's minutes."""

    meeting: Meeting
    status: MinutesStatus
    #: the plenary that approved them
    approver: Meeting | None = None
    revisions: int = 1


class Writer:
    """Writes the demo's record, with the people of the demo by name."""

    def __init__(self, members: list[Member], terms: list[CoordinatorTerm], today: date, now: datetime):
        self.people = {member.full_name: member for member in members}
        self.terms = terms
        self.today = today
        self.now = now
        self.rng = random.Random(2024)
        self.decision_numbers: dict[int, int] = {}
        self.counts = {"minutes": 0, "decisions": 0, "actions": 0}

    def coordinator_on(self, day: date) -> Member:
        return next((t.member for t in self.terms if t.covers(day)), self.terms[0].member)

    def writer(self, index: int) -> Member:
        return self.people[WRITERS[index % len(WRITERS)]]

    def at(self, meeting: Meeting, days: float, limit: datetime) -> datetime:
        """`days` after the meeting ended, but before `limit`."""
        return max(meeting.ends_at, min(meeting.ends_at + timedelta(days=days), limit - timedelta(hours=1)))

    # --- texts -------------------------------------------------------------------------------------------

    def opening(self, meeting: Meeting, chair: Member, writer: Member, extra: str = "") -> str:
        start, end = clock.local(meeting.starts_at), clock.local(meeting.ends_at)
        where = {
            MeetingMode.ONLINE: "in videoconferenza",
            MeetingMode.ONSITE: f"presso {meeting.venue}",
            MeetingMode.HYBRID: f"in modalità ibrida, presso {meeting.venue} e in videoconferenza",
        }[meeting.mode]
        present = lifecycle.attendees(meeting)
        excused = [i for i in meeting.invitations if i.attendance is Attendance.EXCUSED]
        text = (
            f"La riunione si apre alle {start:%H:%M} {where} e si chiude alle {end:%H:%M}. Presiede "
            f"{chair.full_name}. Sono presenti {len(present)} dei {len(meeting.invitations)} membri "
            f"invitati; {len(excused)} hanno giustificato l'assenza. Il verbale è redatto dal coordination "
            f"team ({writer.full_name})."
        )
        return f"{text}\n\n{extra}" if extra else text

    def kick_off_texts(self, meeting: Meeting, writer: Member) -> dict[str, str]:
        texts = {
            sections.OPENING: self.opening(
                meeting,
                self.coordinator_on(local_day(meeting.starts_at)),
                writer,
                "La riunione, promossa da ProMIS e dal Ministero della Salute, ha per obiettivo la "
                "costituzione del gruppo mirror nazionale italiano (IT NMG) della partnership THCS.",
            )
        }
        for item in meeting.agenda_items:
            if item.position in KICK_OFF_TEXTS:
                texts[sections.item_key(item)] = KICK_OFF_TEXTS[item.position]
        return texts

    def plenary_texts(self, meeting: Meeting, turn: int, writer: Member, approves: bool) -> dict[str, str]:
        chair = self.coordinator_on(local_day(meeting.starts_at))
        welcome = f"{chair.full_name} dà il benvenuto ai partecipanti e richiama l'ordine del giorno."
        by_position = {
            1: welcome if approves else f"{welcome} Non vi sono verbali da approvare.",
            2: PARTNERSHIP_NEWS[turn % len(PARTNERSHIP_NEWS)],
            3: WORK_PACKAGE_REPORTS[turn % len(WORK_PACKAGE_REPORTS)],
            4: CONSULTATIONS[turn % len(CONSULTATIONS)],
            5: OTHER_BUSINESS[turn % len(OTHER_BUSINESS)],
        }
        texts = {sections.OPENING: self.opening(meeting, chair, writer)}
        for item in meeting.agenda_items:
            if item.kind == lifecycle.APPROVAL_KIND:
                texts[sections.item_key(item)] = "Il verbale è approvato senza modifiche."
            elif item.position in by_position:
                texts[sections.item_key(item)] = by_position[item.position]
        return texts

    def thematic_texts(self, meeting: Meeting, turn: int, writer: Member) -> dict[str, str]:
        title, discussion, _, _ = THEMES[turn % len(THEMES)]
        chair = self.coordinator_on(local_day(meeting.starts_at))
        return {
            sections.OPENING: self.opening(meeting, chair, writer, f"**Tema: {title}.**\n\n{discussion}"),
            sections.OTHER_BUSINESS: THEMATIC_OTHER_BUSINESS,
        }

    # --- minutes -----------------------------------------------------------------------------------------

    def minutes(
        self,
        plan: Plan,
        final: dict[str, str],
        writer: Member,
        earlier: dict[str, str],
        *,
        again: bool = False,
    ) -> MinutesRecord:
        """The revisions leading to `final` (the first ones with fewer sections written, then all of them
        as `earlier`), and the circulation and approval the plan calls for. `again`: the revision before
        the last was circulated first, and the last, written after the comments, went out again."""
        meeting = plan.meeting
        if plan.status is MinutesStatus.CIRCULATED:
            # Circulated a few days ago, so that comments are still open.
            limit = min(self.now, max(meeting.ends_at + timedelta(days=3), self.now - timedelta(days=2)))
        elif plan.approver is not None:
            limit = plan.approver.starts_at - timedelta(days=1)
        else:
            limit = self.now
        keys = list(final)
        texts = [
            {
                key: earlier.get(key, final[key])
                for key in keys[: math.ceil(len(keys) * n / (plan.revisions - 1))]
            }
            for n in range(1, plan.revisions)
        ]
        texts.append(final)
        record = MinutesRecord(
            meeting_id=meeting.id,
            status=MinutesStatus.DRAFT,
            version=len(texts),
            sections=final,
            search_text=writing.search_text(meeting, final),
        )
        db.session.add(record)
        db.session.flush()
        saved = [self.at(meeting, number, limit) for number in range(1, len(texts) + 1)]
        if again and len(saved) > 1:
            saved[-1] = min(max(saved[-1], saved[-2] + timedelta(days=4)), limit - timedelta(hours=1))
        for number, (text, saved_at) in enumerate(zip(texts, saved, strict=True), start=1):
            db.session.add(
                MinutesRevision(
                    minutes_id=record.id,
                    number=number,
                    sections=text,
                    author_id=(writer if number == 1 else self.writer(number)).id,
                    saved_at=saved_at,
                )
            )
            if number == 1:
                record.created_at = saved_at
            record.updated_at = saved_at
        if plan.status is not MinutesStatus.DRAFT:
            out = limit - timedelta(minutes=30) if plan.status is MinutesStatus.CIRCULATED else None
            out = out or min(record.updated_at + timedelta(hours=2), limit)
            self.circulate(plan, record, out, 2 if again else 1)
        self.counts["minutes"] += 1
        return record

    def circulate(self, plan: Plan, record: MinutesRecord, circulated_at: datetime, circulation: int) -> None:
        meeting = plan.meeting
        record.status = MinutesStatus.CIRCULATED
        record.circulation = circulation
        record.circulated_version = record.version
        record.circulated_at = circulated_at
        record.comments_due_on = local_day(circulated_at) + timedelta(days=meeting.type.minutes_comment_days)
        plenary = plan.approver or lifecycle.next_approving_meeting(
            meeting, max(circulated_at, meeting.starts_at)
        )
        if meeting.type.minutes_approval is MinutesApproval.MEETING and plenary is not None:
            record.approval_item_id = self.approval_item(meeting, plenary).id
        record.updated_at = circulated_at
        if plan.status is MinutesStatus.APPROVED:
            self.approve(plan, record)

    def approval_item(self, meeting: Meeting, plenary: Meeting) -> AgendaItem:
        item = AgendaItem(
            meeting_id=plenary.id,
            position=len(plenary.agenda_items) + 1,
            title=lifecycle.approval_title(meeting),
            duration_minutes=5,
            kind=lifecycle.APPROVAL_KIND,
        )
        plenary.agenda_items.append(item)
        db.session.flush()
        return item

    def approve(self, plan: Plan, record: MinutesRecord) -> None:
        if plan.approver is not None:
            approved_on = local_day(plan.approver.starts_at)
            approved_at = plan.approver.ends_at
        else:
            approved_on = min(record.comments_due_on + timedelta(days=1), self.today)
            approved_at = min(clock.from_local(approved_on, time(12)), self.now)
        record.status = MinutesStatus.APPROVED
        record.approved_on = approved_on
        record.approved_at_meeting_id = plan.approver.id if plan.approver else None
        record.approved_how = MinutesApproval.MEETING if plan.approver else MinutesApproval.COORDINATOR
        record.approved_version = record.version
        record.approved_by_id = self.coordinator_on(approved_on).id
        record.updated_at = approved_at

    def comment(
        self,
        record: MinutesRecord,
        meeting: Meeting,
        position: int,
        body: str,
        authors: list[str],
        resolved_by: Member | None,
        at: datetime,
    ) -> MinutesComment | None:
        present = {i.member.full_name: i.member for i in lifecycle.attendees(meeting) if i.member}
        author = next((present[name] for name in authors if name in present), None)
        if author is None:
            author = next((m for m in present.values() if not m.is_coordination_team), None)
        if author is None:
            return None
        comment = MinutesComment(
            minutes_id=record.id,
            section=self.section_key(meeting, position),
            body=body,
            author_id=author.id,
            created_at=at,
        )
        if resolved_by is not None:
            comment.resolved_at = min(at + timedelta(days=1), self.now)
            comment.resolved_by_id = resolved_by.id
        db.session.add(comment)
        return comment

    # --- decisions and actions ---------------------------------------------------------------------------

    def section_key(self, meeting: Meeting, position: int) -> str:
        item = next((i for i in meeting.agenda_items if i.position == position), None)
        return sections.item_key(item) if item is not None else sections.OPENING

    def decision(self, meeting: Meeting, position: int, text: str, by: Member, at: datetime) -> None:
        year = clock.local(meeting.starts_at).year
        number = self.decision_numbers.get(year, 0) + 1
        self.decision_numbers[year] = number
        decision = Decision(
            year=year,
            number=number,
            meeting_id=meeting.id,
            section=self.section_key(meeting, position),
            text=text,
            recorded_by_id=by.id,
            created_at=at,
        )
        decision.search_text = search.fold_all(decision.code, text, meeting.title)
        db.session.add(decision)
        self.counts["decisions"] += 1

    def action(
        self,
        meeting: Meeting,
        spec: DemoAction,
        due_on: date,
        status: ActionStatus,
        by: Member,
        text: str = "",
    ) -> ActionItem:
        """The action as agreed at the meeting, with the history that brought it to `status`."""
        key = self.section_key(meeting, spec.position)
        item = next((i for i in meeting.agenda_items if sections.item_key(i) == key), None)
        owners = [self.people[name] for name in spec.owners]
        created_at = min(meeting.ends_at + timedelta(hours=2), self.now)
        action = ActionItem(
            title=spec.title,
            notes=spec.notes,
            due_on=due_on,
            status=status,
            dropped_reason=text if status is ActionStatus.DROPPED else "",
            is_team_owned=spec.is_team_owned,
            meeting_id=meeting.id,
            section=key,
            agenda_item_id=item.id if item else None,
            owners=owners,
            created_by_id=by.id,
            created_at=created_at,
            updated_at=created_at,
        )
        action.events.append(
            ActionEvent(
                kind=ActionEventKind.CREATED, author_id=by.id, status_to=ActionStatus.OPEN, at=created_at
            )
        )
        author_id = owners[0].id if owners else by.id
        steps = {
            ActionStatus.OPEN: [],
            ActionStatus.IN_PROGRESS: [ActionStatus.IN_PROGRESS],
            ActionStatus.DONE: [ActionStatus.IN_PROGRESS, ActionStatus.DONE],
            ActionStatus.DROPPED: [ActionStatus.DROPPED],
        }[status]
        span = max((min(due_on, self.today) - local_day(created_at)).days, 2)
        previous, at = ActionStatus.OPEN, created_at
        for step, next_status in enumerate(steps, start=1):
            at = min(created_at + timedelta(days=span * step / (len(steps) + 1)), self.now)
            action.events.append(
                ActionEvent(
                    kind=ActionEventKind.STATUS,
                    status_from=previous,
                    status_to=next_status,
                    text=text if next_status is status else "",
                    author_id=author_id,
                    at=at,
                )
            )
            previous = next_status
        action.updated_at = at
        db.session.add(action)
        db.session.flush()
        # The code "A-<id>" is searchable too; written with the day of the last change, not today's.
        db.session.execute(
            sa.update(ActionItem)
            .where(ActionItem.id == action.id)
            .values(
                search_text=search.fold_all(
                    action.title,
                    action.notes,
                    action.dropped_reason,
                    *(m.full_name for m in owners),
                    f"A-{action.id}",
                ),
                updated_at=at,
            )
        )
        self.counts["actions"] += 1
        return action

    def drawn_status(self, due_on: date) -> tuple[ActionStatus, str]:
        """Most actions due long ago are done; some are dropped, a few still open and overdue."""
        if due_on >= self.today:
            status = self.rng.choice([ActionStatus.OPEN, ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
        elif (self.today - due_on).days > 180:
            status = self.rng.choices(
                [ActionStatus.DONE, ActionStatus.DROPPED, ActionStatus.IN_PROGRESS], [75, 20, 5]
            )[0]
        else:
            status = self.rng.choices(list(ActionStatus), [10, 20, 55, 15])[0]
        text = {
            ActionStatus.OPEN: "",
            ActionStatus.IN_PROGRESS: self.rng.choice(PROGRESS_NOTES),
            ActionStatus.DONE: self.rng.choice(DONE_NOTES),
            ActionStatus.DROPPED: self.rng.choice(DROP_REASONS),
        }[status]
        return status, text
