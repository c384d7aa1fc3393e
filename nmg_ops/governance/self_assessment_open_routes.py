"""The self-assessment in its open format: the schema, the years the coordinator published, the
coordinator's publishing and taking back, the import of earlier years from a file
(docs/decisions/0028-self-assessment-open-format.md)."""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired

from ..extensions import db
from ..forms import Form
from ..models import PublishedSelfAssessment
from ..permissions import Right, require
from ..previewed_upload import pack, unpack
from . import bp
from .self_assessment import importing, publishing
from .self_assessment.document import SCHEMA_PATH, document, schema
from .self_assessment.trend import assessed_years

_JSON = "application/json"


class ImportForm(Form):
    file = FileField(
        _l("Self-assessment file (JSON)"),
        validators=[FileRequired(_l("Choose the file to import."))],
        description=_l("One year's document, or a list of them, in the open format."),
    )
    submit = SubmitField(_l("Import"))


class ConfirmImportForm(Form):
    content = HiddenField(validators=[DataRequired()])


def _json(text: str) -> Response:
    return Response(text, mimetype=_JSON)


@bp.get(SCHEMA_PATH)
def self_assessment_schema():
    """The JSON Schema of the self-assessment's open format, for anyone."""
    response = _json(json.dumps(schema(), ensure_ascii=False, indent=2))
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response.make_conditional(request)


def _serve(row: PublishedSelfAssessment | None) -> Response:
    if row is None:
        abort(404, _("The NMG has not published this self-assessment."))
    response = _json(row.document)
    response.set_etag(publishing.etag(row))
    response.last_modified = row.published_at
    response.cache_control.public = True
    response.cache_control.no_cache = True
    return response.make_conditional(request)


@bp.get("/self-assessment/<int:year>.json")
def published_self_assessment(year: int):
    """A year's self-assessment as the coordinator published it, for anyone."""
    return _serve(publishing.published(year))


@bp.get("/self-assessment/latest.json")
def latest_self_assessment():
    """The self-assessment of the latest year published, for anyone."""
    return _serve(publishing.latest())


@bp.get("/governance/<int:year>.json")
@require(Right.VIEW_SELF_ASSESSMENT)
def self_assessment_document(year: int):
    """The year's self-assessment in the open format as the data stands now, published or not."""
    if year not in assessed_years():
        abort(404, _("There is no self-assessment for %(year)d.", year=year))
    response = _json(json.dumps(document(year), ensure_ascii=False, indent=2))
    response.headers["Content-Disposition"] = f'attachment; filename="self-assessment-{year}.json"'
    return response


@bp.post("/governance/<int:year>/publish")
@require(Right.MANAGE_GOVERNANCE)
def publish_self_assessment(year: int):
    """Publish the year's self-assessment at its public address, or publish it again as it stands now."""
    try:
        publishing.publish(year, current_user)
    except publishing.PublishingError as exc:
        abort(404, str(exc))
    db.session.commit()
    flash(_("The self-assessment for %(year)d is published.", year=year), "success")
    return redirect(url_for(".self_assessment_page", year=year, _anchor="open-format"))


@bp.post("/governance/<int:year>/unpublish")
@require(Right.MANAGE_GOVERNANCE)
def unpublish_self_assessment(year: int):
    """Take the year's self-assessment off its public address."""
    try:
        publishing.unpublish(year)
    except publishing.PublishingError as exc:
        abort(404, str(exc))
    db.session.commit()
    flash(_("The self-assessment for %(year)d is no longer published.", year=year), "success")
    return redirect(url_for(".self_assessment_page", year=year, _anchor="open-format"))


def _import_page(form: ImportForm, problems: list[str] | None = None, status: int = 200):
    return render_template(
        "governance/self_assessment_import.html",
        form=form,
        problems=problems or [],
        max_kb=importing.max_bytes() // 1024,
    ), status


def _stored(plan: importing.ImportPlan):
    importing.store(plan, current_user)
    db.session.commit()
    years = sorted(plan.answers)
    flash(
        ngettext(
            "%(num)d answer imported for %(years)s.",
            "%(num)d answers imported for %(years)s.",
            plan.count,
            years=", ".join(map(str, years)),
        ),
        "success",
    )
    return redirect(url_for(".self_assessment_page", year=years[-1]))


@bp.route("/governance/import", methods=["GET", "POST"])
@require(Right.MANAGE_GOVERNANCE)
def import_self_assessment():
    """Import earlier years' answers from a self-assessment file; a year already answered is asked about."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(form, status=400 if form.errors else 200)
    # An upload past the limit is spooled to a temporary file; closed here, not left to the collector.
    with form.file.data.stream as stream:
        raw = stream.read(importing.max_bytes() + 1)
    try:
        plan = importing.read(raw)
    except importing.ImportRefused as exc:
        form.file.errors.append(str(exc))
        return _import_page(form, exc.problems, 400)
    if not plan.replaces:
        return _stored(plan)
    return render_template(
        "governance/self_assessment_import_confirm.html",
        plan=plan,
        form=ConfirmImportForm(formdata=None, content=pack(raw.decode("utf-8"))),
    )


@bp.post("/governance/import/confirm")
@require(Right.MANAGE_GOVERNANCE)
def confirm_self_assessment_import():
    """Import a file whose years already have answers, replacing them, once the coordinator confirmed."""
    form = ConfirmImportForm()
    text = unpack(form.content.data) if form.validate_on_submit() else None
    if text is None:
        flash(_("The file could not be read back. Upload it again."), "danger")
        return redirect(url_for(".import_self_assessment"))
    try:
        plan = importing.read(text.encode("utf-8"))
    except importing.ImportRefused as exc:
        return _import_page(ImportForm(formdata=None), [str(exc), *exc.problems], 400)
    return _stored(plan)
