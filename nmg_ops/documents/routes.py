"""The documents' pages and downloads.

The list needs a signed-in member; the document page and both downloads are open to anyone, and
`library.readable_versions` says what each reader gets. Files are served with the type found in their
content and `nosniff`; everything but a PDF is an attachment, so no upload is ever shown as a page.
"""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import RuleError, found_or_404, show_on_form
from ..extensions import db, login_manager
from ..models import Document, DocumentKind, DocumentVersion, DocumentVisibility, Meeting, VersionStatus
from ..permissions import Right, can, require
from . import bp, library
from .forms import ApprovalForm, NewDocumentForm, VersionForm, VisibilityForm
from .storage import StoreError

#: room for the form's other fields next to the file, in an upload request
_FORM_ALLOWANCE = 65_536
_UPLOAD_ENDPOINTS = {"documents.new_document", "documents.upload_version"}


@bp.url_value_preprocessor
def _allow_uploads(endpoint: str | None, values: dict | None) -> None:
    # Only the upload pages accept requests the size of a document; every other page keeps
    # MAX_CONTENT_LENGTH. Set before any before_request function (the CSRF check) reads the form.
    if endpoint in _UPLOAD_ENDPOINTS:
        request.max_content_length = int(current_app.config["DOCUMENT_MAX_BYTES"]) + _FORM_ALLOWANCE


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge):
    # The limit strikes while the request is read, before the form sees the file: the form says so. The
    # CSRF check may read the request before the view checks the reader's rights, so they are checked here.
    if not can(Right.MANAGE_DOCUMENTS):
        return render_template("error.html", error=error, status=413), 413
    if request.endpoint == "documents.new_document":
        form = NewDocumentForm(formdata=None)
        form.file.errors = [library.too_large_message()]
        return render_template("documents/new.html", form=form), 413
    document_id = (request.view_args or {}).get("document_id")
    document = db.session.get(Document, document_id) if document_id else None
    if request.endpoint == "documents.upload_version" and document is not None:
        form = VersionForm(formdata=None)
        form.file.errors = [library.too_large_message()]
        return _document_page(document, version_form=form, status=413)
    return render_template("error.html", error=error, status=413), 413


def _readable(document_id: int) -> tuple[Document, list[DocumentVersion]]:
    """The document and the versions the reader may see; a visitor is asked to sign in first, a member
    who may not read it gets 404 as for a document that does not exist. A visitor is asked to sign in for
    an id that names nothing too: answering 404 there would tell which ids hold a non-public document."""
    document = db.session.get(Document, document_id)
    versions = library.readable_versions(document) if document is not None else []
    if not versions and not current_user.is_authenticated:
        return login_manager.unauthorized()
    return found_or_404(document if versions else None), versions


def _document_page(
    document: Document,
    version_form: VersionForm | None = None,
    approval_form: ApprovalForm | None = None,
    visibility_form: VisibilityForm | None = None,
    status: int = 200,
):
    versions = library.readable_versions(document)
    drafts = [v for v in versions if v.status is VersionStatus.DRAFT]
    if can(Right.MANAGE_DOCUMENTS):
        version_form = version_form or VersionForm(formdata=None)
        visibility_form = visibility_form or VisibilityForm(
            formdata=None, visibility=document.visibility.value
        )
    if can(Right.APPROVE_DOCUMENTS) and drafts:
        approval_form = approval_form or ApprovalForm(formdata=None)
        _meeting_choices(approval_form)
    return render_template(
        "documents/document.html",
        document=document,
        versions=list(reversed(versions)),
        to_approve=drafts[-1] if drafts and approval_form else None,
        version_form=version_form,
        approval_form=approval_form,
        visibility_form=visibility_form,
    ), status


def _meeting_choices(form: ApprovalForm) -> None:
    form.meeting_id.choices = [("", _("No meeting: approved by the coordinator"))] + [
        (m.id, m.title) for m in library.approving_meetings()
    ]


def _serve(version: DocumentVersion):
    try:
        data = library.read(version)
    except StoreError as exc:
        current_app.logger.error("document store: %s", exc)
        abort(503, _("The file cannot be read from the document store just now; try again later."))
    response = send_file(
        io.BytesIO(data),
        mimetype=version.content_type,
        as_attachment=not version.is_pdf,
        download_name=version.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    public = version.document.visibility is DocumentVisibility.PUBLIC
    response.headers["Cache-Control"] = "no-cache" if public else "private, no-store"
    return response


@bp.route("/")
@require(Right.VIEW_DOCUMENTS)
def document_list():
    """The documents the reader may read, with their current approved version."""
    return render_template("documents/list.html", documents=library.visible_documents())


@bp.route("/new", methods=["GET", "POST"])
@require(Right.MANAGE_DOCUMENTS)
def new_document():
    """Upload a new document: its title, kind, who may read it, and its first version."""
    form = NewDocumentForm()
    if form.validate_on_submit():
        draft = library.NewDocument(
            form.title.data, DocumentKind(form.kind.data), DocumentVisibility(form.visibility.data)
        )
        try:
            document = library.create_document(
                draft,
                form.file.data.read(),
                form.file.data.filename or "",
                form.note.data or "",
                current_user,
            )
        except RuleError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Document %(title)s uploaded as a draft.", title=document.title), "success")
            return redirect(url_for("documents.document_page", document_id=document.id))
    return render_template("documents/new.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/<int:document_id>")
def document_page(document_id: int):
    """A document: its versions with who uploaded each, when and why, and what was approved."""
    result = _readable(document_id)
    if not isinstance(result, tuple):
        return result
    return _document_page(result[0])


@bp.post("/<int:document_id>/versions")
@require(Right.MANAGE_DOCUMENTS)
def upload_version(document_id: int):
    """Upload a new version of a document, as a draft."""
    document = found_or_404(db.session.get(Document, document_id))
    form = VersionForm()
    if form.validate_on_submit():
        try:
            version = library.add_version(
                document,
                form.file.data.read(),
                form.file.data.filename or "",
                form.note.data or "",
                current_user,
            )
        except RuleError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Version %(number)d uploaded as a draft.", number=version.number), "success")
            return redirect(url_for("documents.document_page", document_id=document.id))
    return _document_page(document, version_form=form, status=400)


@bp.post("/<int:document_id>/versions/<int:number>/approve")
@require(Right.APPROVE_DOCUMENTS)
def approve_version(document_id: int, number: int):
    """Approve a draft version at a held meeting, or by the coordinator with a note."""
    version = found_or_404(
        db.session.scalar(db.select(DocumentVersion).filter_by(document_id=document_id, number=number))
    )
    form = ApprovalForm()
    _meeting_choices(form)
    if form.validate_on_submit():
        meeting = db.session.get(Meeting, form.meeting_id.data) if form.meeting_id.data else None
        try:
            library.approve(version, current_user, meeting, form.note.data or "")
        except RuleError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Version %(number)d approved.", number=version.number), "success")
            return redirect(url_for("documents.document_page", document_id=document_id))
    return _document_page(version.document, approval_form=form, status=400)


@bp.post("/<int:document_id>/visibility")
@require(Right.MANAGE_DOCUMENTS)
def change_visibility(document_id: int):
    """Change who may read a document."""
    document = found_or_404(db.session.get(Document, document_id))
    form = VisibilityForm()
    if form.validate_on_submit():
        library.set_visibility(document, DocumentVisibility(form.visibility.data))
        db.session.commit()
        flash(
            _("Who may read %(title)s is now: %(who)s.", title=document.title, who=document.visibility.label)
        )
        return redirect(url_for("documents.document_page", document_id=document.id))
    return _document_page(document, visibility_form=form, status=400)


@bp.route("/<int:document_id>/versions/<int:number>")
def download_version(document_id: int, number: int):
    """One version of a document, as uploaded."""
    result = _readable(document_id)
    if not isinstance(result, tuple):
        return result
    version = found_or_404(next((v for v in result[1] if v.number == number), None))
    return _serve(version)


@bp.route("/<int:document_id>/current")
def current_version(document_id: int):
    """The permanent link: the version of the document approved now, whichever it is."""
    result = _readable(document_id)
    if not isinstance(result, tuple):
        return result
    version = result[0].approved_version
    if version is None:
        return render_template("documents/not_approved.html", document=result[0]), 404
    return _serve(version)
