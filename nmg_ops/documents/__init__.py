from flask import Blueprint

bp = Blueprint("documents", __name__, url_prefix="/documents")

from . import material_routes, routes  # noqa: E402,F401
