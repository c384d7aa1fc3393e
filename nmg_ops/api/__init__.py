"""The read API, `/api/v1/`: what the group publishes, to anyone, and with a personal token what its
member may read on the pages. It reads every domain through their own rules and no domain imports it."""

from __future__ import annotations

from flask import Blueprint, Flask

from .limits import RateLimiter

PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
#: the profile's token forms, outside the API's prefix: they are pages, not API operations
profile_bp = Blueprint("api_tokens", __name__)


def init_app(app: Flask) -> None:
    app.extensions["nmg_api_limiter"] = RateLimiter()
    app.register_blueprint(bp)
    app.register_blueprint(profile_bp)


def serves(path: str) -> bool:
    """Whether a request path is the API's, whose errors are problem details rather than pages."""
    return path == PREFIX or path.startswith(PREFIX + "/")


from . import docs_routes, member_routes, public_routes, token_routes  # noqa: E402, F401
