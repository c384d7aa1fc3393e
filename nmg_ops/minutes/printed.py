"""The minutes as PDF, made once for each revision and language and served again.

Making the PDF costs a second or more of CPU, so a reader asking again, or fifty readers after the
circulation mail, must not make it again. The PDF is kept per minutes and language with the digest of
the printable page it was made from: while the page is the same (the revision, decisions, actions,
attendance and status it shows), the kept bytes are served; when it changes, the next request makes
it once and replaces them, so one PDF per minutes and language is kept.

One request at a time makes it: others meanwhile are asked to try again in a few seconds, and a page
the limits stopped once is refused again at once. Each step commits before the layout starts, so no
transaction (and no SQLite write lock) is held while WeasyPrint works.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from .. import clock, printing
from ..extensions import db
from ..models import Meeting, Minutes, MinutesPrint
from . import exports, writing

#: seconds after which a reader told that the PDF is being made may ask again
MAKING_RETRY_SECONDS = 10
#: a claim older than the wall-clock limit and this is taken over: its request died before recording
_STALE_MARGIN = timedelta(seconds=30)


@dataclass(frozen=True)
class _Page:
    """What one PDF is made from, and where it is kept."""

    minutes_id: int
    language: str
    version: int
    digest: str
    html: str


def minutes_pdf(meeting: Meeting, minutes: Minutes) -> bytes:
    """The minutes as a PDF in the reader's language: the kept one if the page has not changed, else made
    now; `printing.NotPrinted` when it is too large, or is being made by another request."""
    _check_length(minutes)
    html = exports.minutes_html(meeting, minutes)
    printing.check_size(html)
    page = _Page(
        minutes.id, str(get_locale()), minutes.version, hashlib.sha256(html.encode()).hexdigest(), html
    )
    kept = db.session.scalar(
        sa.select(MinutesPrint)
        .where(MinutesPrint.minutes_id == page.minutes_id, MinutesPrint.language == page.language)
        .execution_options(populate_existing=True)
    )
    if kept is not None and kept.digest == page.digest:
        if kept.pdf is not None:
            return kept.pdf
        if kept.too_large:
            raise printing.over_the_limits()
        if kept.making_since is not None and not _stale(kept):
            raise _being_made()
    claim = _claim(page, kept)
    try:
        pdf = printing.make_pdf(page.html)
    except printing.TooLargeToPrint:
        _record(page, claim, too_large=True)
        raise
    except BaseException:
        # Busy machine or failure: nothing kept, the next request tries again.
        _record(page, claim)
        raise
    _record(page, claim, pdf=pdf)
    return pdf


def _check_length(minutes: Minutes) -> None:
    """Minutes longer than the editor accepts (saved before it had a limit) are refused before their
    Markdown is even rendered: a few hundred thousand characters of tables take a minute to render."""
    length = sum(len(text) for text in minutes.sections.values())
    if length > writing.MINUTES_MAX:
        raise printing.TooLargeToPrint(
            _l(
                "These minutes have %(count)s characters, more than the %(max)s a PDF is made of. Shorten "
                "them in the editor, or download them as Markdown.",
                count=format_decimal(length),
                max=format_decimal(writing.MINUTES_MAX),
            )
        )


def _stale(kept: MinutesPrint) -> bool:
    limit = timedelta(seconds=int(current_app.config["PDF_WALL_SECONDS"])) + _STALE_MARGIN
    return kept.making_since < clock.now() - limit


def _being_made() -> printing.PrinterBusy:
    return printing.PrinterBusy(
        _l("This PDF is being made for another request. Try again in a few seconds."),
        retry_after=MAKING_RETRY_SECONDS,
    )


def _claim(page: _Page, kept: MinutesPrint | None) -> int:
    """Take the making on, committed; PrinterBusy when another request took it first."""
    values = {
        "version": page.version,
        "digest": page.digest,
        "pdf": None,
        "too_large": False,
        "making_since": clock.now(),
    }
    if kept is None:
        insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
        statement = (
            insert(MinutesPrint)
            .values(minutes_id=page.minutes_id, language=page.language, claim=1, **values)
            .on_conflict_do_nothing(index_elements=[MinutesPrint.minutes_id, MinutesPrint.language])
        )
        claim = 1
    else:
        statement = (
            sa.update(MinutesPrint)
            .where(MinutesPrint.id == kept.id, MinutesPrint.claim == kept.claim)
            .values(claim=kept.claim + 1, **values)
            .execution_options(synchronize_session=False)
        )
        claim = kept.claim + 1
    taken = db.session.execute(statement).rowcount
    db.session.commit()
    if not taken:
        raise _being_made()
    return claim


def _record(page: _Page, claim: int, *, pdf: bytes | None = None, too_large: bool = False) -> None:
    """Keep what was made, unless a later request took the making over meanwhile."""
    db.session.execute(
        sa.update(MinutesPrint)
        .where(
            MinutesPrint.minutes_id == page.minutes_id,
            MinutesPrint.language == page.language,
            MinutesPrint.claim == claim,
        )
        .values(pdf=pdf, too_large=too_large, making_since=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
