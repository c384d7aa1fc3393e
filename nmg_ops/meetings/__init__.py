from flask import Blueprint

bp = Blueprint("meetings", __name__)

from . import agenda_routes, planning_routes, routes  # noqa: E402,F401
