"""Calendar output: invites by mail, personal and public feeds, single-meeting downloads."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)

from . import routes  # noqa: E402,F401
