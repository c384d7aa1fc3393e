"""An erased member's name taken out of what others wrote: minutes in every revision, decisions, actions,
agendas, comments, meeting descriptions, e-news sections and free-text answers, and what search keeps of
them, so that the name is found nowhere while the record still reads, with the pseudonym in its place.

Only the whole name as the directory held it is replaced (in any case, as a word of its own): a surname
alone may be another person's, and guessing would change what the record says of someone else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    ActionItem,
    AgendaItem,
    Decision,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesPrint,
    MinutesRevision,
    NewsSection,
    SurveyAnswer,
)
from ..text import fold

#: the columns of plain text where people write names, by model
_TEXTS: tuple[tuple[type, tuple[str, ...]], ...] = (
    (Meeting, ("title", "description")),
    (AgendaItem, ("title", "presenter", "notes")),
    (Decision, ("text",)),
    (ActionItem, ("title", "notes", "dropped_reason")),
    (MinutesComment, ("body",)),
    (NewsSection, ("heading", "body")),
    (SurveyAnswer, ("value",)),
)
#: the columns that hold the text of each section, by model
_SECTIONS: tuple[type, ...] = (Minutes, MinutesRevision)
#: the folded copies search reads
_SEARCH: tuple[type, ...] = (Minutes, Decision, ActionItem)


def _pattern(name: str) -> re.Pattern[str]:
    # Spaces in the name match any run of white space: a line may break between first and last name.
    words = [re.escape(word) for word in name.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def _rows(model: type, column: str, name: str) -> Iterator[Any]:
    """Rows whose column may hold the name: a first sieve in SQL on its longest word, then the regex."""
    longest = max(name.split(), key=len)
    escaped = longest.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    yield from db.session.scalars(
        sa.select(model).where(getattr(model, column).ilike(f"%{escaped}%", escape="\\"))
    )


def _rewrite_texts(pattern: re.Pattern[str], name: str, pseudonym: str) -> int:
    changed = 0
    for model, columns in _TEXTS:
        for column in columns:
            for row in _rows(model, column, name):
                text = getattr(row, column) or ""
                written = pattern.sub(pseudonym, text)
                if written != text:
                    setattr(row, column, written)
                    changed += 1
    return changed


def _rewrite_sections(pattern: re.Pattern[str], pseudonym: str) -> int:
    """Every revision, not only the latest: the history pages show each of them. A JSON column cannot be
    sieved alike on both databases (SQLite keeps accents escaped), so each is read."""
    changed = 0
    rewritten_minutes: set[int] = set()
    for model in _SECTIONS:
        for row in db.session.scalars(sa.select(model)).yield_per(200):
            written = {key: pattern.sub(pseudonym, text) for key, text in (row.sections or {}).items()}
            if written != row.sections:
                row.sections = written
                changed += 1
                rewritten_minutes.add(row.id if model is Minutes else row.minutes_id)
    if rewritten_minutes:
        # A PDF made before shows the name; the next reader gets one made anew.
        db.session.execute(sa.delete(MinutesPrint).where(MinutesPrint.minutes_id.in_(rewritten_minutes)))
    return changed


def _rewrite_search(name: str, pseudonym: str) -> None:
    folded, replacement = fold(name), fold(pseudonym)
    pattern = _pattern(folded)
    for model in _SEARCH:
        for row in _rows(model, "search_text", folded):
            row.search_text = pattern.sub(replacement, row.search_text)


def replace_name(name: str, pseudonym: str) -> int:
    """Replace `name` with `pseudonym` wherever the group's texts hold it; the number of texts changed."""
    if not name.split():
        return 0
    pattern = _pattern(name)
    changed = _rewrite_texts(pattern, name, pseudonym) + _rewrite_sections(pattern, pseudonym)
    _rewrite_search(name, pseudonym)
    return changed
