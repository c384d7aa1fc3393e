from flask import Blueprint

bp = Blueprint("governance", __name__)

from . import consultation_routes, report_routes, routes, self_assessment_routes  # noqa: E402,F401
