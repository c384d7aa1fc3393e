from flask import Blueprint

bp = Blueprint("meetings", __name__)

from . import (  # noqa: E402,F401
    agenda_routes,
    attendance_routes,
    cadence_routes,
    display,
    planning_routes,
    routes,
    type_routes,
)
