"""The privacy pages: a member's own data and, for the coordinator, any member's; the privacy notice; how
long each kind of data is kept; a former member's erasure on request."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parseaddr
from enum import Enum
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import found_or_404, show_on_form
from ..extensions import db
from ..i18n import format_date, format_datetime
from ..models import Member
from ..permissions import Right, require
from . import bp, erasure, export, retention
from .forms import ErasureForm

_NOT_IN_FILENAME = re.compile(r"[^a-z0-9]+")


def shown(value: Any) -> str:
    """A value as the printable page writes it: choices in the reader's language, dates as they read them."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Enum):
        return str(getattr(value, "label", value.value))
    if isinstance(value, datetime):
        return format_datetime(value, "short")
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def _file(member: Member) -> Response:
    name = _NOT_IN_FILENAME.sub("-", member.full_name.lower()).strip("-") or str(member.id)
    return Response(
        export.as_json(export.gather(member)),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="nmg-data-{name}.json"',
            "Cache-Control": "private, no-store",
        },
    )


def _page(member: Member) -> str:
    return render_template("privacy/member_data.html", data=export.gather(member), shown=shown)


def _me() -> Member:
    return found_or_404(db.session.get(Member, current_user.id))


@bp.get("/profile/my-data")
@login_required
def my_data():
    """Everything the group holds about me, on one printable page."""
    return _page(_me())


@bp.get("/profile/my-data.json")
@login_required
def my_data_file():
    """The same, as a JSON file to take elsewhere."""
    return _file(_me())


@bp.get("/members/<int:member_id>/data")
@require(Right.EXPORT_MEMBER_DATA)
def member_data(member_id: int):
    """A member's data, for the coordinator answering a request received by mail."""
    return _page(found_or_404(db.session.get(Member, member_id)))


@bp.get("/members/<int:member_id>/data.json")
@require(Right.EXPORT_MEMBER_DATA)
def member_data_file(member_id: int):
    return _file(found_or_404(db.session.get(Member, member_id)))


@bp.get("/privacy")
def notice():
    """The privacy notice: the group's own text in the reader's language, else the built-in one."""
    language = str(get_locale() or current_app.config["DEFAULT_LANGUAGE"])[:2].upper()
    own = current_app.config.get(f"PRIVACY_NOTICE_{language}", "")
    contact = current_app.config["PRIVACY_CONTACT"] or parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    return render_template("privacy/notice.html", own=own, contact=contact, periods=retention.PERIODS)


@bp.get("/privacy/retention")
@require(Right.VIEW_RETENTION)
def retention_periods():
    """How long each kind of personal data is kept, as the daily job applies it."""
    return render_template("privacy/retention.html", periods=retention.PERIODS)


@bp.route("/members/<int:member_id>/erase", methods=["GET", "POST"])
@require(Right.ERASE_MEMBER_DATA)
def erase_member(member_id: int):
    """Erase a former member on request, after saying what goes and what stays under a pseudonym."""
    member = found_or_404(db.session.get(Member, member_id))
    form = ErasureForm()
    if form.validate_on_submit():
        try:
            erasure.erase(member)
        except erasure.ErasureError as error:
            show_on_form(form, error, fallback="confirm")
        else:
            flash(
                _("The member's data is erased; the record names them %(name)s.", name=member.full_name),
                "success",
            )
            return redirect(url_for("members.member", member_id=member.id))
    status = 400 if form.errors else 200
    return render_template(
        "privacy/erase.html", member=member, form=form, pseudonym=erasure.pseudonym(member)
    ), status
