from __future__ import annotations

from flask import Blueprint, Flask

from ..extensions import db, login_manager
from ..models import Member

bp = Blueprint("auth", __name__)


def _load_member(session_id: str) -> Member | None:
    """Session ids carry the member's session token, so a password change ends every other session."""
    member_id, _, token = session_id.partition(":")
    if not member_id.isdigit():
        return None
    member = db.session.get(Member, int(member_id))
    if member is None or member.session_token != token:
        return None
    return member


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(_load_member)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


from . import routes  # noqa: E402,F401
