from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from ..permissions import Right, require
from . import bp


@bp.route("/members/")
@require(Right.VIEW_DIRECTORY)
def directory():
    """The member directory."""
    return render_template("members/directory.html")


@bp.route("/organisations/")
@require(Right.VIEW_DIRECTORY)
def organisations():
    """The organisations represented in the group."""
    return render_template("members/directory.html")


@bp.route("/profile")
@login_required
def profile():
    """My own profile."""
    return render_template("members/directory.html", member=current_user)
