"""Comments on circulated minutes: members who attended comment per section until the deadline; the
coordination team replies under a comment (one level: a reply is not answered in turn) and resolves it
with a reply, so that whoever commented reads how it was dealt with."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from .. import clock
from ..extensions import db
from ..i18n import format_date
from ..models import Meeting, Minutes, MinutesComment, MinutesStatus
from . import sections
from .writing import MinutesError

BODY_MAX = 5_000


def closed(minutes: Minutes) -> bool:
    """The deadline for comments has passed."""
    return minutes.comments_due_on is not None and clock.today() > minutes.comments_due_on


def add_comment(
    meeting: Meeting, minutes: Minutes, section: str, body: str, author_id: int
) -> MinutesComment:
    if minutes.status is not MinutesStatus.CIRCULATED:
        raise MinutesError(_l("Comments are taken while the minutes are circulated."))
    if closed(minutes):
        raise MinutesError(
            _l(
                "Comments closed on %(day)s; write to the coordination team instead.",
                day=format_date(minutes.comments_due_on, "long"),
            )
        )
    if section not in sections.keys(meeting, minutes.sections):
        raise MinutesError(_l("Choose a section of these minutes."), "section")
    body = (body or "").strip()
    if not body:
        raise MinutesError(_l("Write your comment."), "body")
    if len(body) > BODY_MAX:
        raise MinutesError(_l("A comment is limited to %(max)d characters.", max=BODY_MAX), "body")
    comment = MinutesComment(minutes_id=minutes.id, section=section, body=body, author_id=author_id)
    db.session.add(comment)
    db.session.commit()
    return comment


def comment_of(minutes: Minutes, comment_id: int) -> MinutesComment | None:
    """A comment or a reply on these minutes; another meeting's is none of them."""
    return db.session.scalar(
        sa.select(MinutesComment).where(
            MinutesComment.id == comment_id, MinutesComment.minutes_id == minutes.id
        )
    )


def check_reply_to(minutes: Minutes, comment: MinutesComment) -> None:
    """Refuse a reply where none is taken: under a reply, or on approved minutes."""
    if comment.reply_to_id is not None:
        raise MinutesError(_l("Reply to the comment itself: a reply is not answered in turn."))
    if minutes.status is MinutesStatus.APPROVED:
        raise MinutesError(_l("These minutes are approved; their comments are closed."))


def reply(
    minutes: Minutes, comment: MinutesComment, body: str, author_id: int, *, resolves: bool = False
) -> MinutesComment:
    """The team's reply under a member's comment; `resolves` closes the comment with it."""
    check_reply_to(minutes, comment)
    body = (body or "").strip()
    if not body:
        raise MinutesError(_l("Write your reply."), "body")
    if len(body) > BODY_MAX:
        raise MinutesError(_l("A reply is limited to %(max)d characters.", max=BODY_MAX), "body")
    answer = MinutesComment(
        minutes_id=minutes.id, section=comment.section, body=body, author_id=author_id, reply_to_id=comment.id
    )
    db.session.add(answer)
    if resolves:
        # Whoever resolves first stays the one who resolved it; a later reply only adds its text.
        db.session.execute(
            sa.update(MinutesComment)
            .where(MinutesComment.id == comment.id, MinutesComment.resolved_at.is_(None))
            .values(resolved_at=clock.now(), resolved_by_id=author_id)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return answer


def is_open() -> sa.ColumnElement[bool]:
    """As SQL over `MinutesComment`: a member's comment not yet resolved (replies are never open)."""
    return sa.and_(MinutesComment.reply_to_id.is_(None), MinutesComment.resolved_at.is_(None))


def still_open(minutes: Minutes) -> list[MinutesComment]:
    """The comments still to resolve, oldest first, as the approval page lists them."""
    return list(
        db.session.scalars(
            sa.select(MinutesComment)
            .where(MinutesComment.minutes_id == minutes.id, is_open())
            .options(so.joinedload(MinutesComment.author))
            .order_by(MinutesComment.id)
        )
    )


def by_section(minutes: Minutes | None) -> dict[str, list[MinutesComment]]:
    """The members' comments of each section, oldest first, each with its replies."""
    if minutes is None:
        return {}
    found: dict[str, list[MinutesComment]] = defaultdict(list)
    for comment in db.session.scalars(
        sa.select(MinutesComment)
        .where(MinutesComment.minutes_id == minutes.id, MinutesComment.reply_to_id.is_(None))
        .options(
            so.joinedload(MinutesComment.author),
            so.joinedload(MinutesComment.resolved_by),
            so.selectinload(MinutesComment.replies).joinedload(MinutesComment.author),
        )
        .order_by(MinutesComment.id)
    ):
        found[comment.section].append(comment)
    return found
