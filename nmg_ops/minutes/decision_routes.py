"""Pages of the decisions register."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from ..forms import page_number
from ..permissions import Right, current_roles, require
from . import bp, decisions
from .action_forms import decision_filter_form


@bp.route("/decisions", endpoint="decisions")
@require(Right.VIEW_RECORDS)
def decisions_register():
    """Every decision the reader may see, newest meeting first and each in the order of its minutes, by
    words, year, meeting type and working group; provisional ones marked."""
    form = decision_filter_form(request.args)
    criteria = form.criteria()
    page = decisions.register(
        criteria, current_user.id, current_roles(), page_number(request.args.get("page"))
    )
    return render_template("minutes/decisions.html", form=form, criteria=criteria, page=page)
