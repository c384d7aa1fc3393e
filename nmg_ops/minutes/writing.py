"""Writing minutes: every save is a revision, and no save overwrites another.

A save names the revision it started from (`base`). When someone else saved in between, nothing is
written and `EditConflict` carries both texts, so that the editor can show them side by side and keep
the writer's own. The check and the write are one conditional UPDATE, so two saves racing on SQLite or
PostgreSQL cannot both pass it.

Approved minutes are locked: a correction after approval is an erratum, with a reason, audited.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy.dialects import postgresql, sqlite

from .. import audit, clock, printing
from ..errors import RuleError
from ..extensions import db
from ..models import (
    Invitation,
    Meeting,
    Member,
    Minutes,
    MinutesRevision,
    MinutesStatus,
    ProcedureStatus,
    RevisionKind,
    WrittenProcedure,
)
from ..text import fold, render_markdown
from . import sections

#: characters per section; a long plenary's minutes run to some tens of thousands in all
SECTION_MAX = 50_000
#: characters of all the sections together: the longest minutes held so far, with room to spare
MINUTES_MAX = 60_000
#: formatted parts (paragraphs, list items, table cells, emphasis, links) of all the sections together:
#: what making the PDF costs grows with them; a long 15-item plenary has about a thousand
PARTS_MAX = 2_000
NOTE_MAX = MinutesRevision.__table__.c.note.type.length


class MinutesError(RuleError):
    """A change the rules of minutes refuse."""


class EditConflict(MinutesError):
    """Someone saved since the writer opened the editor; nothing was written."""

    def __init__(self, mine: dict[str, str], theirs: MinutesRevision) -> None:
        super().__init__(
            _l(
                "%(name)s saved these minutes while you were editing. Nothing of yours was saved yet: "
                "compare the two texts, merge what you need into yours and save again.",
                name=theirs.author.full_name if theirs.author else "?",
            )
        )
        self.mine = mine
        self.theirs = theirs


def meeting_for_minutes(meeting_id: int) -> Meeting | None:
    """The meeting with what its minutes page shows: type, agenda, invitees and their organisations."""
    return db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            so.joinedload(Meeting.type),
            so.selectinload(Meeting.agenda_items),
            so.selectinload(Meeting.invitations)
            .joinedload(Invitation.member)
            .joinedload(Member.organisation),
        )
    )


def minutes_of(meeting_id: int) -> Minutes | None:
    return db.session.scalar(sa.select(Minutes).where(Minutes.meeting_id == meeting_id))


def search_text(meeting: Meeting, texts: dict[str, str]) -> str:
    return fold("\n".join([meeting.title, *texts.values()]))


def _clean(meeting: Meeting, texts: dict[str, str], current: dict[str, str]) -> dict[str, str]:
    """Only the meeting's sections (and texts already kept for removed items), trimmed; empty ones dropped."""
    allowed = set(sections.keys(meeting, current))
    cleaned = {}
    for key, text in texts.items():
        if key not in allowed:
            continue
        text = (text or "").replace("\r\n", "\n").strip()
        if len(text) > SECTION_MAX:
            raise MinutesError(
                _l("A section is limited to %(max)d characters.", max=SECTION_MAX), f"section-{key}"
            )
        if text:
            cleaned[key] = text
    _check_size(cleaned)
    return cleaned


def _check_size(texts: dict[str, str]) -> None:
    """The minutes as a whole stay within what a PDF is made of; the error names the longest section."""
    if not texts:
        return
    length = sum(len(text) for text in texts.values())
    if length > MINUTES_MAX:
        longest = max(texts, key=lambda key: len(texts[key]))
        raise MinutesError(
            _l(
                "The minutes are limited to %(max)s characters in all; these have %(count)s. Shorten the "
                "longest sections, or put long tables in a document and link it.",
                max=format_decimal(MINUTES_MAX),
                count=format_decimal(length),
            ),
            f"section-{longest}",
        )
    # Counted as the pages and the PDF show them: the same Markdown rendering.
    counts = {key: printing.parts(render_markdown(text)) for key, text in texts.items()}
    if sum(counts.values()) > PARTS_MAX:
        raise MinutesError(
            _l(
                "The minutes are limited to %(max)s formatted parts in all (paragraphs, list items, table "
                "cells, emphasis, links); these have %(count)s. Shorten the longest lists and tables, or "
                "put them in a document and link it.",
                max=format_decimal(PARTS_MAX),
                count=format_decimal(sum(counts.values())),
            ),
            f"section-{max(counts, key=lambda key: counts[key])}",
        )


def _write(
    meeting: Meeting,
    minutes: Minutes | None,
    texts: dict[str, str],
    base: int,
    author_id: int | None,
    kind: RevisionKind,
    note: str = "",
) -> MinutesRevision:
    """Add the revision if `base` is still the latest; EditConflict otherwise. The caller commits."""
    if minutes is None:
        # The first save creates the record unless another first save did: that one waits for the other to
        # commit, finds version 1 below and meets a conflict. No duplicate-key error, nothing to roll back.
        insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
        db.session.execute(
            insert(Minutes)
            .values(meeting_id=meeting.id, version=0, sections={})
            .on_conflict_do_nothing(index_elements=[Minutes.meeting_id])
        )
        minutes = minutes_of(meeting.id)
    number = base + 1
    taken = db.session.execute(
        sa.update(Minutes)
        .where(Minutes.id == minutes.id, Minutes.version == base)
        .values(
            version=number, sections=texts, search_text=search_text(meeting, texts), updated_at=clock.now()
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        db.session.rollback()
        latest = db.session.scalar(
            sa.select(MinutesRevision)
            .join(Minutes)
            .where(Minutes.meeting_id == meeting.id)
            .order_by(MinutesRevision.number.desc())
            .limit(1)
            .options(so.joinedload(MinutesRevision.author))
        )
        if latest is None:
            # The form named a revision that never existed: nothing to compare with, nothing overwritten.
            raise MinutesError(_l("The editor was out of date. Your text is below: save it again."))
        raise EditConflict(texts, latest)
    revision = MinutesRevision(
        minutes_id=minutes.id, number=number, sections=texts, kind=kind, note=note, author_id=author_id
    )
    db.session.add(revision)
    db.session.flush()
    db.session.refresh(minutes)
    return revision


def _refuse_in_written_procedure(minutes: Minutes | None) -> None:
    """Those asked in a written procedure answer on the text they were sent: it stays until the end."""
    if minutes is None:
        return
    open_procedure = sa.select(WrittenProcedure.id).where(
        WrittenProcedure.minutes_id == minutes.id, WrittenProcedure.status == ProcedureStatus.OPEN
    )
    if db.session.scalar(open_procedure) is not None:
        raise MinutesError(
            _l("A written procedure on these minutes is open: they are not changed until it ends.")
        )


def save(meeting: Meeting, texts: dict[str, str], base: int, author_id: int | None) -> MinutesRevision | None:
    """Save the writer's texts as a new revision; None when nothing changed."""
    minutes = minutes_of(meeting.id)
    if minutes is not None and minutes.status is MinutesStatus.APPROVED:
        raise MinutesError(_l("These minutes are approved. A correction now is an erratum, with its reason."))
    _refuse_in_written_procedure(minutes)
    current = minutes.sections if minutes else {}
    texts = _clean(meeting, texts, current)
    if minutes is not None and minutes.version == base and texts == current:
        return None
    revision = _write(meeting, minutes, texts, base, author_id, RevisionKind.EDIT)
    db.session.commit()
    return revision


def restore(
    meeting: Meeting, minutes: Minutes, number: int, base: int, author_id: int | None
) -> MinutesRevision:
    """Make an older revision's text the current one, as a new revision: nothing in between is lost."""
    if minutes.status is MinutesStatus.APPROVED:
        raise MinutesError(_l("These minutes are approved. A correction now is an erratum, with its reason."))
    _refuse_in_written_procedure(minutes)
    old = revision_of(minutes, number)
    if old is None:
        raise MinutesError(_l("There is no revision %(number)d.", number=number))
    revision = _write(
        meeting, minutes, dict(old.sections), base, author_id, RevisionKind.RESTORE, f"#{old.number}"
    )
    audit.record("restored", "minutes", minutes.id, meeting.title, {"revision": [base, old.number]})
    db.session.commit()
    return revision


def erratum(
    meeting: Meeting, minutes: Minutes, texts: dict[str, str], reason: str, base: int, author_id: int | None
) -> MinutesRevision:
    """Correct approved minutes: a revision marked as an erratum, with its reason, in the audit trail."""
    if minutes.status is not MinutesStatus.APPROVED:
        raise MinutesError(_l("Only approved minutes take an erratum; until then, edit them."))
    reason = (reason or "").strip()
    if not reason:
        raise MinutesError(_l("Say what the erratum corrects."), "reason")
    if len(reason) > NOTE_MAX:
        raise MinutesError(_l("The reason is limited to %(max)d characters.", max=NOTE_MAX), "reason")
    texts = _clean(meeting, texts, minutes.sections)
    if texts == minutes.sections:
        raise MinutesError(_l("The erratum changes nothing in the text."))
    revision = _write(meeting, minutes, texts, base, author_id, RevisionKind.ERRATUM, reason)
    audit.record("erratum", "minutes", minutes.id, meeting.title, {"reason": [None, reason]})
    db.session.commit()
    return revision


def revisions(minutes: Minutes) -> list[MinutesRevision]:
    """Newest first, with their authors."""
    return list(
        db.session.scalars(
            sa.select(MinutesRevision)
            .where(MinutesRevision.minutes_id == minutes.id)
            .options(so.joinedload(MinutesRevision.author))
            .order_by(MinutesRevision.number.desc())
        )
    )


def revision_of(minutes: Minutes, number: int) -> MinutesRevision | None:
    return db.session.scalar(
        sa.select(MinutesRevision)
        .where(MinutesRevision.minutes_id == minutes.id, MinutesRevision.number == number)
        .options(so.joinedload(MinutesRevision.author))
    )


# --- comparing two texts -----------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the side-by-side view: the old and the new line with changed words marked."""

    tag: str
    old: Markup
    new: Markup


@dataclass
class SectionChanges:
    title: str
    rows: list[Row]


_WORDS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def _mark(old: str, new: str) -> tuple[Markup, Markup]:
    """Both lines with the words only one of them has wrapped in <del> and <ins>."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if tag == "equal":
            left.append(before)
            right.append(after)
            continue
        if before:
            left.append(Markup("<del>%s</del>") % before)
        if after:
            right.append(Markup("<ins>%s</ins>") % after)
    return Markup("").join(left), Markup("").join(right)


def _rows(old: str, new: str) -> list[Row]:
    a, b = old.splitlines(), new.splitlines()
    rows = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(Row("equal", escape(line), escape(line)) for line in a[i1:i2])
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for index in range(max(len(olds), len(news))):
            left = olds[index] if index < len(olds) else ""
            right = news[index] if index < len(news) else ""
            rows.append(Row(tag if left and right else ("delete" if left else "insert"), *_mark(left, right)))
    return rows


def compare(meeting: Meeting, old: dict[str, str], new: dict[str, str]) -> list[SectionChanges]:
    """Every section of either text, in the meeting's order, each with its lines side by side."""
    merged = {**old, **new}
    return [
        SectionChanges(
            f"{section.number}. {section.title}" if section.number else section.title,
            _rows(old.get(section.key, ""), new.get(section.key, "")),
        )
        for section in sections.layout(meeting, merged)
        if old.get(section.key, "") or new.get(section.key, "")
    ]


def has_changes(changes: list[SectionChanges]) -> bool:
    return any(row.tag != "equal" for section in changes for row in section.rows)


def changes_since_circulation(meeting: Meeting, minutes: Minutes) -> list[SectionChanges]:
    """The sections changed since the revision last circulated, side by side: what an approver of the
    current revision approves without its readers having been sent it."""
    circulated = revision_of(minutes, minutes.circulated_version)
    changes = compare(meeting, circulated.sections if circulated else {}, minutes.sections)
    return [section for section in changes if any(row.tag != "equal" for row in section.rows)]
