"""The one error type for a change the NMG's rules refuse, how a view shows it, and the database guards
that turn concurrent requests into the same answers.

Services raise `RuleError` (or a domain subclass) with a message for the user and, when it belongs to one,
the form field it is about; `show_on_form` puts it there, or flashes it at the top of the page.
"""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort, flash
from sqlalchemy.exc import IntegrityError

from .extensions import db

T = TypeVar("T")


class RuleError(ValueError):
    """A rule refused the change; the message is shown as it is, on `field` if the form has it."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.field = field


def show_on_form(form: Any, error: RuleError, fallback: str | None = None) -> None:
    """Attach the error to its field, else to `fallback`, else flash it above the page."""
    name = error.field if error.field and error.field in form else fallback
    if name and name in form:
        form[name].errors.append(str(error))
    else:
        flash(str(error), "danger")


def found_or_404(record: T | None) -> T:
    """The record a URL names, or 404: the one answer for an id that names nothing (or nothing you see)."""
    if record is None:
        abort(404)
    return record


def lock_row(model: Any, row_id: int) -> None:
    """Hold the record's row (FOR UPDATE) until the transaction ends, so that two requests changing what
    hangs off it (a meeting's invitees, its agenda) take turns. SQLite ignores the lock but lets one writer
    through at a time; the unique constraints catch the rest (see `flush_or_refuse`)."""
    db.session.execute(sa.select(model.id).where(model.id == row_id).with_for_update())


def flush_or_refuse(error: RuleError) -> None:
    """Flush; a unique constraint that a concurrent request got to first becomes `error`, nothing kept.

    The rules check uniqueness before writing; this turns the race they cannot see into the same answer.
    """
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise error from exc
