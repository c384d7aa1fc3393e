from flask import Blueprint

bp = Blueprint("governance", __name__)

from . import (  # noqa: E402,F401
    consultation_routes,
    partnership_routes,
    public_routes,
    publication_routes,
    report_routes,
    routes,
    self_assessment_open_routes,
    self_assessment_routes,
)
