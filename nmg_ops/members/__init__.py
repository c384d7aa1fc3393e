from flask import Blueprint

bp = Blueprint("members", __name__)

from . import mapping_routes, routes  # noqa: E402,F401
