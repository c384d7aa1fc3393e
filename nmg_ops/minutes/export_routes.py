"""Downloads of the record: a meeting's minutes as PDF or Markdown, the decisions and actions registers as
CSV or XLSX with the filters of their pages. Who may read what is decided by `access` and the registers'
queries; these views only read the request and serve the file."""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import Response, abort, request
from flask_login import current_user

from .. import clock
from ..errors import found_or_404
from ..extensions import db
from ..forms import FIRST_YEAR, LAST_YEAR, lenient, record_id
from ..models import ActionStatus, Meeting, Minutes
from ..permissions import Right, current_roles, require
from . import access, actions, bp, decisions, exports, writing
from .actions import ActionFilter
from .decisions import DecisionFilter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: a search longer than this is not typed by anyone; search itself keeps the first words only
QUERY_MAX = 500
TYPE_CODE_MAX = 40
ACTION_STATUSES = frozenset({"open", *(status.value for status in ActionStatus)})
_NOT_IN_FILENAME = re.compile(r"[^a-z0-9]+")
_optional_id = lenient(record_id)


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
    """The meeting and its minutes, or 404 when there are none or the reader may not read them."""
    meeting = found_or_404(writing.meeting_for_minutes(meeting_id))
    minutes = writing.minutes_of(meeting_id)
    # The same answer as for a meeting that does not exist: a draft's existence is not for everyone.
    if minutes is None or not access.may_read(meeting, minutes, current_user.id, current_roles()):
        abort(404)
    return meeting, minutes


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


def _year(value: str | None) -> int | None:
    year = _optional_id(value)
    return year if year is not None and FIRST_YEAR <= year <= LAST_YEAR else None


def decision_filter(args: Mapping[str, str]) -> DecisionFilter:
    """The register's filters from a query string; a value that cannot be meant is left out, as on the
    register's page, rather than refused."""
    return DecisionFilter(
        q=args.get("q", "").strip()[:QUERY_MAX],
        year=_year(args.get("year")),
        type_code=args.get("type", "").strip()[:TYPE_CODE_MAX] or None,
        working_group_id=_optional_id(args.get("working_group")),
    )


def action_filter(args: Mapping[str, str]) -> ActionFilter:
    """The action register's filters from a query string, unknown values left out."""
    status = args.get("status", "")
    return ActionFilter(
        q=args.get("q", "").strip()[:QUERY_MAX],
        owner_id=_optional_id(args.get("owner")),
        status=status if status in ACTION_STATUSES else None,
        overdue=args.get("overdue", "") in {"1", "true", "on", "yes"},
        meeting_id=_optional_id(args.get("meeting")),
        working_group_id=_optional_id(args.get("working_group")),
    )


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
@require(Right.VIEW_MEETINGS)
def export_minutes_pdf(meeting_id: int):
    """Download the minutes as a PDF, to print or to file."""
    meeting, minutes = _readable(meeting_id)
    return _download(
        exports.minutes_pdf(meeting, minutes), "application/pdf", _minutes_filename(meeting, "pdf")
    )


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
    query = decisions.register_query(decision_filter(request.args), current_user.id, current_roles())
    table = exports.decisions_table(db.session.scalars(query))
    return _table_download(table, "decisions", extension)


@bp.get("/actions.<any(csv, xlsx):extension>")
@require(Right.MANAGE_ACTIONS)
def export_actions(extension: str):
    """Download every action that matches the register's filters."""
    today = clock.today()
    rows = db.session.scalars(actions.register_query(action_filter(request.args), today))
    return _table_download(exports.actions_table(rows, today), "actions", extension)
