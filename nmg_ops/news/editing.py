"""Editing an issue: no save overwrites another, and no change reaches readers unapproved.

A save names the `version` the editor started from; the check and the write are one conditional UPDATE,
so of two saves racing on SQLite or PostgreSQL only one passes, and the other gets `EditConflict` with
its own text to keep. A save of an approved issue makes it a draft again: what the coordinator approved
is no longer what would be sent. Scheduled, sending and sent issues cannot be edited (unschedule first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination

from ..errors import RuleError
from ..extensions import db
from ..models import DeliveryStatus, NewsIssue, NewsIssueStatus, NewsSection, NewsSectionKind, OutboundMessage
from .languages import title_in, write_text, write_title

EDITABLE = frozenset({NewsIssueStatus.DRAFT, NewsIssueStatus.APPROVED})
TITLE_MAX = NewsIssue.__table__.c.title.type.length
HEADING_MAX = NewsSection.__table__.c.heading.type.length
#: characters per section; an e-news section is a few paragraphs
BODY_MAX = 20_000
#: an issue never needs more; a form with more is not one of ours
SECTIONS_MAX = 30
FAILURES_PER_PAGE = 50


STATUS_LABELS = {
    NewsIssueStatus.DRAFT: _l("Draft"),
    NewsIssueStatus.APPROVED: _l("Approved"),
    NewsIssueStatus.SCHEDULED: _l("Scheduled"),
    NewsIssueStatus.SENDING: _l("Sending"),
    NewsIssueStatus.SENT: _l("Sent"),
}


class EditConflict(RuleError):
    """Someone saved the issue since the editor opened it; nothing was written."""

    def __init__(self, current: NewsIssue) -> None:
        super().__init__(
            _l(
                "Someone else saved this issue while you were editing. Nothing of yours was saved yet: "
                "your text is below; compare it with the issue as it is now and save again."
            )
        )
        self.current = current


@dataclass(frozen=True)
class TextEdit:
    """A section's heading and text in one of the group's other languages."""

    language: str
    heading: str
    body: str


@dataclass(frozen=True)
class SectionEdit:
    #: None for a section the editor adds
    section_id: int | None
    heading: str
    body: str
    members_only: bool
    remove: bool = False
    texts: tuple[TextEdit, ...] = ()


@dataclass(frozen=True)
class Saved:
    changed: bool
    #: the issue was approved and is a draft again
    approval_voided: bool


def issue_by_id(issue_id: int) -> NewsIssue | None:
    return db.session.scalar(
        sa.select(NewsIssue)
        .where(NewsIssue.id == issue_id)
        .options(
            so.selectinload(NewsIssue.titles),
            so.selectinload(NewsIssue.sections).selectinload(NewsSection.texts),
        )
    )


def all_issues() -> list[NewsIssue]:
    return list(db.session.scalars(sa.select(NewsIssue).order_by(NewsIssue.month.desc())))


def check_editable(issue: NewsIssue) -> None:
    if issue.status not in EDITABLE:
        raise RuleError(
            _l("This issue is %(status)s and can no longer be edited.", status=STATUS_LABELS[issue.status])
            if issue.status is not NewsIssueStatus.SCHEDULED
            else _l("This issue is scheduled. Unschedule it first to edit it.")
        )


def _normalised(body: str) -> str:
    return body.replace("\r\n", "\n").strip()


def _texts_of(section: NewsSection) -> set[tuple[str, str, str]]:
    return {(str(t.language), t.heading, t.body) for t in section.texts if t.heading or t.body}


def _unchanged(issue: NewsIssue, title: str, titles: dict[str, str], edits: list[SectionEdit]) -> bool:
    if title != issue.title or any(edit.section_id is None or edit.remove for edit in edits):
        return False
    if any(title_in(issue, language) != other for language, other in titles.items()):
        return False
    current = {s.id: (s.heading, s.body, s.members_only, _texts_of(s)) for s in issue.sections}
    return all(
        current.get(edit.section_id)
        == (
            edit.heading,
            _normalised(edit.body),
            edit.members_only,
            {(t.language, t.heading, _normalised(t.body)) for t in edit.texts if t.heading or t.body.strip()},
        )
        for edit in edits
    )


def save(
    issue: NewsIssue,
    title: str,
    edits: list[SectionEdit],
    base: int,
    move: tuple[int, int] | None = None,
    titles: dict[str, str] | None = None,
) -> Saved:
    """Write the title (and its other languages' `titles`) and sections (and move one section up (-1) or
    down (+1)) if `base` is still the issue's version; EditConflict otherwise."""
    titles = titles or {}
    check_editable(issue)
    if move is None and issue.version == base and _unchanged(issue, title, titles, edits):
        return Saved(changed=False, approval_voided=False)
    was_approved = issue.status is NewsIssueStatus.APPROVED
    taken = db.session.execute(
        sa.update(NewsIssue)
        .where(NewsIssue.id == issue.id, NewsIssue.version == base, NewsIssue.status.in_(EDITABLE))
        .values(
            version=NewsIssue.version + 1,
            title=title,
            status=NewsIssueStatus.DRAFT,
            approved_at=None,
            approved_by_id=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        db.session.rollback()
        current = found_again(issue.id)
        check_editable(current)
        raise EditConflict(current)
    for language, other in titles.items():
        write_title(issue, language, other)
    _write_sections(issue, edits)
    if move is not None:
        db.session.flush()
        _move(issue, *move)
    db.session.commit()
    db.session.expire(issue)
    return Saved(changed=True, approval_voided=was_approved)


def found_again(issue_id: int) -> NewsIssue:
    db.session.expire_all()
    issue = issue_by_id(issue_id)
    if issue is None:
        raise RuleError(_l("This issue no longer exists."))
    return issue


def _write_sections(issue: NewsIssue, edits: list[SectionEdit]) -> None:
    """Inside the won UPDATE: the sections are those of `base`, since only a save changes them."""
    by_id = {section.id: section for section in issue.sections}
    if len(edits) > SECTIONS_MAX:
        db.session.rollback()
        raise RuleError(_l("An issue has at most %(max)d sections.", max=SECTIONS_MAX))
    last = max((section.position for section in issue.sections), default=0)
    for edit in edits:
        section = by_id.get(edit.section_id) if edit.section_id is not None else None
        if edit.section_id is not None and section is None:
            db.session.rollback()
            raise RuleError(_l("The editor was out of date. Your text is below: save it again."))
        body = _normalised(edit.body)
        if edit.remove:
            if body or any(text.body.strip() for text in edit.texts):
                db.session.rollback()
                raise RuleError(
                    _l("Empty a section before removing it, so that no text goes by mistake."),
                )
            if section is not None:
                issue.sections.remove(section)
            continue
        if section is None:
            last += 1
            section = NewsSection(position=last, kind=NewsSectionKind.NEWS)
            issue.sections.append(section)
        section.heading = edit.heading
        section.body = body
        section.members_only = edit.members_only
        for text in edit.texts:
            write_text(section, text.language, text.heading, _normalised(text.body))


def _move(issue: NewsIssue, section_id: int, step: int) -> None:
    ordered = list(issue.sections)
    index = next((i for i, s in enumerate(ordered) if s.id == section_id), None)
    if index is None or not 0 <= index + step < len(ordered):
        return
    one, other = ordered[index], ordered[index + step]
    # (issue, position) is unique: park one section out of the way while the other takes its place.
    first, second = one.position, other.position
    one.position = -1
    db.session.flush()
    other.position = first
    db.session.flush()
    one.position = second


@dataclass(frozen=True)
class Schedule:
    """The e-news as the handover page shows it: what is in preparation or on its way, and the last sent."""

    coming: list[NewsIssue]
    last_sent: NewsIssue | None


def schedule_overview() -> Schedule:
    coming = db.session.scalars(
        sa.select(NewsIssue)
        .where(NewsIssue.status != NewsIssueStatus.SENT)
        .order_by(NewsIssue.month)
        .options(so.joinedload(NewsIssue.approved_by))
    ).all()
    last_sent = db.session.scalar(
        sa.select(NewsIssue)
        .where(NewsIssue.status == NewsIssueStatus.SENT)
        .order_by(NewsIssue.sent_at.desc())
        .limit(1)
    )
    return Schedule(list(coming), last_sent)


def failed_mails(issue: NewsIssue, page: int) -> Pagination:
    """The issue's mails that failed for good, with the server's reason; a page at a time."""
    return db.paginate(
        sa.select(OutboundMessage)
        .where(
            OutboundMessage.purpose == issue.outbox_purpose, OutboundMessage.status == DeliveryStatus.FAILED
        )
        .order_by(OutboundMessage.id)
        .options(so.load_only(OutboundMessage.recipient, OutboundMessage.last_error)),
        page=page,
        per_page=FAILURES_PER_PAGE,
        error_out=False,
    )


def when(issue: NewsIssue) -> datetime | None:
    """The time a list shows for an issue: sent, else sending since, else scheduled."""
    return issue.sent_at or issue.send_started_at or issue.scheduled_for
