"""Import and export of the B1MG expert mapping file."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired

from .. import clock
from ..forms import Form
from ..permissions import Right, require
from ..previewed_upload import fits_in_a_form, pack, unpack
from . import bp
from .mapping import applying, columns, export, planning, reading

_UPLOAD_ENDPOINTS = {"members.import_mapping", "members.confirm_import"}


class UploadForm(Form):
    file = FileField(
        _l("Expert mapping file (CSV)"),
        validators=[
            FileRequired(_l("Choose the file to import.")),
            FileAllowed(["csv", "txt"], _l("Upload a .csv or .txt file.")),
        ],
    )
    submit = SubmitField(_l("Preview the import"))


class ConfirmForm(Form):
    content = HiddenField(validators=[DataRequired()])


@bp.route("/members/import", methods=["GET", "POST"])
@require(Right.MANAGE_MEMBERS)
def import_mapping():
    """Upload an expert mapping file and preview what importing it would change."""
    form = UploadForm()
    if form.validate_on_submit():
        try:
            text = reading.decode(form.file.data.read())
            plan = planning.plan_import(text)
        except reading.MappingFileError as exc:
            form.file.errors.append(str(exc))
        else:
            packed = pack(text)
            if fits_in_a_form(packed):
                return render_template(
                    "members/import_preview.html",
                    plan=plan,
                    counts=plan.counts,
                    form=ConfirmForm(formdata=None, content=packed),
                    field_columns=columns.FIELD_COLUMNS,
                    describe=columns.describe_value,
                )
            form.file.errors.append(
                _("The file is too large to import in the browser; use `flask members import` on the server.")
            )
    return render_template("members/import.html", form=form), 400 if form.errors else 200


@bp.post("/members/import/confirm")
@require(Right.MANAGE_MEMBERS)
def confirm_import():
    """Import a previewed file, planned again from its content rather than trusting the preview."""
    form = ConfirmForm()
    text = unpack(form.content.data) if form.validate_on_submit() else None
    if text is None:
        flash(_("The preview could not be read back. Upload the file again."), "danger")
        return redirect(url_for(".import_mapping"))
    try:
        plan = planning.plan_import(text)
    except reading.MappingFileError as exc:
        flash(str(exc), "danger")
        return redirect(url_for(".import_mapping"))
    counts = applying.apply_import(plan)
    flash(
        _(
            "Imported: %(new)d new, %(updated)d updated, %(unchanged)d unchanged.",
            new=counts.new,
            updated=counts.updated,
            unchanged=counts.unchanged,
        ),
        "success",
    )
    if plan.errors:
        flash(
            ngettext(
                "%(num)d row with errors was skipped.",
                "%(num)d rows with errors were skipped.",
                plan.invalid_row_count,
            ),
            "warning",
        )
    return redirect(url_for("members.directory"))


@bp.get("/members/export.csv")
@require(Right.MANAGE_MEMBERS)
def export_mapping():
    """Download the current members as an expert mapping file."""
    filename = f"expert-mapping-{clock.today().isoformat()}.csv"
    return Response(
        export.export_csv(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename={filename}",
            # Contact details of every member: no copies in shared caches.
            "Cache-Control": "private, no-store",
        },
    )


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge):
    # The size limit strikes while the request is read, before any view; on the import pages it is the
    # upload form's business to say so.
    if request.endpoint in _UPLOAD_ENDPOINTS:
        form = UploadForm(formdata=None)
        form.file.errors = [reading.too_large_message()]
        return render_template("members/import.html", form=form), 413
    return render_template("error.html", error=error, status=413), 413
