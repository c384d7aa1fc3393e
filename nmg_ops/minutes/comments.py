"""Comments on circulated minutes: members who attended comment per section until the deadline; the
coordination team resolves each one (by changing the text, or by answering it at the meeting)."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from .. import clock
from ..extensions import db
from ..models import Meeting, Minutes, MinutesComment, MinutesStatus
from . import sections
from .writing import MinutesError

BODY_MAX = 5_000


def add_comment(
    meeting: Meeting, minutes: Minutes, section: str, body: str, author_id: int
) -> MinutesComment:
    if minutes.status is not MinutesStatus.CIRCULATED:
        raise MinutesError(_l("Comments are taken while the minutes are circulated."))
    today = clock.today()
    if minutes.comments_due_on is not None and today > minutes.comments_due_on:
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
    return db.session.scalar(
        sa.select(MinutesComment).where(
            MinutesComment.id == comment_id, MinutesComment.minutes_id == minutes.id
        )
    )


def resolve(comment: MinutesComment, by_id: int) -> bool:
    """Mark the comment resolved; False when it already was."""
    taken = db.session.execute(
        sa.update(MinutesComment)
        .where(MinutesComment.id == comment.id, MinutesComment.resolved_at.is_(None))
        .values(resolved_at=clock.now(), resolved_by_id=by_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(taken)


def by_section(minutes: Minutes | None) -> dict[str, list[MinutesComment]]:
    if minutes is None:
        return {}
    found: dict[str, list[MinutesComment]] = defaultdict(list)
    for comment in db.session.scalars(
        sa.select(MinutesComment)
        .where(MinutesComment.minutes_id == minutes.id)
        .options(so.joinedload(MinutesComment.author), so.joinedload(MinutesComment.resolved_by))
        .order_by(MinutesComment.id)
    ):
        found[comment.section].append(comment)
    return found
