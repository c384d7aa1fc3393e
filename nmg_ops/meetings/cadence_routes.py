"""The cadence dashboard: meetings agreed, planned and held per year and type, and attendance."""

from __future__ import annotations

from flask import render_template, request

from .. import clock
from ..permissions import Right, require
from . import bp, cadence


@bp.route("/meetings/cadence")
@require(Right.VIEW_CADENCE)
def cadence_dashboard():
    """Agreed, planned and held meetings per year and type, with attendance for one year."""
    now = clock.now()
    years = cadence.cadence_years(now)
    this_year = clock.local(now).year
    year = request.args.get("year", type=int)
    if year not in years:
        year = this_year
    return render_template(
        "meetings/cadence.html",
        cadence=cadence.cadence(years, now),
        report=cadence.attendance(year),
        years=years,
        year=year,
        this_year=this_year,
    )


# --- meeting types ------------------------------------------------------------------------------------------
