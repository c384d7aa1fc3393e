"""The monthly e-news: issues drafted from the group's life, sent once to every subscriber, archived."""

from flask import Blueprint

bp = Blueprint("news", __name__)

from . import (  # noqa: E402,F401
    approval_routes,
    archive_routes,
    bounces,
    image_routes,
    issue_routes,
    mail_unsubscribe,
    subscription_routes,
    withdrawal,
)
