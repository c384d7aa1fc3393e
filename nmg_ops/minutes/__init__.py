"""The record of a meeting: minutes (written, circulated, approved), decisions and actions."""

from flask import Blueprint

bp = Blueprint("minutes", __name__)

from . import (  # noqa: E402,F401
    action_routes,
    comment_routes,
    decision_routes,
    editor_entries,
    export_routes,
    meeting_pages,
    procedure_routes,
    routes,
)
