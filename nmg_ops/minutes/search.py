"""Words in any field: each word of the query, folded (no case, no accents), must occur in the record's
folded text. The same on SQLite and PostgreSQL; a register's own filters narrow it further."""

from __future__ import annotations

import sqlalchemy as sa

from ..text import fold

#: words taken from a query; more would only slow the search down
MAX_WORDS = 8
WORD_MAX = 60


def words(query: str | None) -> list[str]:
    return [word[:WORD_MAX] for word in fold(query or "").split()][:MAX_WORDS]


def matches(column: sa.ColumnElement[str], query: str | None) -> sa.ColumnElement[bool]:
    """Every word of the query in `column`; true for an empty query."""
    clauses = []
    for word in words(query):
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(column.like(f"%{escaped}%", escape="\\"))
    return sa.and_(sa.true(), *clauses)


def fold_all(*texts: str) -> str:
    """What a record keeps to be found by: all its texts, folded, one per line."""
    return fold("\n".join(text for text in texts if text))
