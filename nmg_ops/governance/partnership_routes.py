"""The partnership view (docs/decisions/0029-partnership-sources.md): the NMGs side by side and its
exports (CSV, XLSX, PDF), for everyone signed in where PARTNERSHIP_VIEW is on; the addresses it reads
and the files uploaded to it, for the coordinator."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from .. import clock
from ..errors import found_or_404, show_on_form
from ..extensions import db
from ..forms import Form, strip
from ..i18n import format_datetime
from ..minutes.exports import to_csv, to_xlsx
from ..models import PartnershipSource
from ..permissions import Right, can, require
from ..printing import html_pdf
from . import bp
from .partnership import sources
from .partnership.kept import Kept, kept
from .partnership.view import View, columns, country_name, table
from .self_assessment.definitions import Light
from .self_assessment.importing import ImportRefused


class SourceForm(Form):
    url = StringField(
        _l("Address of a published self-assessment"),
        filters=[strip],
        validators=[DataRequired(_l("Give the address.")), Length(max=2000)],
        description=_l("Such as https://nmg.example.org/self-assessment/latest.json"),
    )
    submit = SubmitField(_l("Read this address"))


class UploadForm(Form):
    file = FileField(
        _l("Another NMG’s self-assessment (JSON)"),
        validators=[FileRequired(_l("Choose the file to upload."))],
        description=_l("One year’s document, or a list of one NMG’s years, in the open format."),
    )
    submit = SubmitField(_l("Upload"))


def _turned_on() -> None:
    """404 where the setting leaves the view off: an instance that is no partnership's has none."""
    if not current_app.config["PARTNERSHIP_VIEW"]:
        abort(404)


def _kept() -> Kept:
    _turned_on()
    return kept()


def _view() -> View:
    return _kept().view


def _tables(seen: View) -> str:
    return render_template(
        "governance/_partnership_tables.html", view=seen, columns=columns(), lights=list(Light)
    )


def _page(
    source_form: SourceForm | None = None,
    upload_form: UploadForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
):
    seen = _kept()
    managing = can(Right.MANAGE_GOVERNANCE)
    return render_template(
        "governance/partnership.html",
        tables=seen.part("tables", _tables),
        sources=sources.listed() if managing else [],
        source_form=(source_form or SourceForm(formdata=None, prefix="source")) if managing else None,
        upload_form=(upload_form or UploadForm(formdata=None, prefix="upload")) if managing else None,
        problems=problems or [],
        max_kb=sources.max_bytes() // 1024,
    ), status


@bp.get("/partnership")
@require(Right.VIEW_PARTNERSHIP)
def partnership_page():
    """The partnership's NMGs side by side, measure by measure, and how many meet each, year by year."""
    return _page()


@bp.post("/partnership/sources")
@require(Right.MANAGE_GOVERNANCE)
def add_partnership_source():
    """Add the address of another NMG's published self-assessment, read at the scheduler's next run."""
    _turned_on()
    form = SourceForm(prefix="source")
    if not form.validate_on_submit():
        return _page(source_form=form, status=400)
    try:
        sources.add_address(form.url.data, current_user)
    except sources.SourceRefused as exc:
        show_on_form(form, exc)
        return _page(source_form=form, status=400)
    db.session.commit()
    flash(_("The address is added; it is read at the scheduler’s next run."), "success")
    return redirect(url_for(".partnership_page", _anchor="sources"))


@bp.post("/partnership/sources/<int:source_id>/remove")
@require(Right.MANAGE_GOVERNANCE)
def remove_partnership_source(source_id: int):
    """Stop reading a source, and take its documents out of the view."""
    _turned_on()
    sources.remove(found_or_404(db.session.get(PartnershipSource, source_id)))
    db.session.commit()
    flash(_("The source and its self-assessments are removed."), "success")
    return redirect(url_for(".partnership_page", _anchor="sources"))


@bp.post("/partnership/upload")
@require(Right.MANAGE_GOVERNANCE)
def upload_partnership_file():
    """Upload another NMG's self-assessment file; a file with any error is refused whole."""
    _turned_on()
    form = UploadForm(prefix="upload")
    if not form.validate_on_submit():
        return _page(upload_form=form, status=400)
    # An upload past the limit is spooled to a temporary file; closed here, not left to the collector.
    with form.file.data.stream as stream:
        raw = stream.read(sources.max_bytes() + 1)
    try:
        source = sources.upload(raw, current_user)
    except ImportRefused as exc:
        form.file.errors.append(str(exc))
        return _page(upload_form=form, problems=exc.problems, status=400)
    db.session.commit()
    flash(
        _("The self-assessment is uploaded (%(country)s).", country=country_name(source.country or "")),
        "success",
    )
    return redirect(url_for(".partnership_page"))


def _download(body: bytes, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/partnership.csv")
@require(Right.VIEW_PARTNERSHIP)
def partnership_csv():
    """The NMGs side by side as a CSV file."""
    return _download(to_csv(table(_view())), "text/csv; charset=utf-8", "partnership.csv")


@bp.get("/partnership.xlsx")
@require(Right.VIEW_PARTNERSHIP)
def partnership_xlsx():
    """The NMGs side by side as an Excel workbook."""
    return _download(
        to_xlsx(table(_view())),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "partnership.xlsx",
    )


@bp.get("/partnership.pdf")
@require(Right.VIEW_PARTNERSHIP)
def partnership_pdf():
    """The page's three tables as a PDF, in landscape."""
    html = render_template(
        "governance/partnership_print.html",
        view=_view(),
        columns=columns(),
        lights=list(Light),
        labels={light: light.label for light in Light},
        generated=_("Made on %(day)s.", day=format_datetime(clock.now())),
    )
    return _download(html_pdf(html), "application/pdf", "partnership.pdf")
