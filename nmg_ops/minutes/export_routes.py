"""Downloads of the record: a meeting's minutes as PDF or Markdown, the decisions and actions registers as
CSV or XLSX, with the filters of their pages read by the pages' own filter forms. Who may read what is
decided by `access` and the registers' queries; these views only read the request and serve the file."""

from __future__ import annotations

import re

from flask import Response, request
from flask_login import current_user

from .. import clock
from ..errors import found_or_404
from ..extensions import db
from ..models import Meeting, Minutes
from ..permissions import Right, current_roles, require
from . import actions, bp, decisions, exports, printed
from .action_forms import action_filter_form, decision_filter_form
from .routes import readable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NOT_IN_FILENAME = re.compile(r"[^a-z0-9]+")


def _download(body: bytes | str, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            # Drafts and registers are for members only: no copies in shared caches.
            "Cache-Control": "private, no-store",
        },
    )


def _readable(meeting_id: int) -> tuple[Meeting, Minutes]:
    """The meeting and its minutes, or 404: no minutes yet, or not for this reader (the minutes page's
    own answer, so that a draft's existence is not for everyone)."""
    meeting, minutes = readable(meeting_id)
    return meeting, found_or_404(minutes)


def _minutes_filename(meeting: Meeting, extension: str) -> str:
    """ASCII only, so that every browser and mail client keeps it: minutes-2026-03-12-plenary.pdf."""
    day = clock.local(meeting.starts_at).date().isoformat()
    kind = _NOT_IN_FILENAME.sub("-", meeting.type.code.lower()).strip("-") or "meeting"
    return f"minutes-{day}-{kind}.{extension}"


def _table_download(table: exports.Table, stem: str, extension: str) -> Response:
    filename = f"{stem}-{clock.today().isoformat()}.{extension}"
    if extension == "csv":
        return _download(exports.to_csv(table), "text/csv", filename)
    return _download(exports.to_xlsx(table), XLSX, filename)


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
@require(Right.VIEW_MEETINGS)
def export_minutes_pdf(meeting_id: int):
    """Download the minutes as a PDF, to print or to file; one too large to print is refused with the
    reason (`printing.NotPrinted`, shown by the error pages)."""
    meeting, minutes = _readable(meeting_id)
    filename = _minutes_filename(meeting, "pdf")
    return _download(printed.minutes_pdf(meeting, minutes), "application/pdf", filename)


@bp.get("/meetings/<int:meeting_id>/minutes.md")
@require(Right.VIEW_MEETINGS)
def export_minutes_markdown(meeting_id: int):
    """Download the minutes as Markdown, to edit or publish elsewhere."""
    meeting, minutes = _readable(meeting_id)
    return _download(
        exports.minutes_markdown(meeting, minutes), "text/markdown", _minutes_filename(meeting, "md")
    )


@bp.get("/decisions.<any(csv, xlsx):extension>")
@require(Right.VIEW_RECORDS)
def export_decisions(extension: str):
    """Download every decision the reader may see that matches the register's filters."""
    query = decisions.register_query(
        decision_filter_form(request.args).criteria(), current_user.id, current_roles()
    )
    table = exports.decisions_table(db.session.scalars(query))
    return _table_download(table, "decisions", extension)


@bp.get("/actions.<any(csv, xlsx):extension>")
@require(Right.MANAGE_ACTIONS)
def export_actions(extension: str):
    """Download every action that matches the register's filters."""
    today = clock.today()
    criteria = action_filter_form(request.args, clock.now()).criteria()
    rows = db.session.scalars(actions.register_query(criteria, today))
    return _table_download(exports.actions_table(rows, today), "actions", extension)
