from __future__ import annotations

from flask import render_template

from ..permissions import Right, require
from . import bp


@bp.route("/composition")
@require(Right.VIEW_COMPOSITION)
def composition():
    """The group's composition against the B1MG recommendations."""
    return render_template("members/directory.html")


@bp.route("/coordinators")
@require(Right.VIEW_COMPOSITION)
def coordinators():
    """Coordinator terms, past, current and planned."""
    return render_template("members/directory.html")


@bp.route("/audit")
@require(Right.VIEW_AUDIT)
def audit_log():
    """Who changed what and when."""
    return render_template("members/directory.html")
