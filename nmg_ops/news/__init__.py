"""The monthly e-news: issues drafted from the group's life, sent once to every subscriber, archived."""

from flask import Blueprint

bp = Blueprint("news", __name__)

from . import archive_routes, bounces, issue_routes, subscription_routes, withdrawal  # noqa: E402,F401
