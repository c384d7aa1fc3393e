from flask import Blueprint

bp = Blueprint("governance", __name__)

from . import routes  # noqa: E402,F401
