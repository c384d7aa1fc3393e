"""The e-news image library: the team uploads pictures with their description and copies the Markdown that
shows them; anyone, mail apps included, fetches a picture by its address."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..documents.storage import StoreError, store
from ..errors import RuleError, found_or_404, show_on_form
from ..extensions import db
from ..i18n import format_size
from ..models import NewsImage
from ..permissions import Right, can, require
from . import bp, images
from .issue_forms import ImageForm

#: a picture never changes under its address: a new upload gets a new one
_FOREVER = "public, max-age=31536000, immutable"


def _library_page(form: ImageForm | None = None, status: int = 200):
    page = render_template(
        "news/images.html",
        form=form or ImageForm(formdata=None),
        images=images.library(),
        markdown=images.markdown,
        url=images.path,
        upload_max=format_size(images.UPLOAD_MAX),
    )
    return page, status


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge):
    # The limit strikes while the request is read, before the form sees the file, and before the view has
    # checked the reader's rights: they are checked here.
    if request.endpoint != "news.image_library" or not can(Right.MANAGE_NEWS):
        return render_template("error.html", error=error, status=413), 413
    form = ImageForm(formdata=None)
    form.file.errors = [images.too_large_message()]
    return _library_page(form, 413)


@bp.route("/news/images", methods=["GET", "POST"])
@require(Right.MANAGE_NEWS)
def image_library():
    """The pictures an issue may show, each with its description and the Markdown to paste."""
    form = ImageForm()
    if request.method == "GET":
        return _library_page()
    if form.validate_on_submit():
        try:
            image = images.add_image(form.file.data.read(), form.alt.data, current_user)
        except RuleError as exc:
            show_on_form(form, exc)
        except StoreError as exc:
            current_app.logger.error("document store: %s", exc)
            flash(_("The picture could not be stored just now; try again later."), "danger")
        else:
            db.session.commit()
            flash(_("Picture added: copy its Markdown into a section of an issue."), "success")
            return redirect(url_for("news.image_library", _anchor=f"image-{image.id}"))
    db.session.rollback()
    return _library_page(form, 422)


@bp.post("/news/images/<int:image_id>/remove")
@require(Right.MANAGE_NEWS)
def remove_image(image_id: int):
    image = found_or_404(db.session.get(NewsImage, image_id))
    try:
        images.remove(image)
    except RuleError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash(_("Picture removed from the library."), "success")
    return redirect(url_for("news.image_library"))


@bp.get("/news/images/<string:public_key>.<any(png, jpg):extension>")
def image(public_key: str, extension: str):
    """A picture, to anyone: mail apps fetch it without signing in."""
    image = found_or_404(images.image_by_key(public_key))
    if extension != image.extension:
        abort(404)
    try:
        data = store().get(image.storage_key)
    except StoreError as exc:
        current_app.logger.error("document store: %s", exc)
        abort(503, _("The picture cannot be read just now; try again later."))
    response = Response(data, mimetype=image.content_type)
    response.headers["Cache-Control"] = _FOREVER
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
