"""Calendar output: invites and reminders by mail, personal and public feeds, single-meeting downloads."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)

from . import invites, routes  # noqa: E402,F401
