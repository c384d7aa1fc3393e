"""The record of a meeting: minutes (written, circulated, approved), decisions and actions."""

from flask import Blueprint

bp = Blueprint("minutes", __name__)

from . import action_routes, decision_routes, export_routes, meeting_pages, routes  # noqa: E402,F401
