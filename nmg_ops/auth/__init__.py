from __future__ import annotations

from flask import Blueprint, Flask

from ..extensions import login_manager
from ..models import Member

bp = Blueprint("auth", __name__)


def _load_member(session_id: str) -> Member | None:
    """Session ids name a live session row and the member's session token (see services.start_session)."""
    from .services import member_for_session

    return member_for_session(session_id)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(_load_member)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


from . import routes  # noqa: E402,F401
