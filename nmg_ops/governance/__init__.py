from flask import Blueprint

bp = Blueprint("governance", __name__)

from . import consultation_routes, routes  # noqa: E402,F401
