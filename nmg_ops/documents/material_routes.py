"""Materials of agenda items, chosen by the coordination team, and the meeting pack each reader downloads;
the meetings' pages show the materials through their signals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import found_or_404, show_on_form
from ..extensions import db
from ..meetings import agenda, queries, visibility
from ..meetings.signals import agenda_page, meeting_page
from ..models import AgendaItem, Meeting, MeetingStatus
from ..permissions import Right, current_roles, require
from . import bp, library, materials
from .forms import MaterialDocumentForm, MaterialLinkForm


def _item(item_id: int) -> tuple[Meeting, AgendaItem]:
    """The item and its meeting; a cancelled meeting's agenda takes no more materials."""
    item = found_or_404(db.session.get(AgendaItem, item_id))
    meeting = found_or_404(agenda.meeting_with_agenda(item.meeting_id))
    if meeting.status is MeetingStatus.CANCELLED:
        found_or_404(None)
    return meeting, item


def _page(meeting: Meeting, item: AgendaItem, document_form=None, link_form=None, status: int = 200):
    document_form = document_form or MaterialDocumentForm(formdata=None)
    document_form.document_id.choices = [(d.id, d.title) for d in library.visible_documents()]
    return (
        render_template(
            "documents/materials.html",
            meeting=meeting,
            item=item,
            shown=materials.materials_of(meeting).get(item.id, []),
            document_form=document_form,
            link_form=link_form or MaterialLinkForm(formdata=None),
        ),
        status,
    )


def _added(meeting: Meeting, item: AgendaItem, form, add) -> Any:
    try:
        add()
    except materials.MaterialError as exc:
        show_on_form(form, exc)
        return None
    db.session.commit()
    flash(_("Added to “%(title)s”.", title=item.title), "success")
    return redirect(url_for("documents.item_materials", item_id=item.id))


@bp.route("/agenda-items/<int:item_id>/materials")
@require(Right.EDIT_AGENDA)
def item_materials(item_id: int):
    """An agenda item's materials: documents of the library and links, to add or take off."""
    return _page(*_item(item_id))


@bp.post("/agenda-items/<int:item_id>/materials/document")
@require(Right.EDIT_AGENDA)
def add_material_document(item_id: int):
    meeting, item = _item(item_id)
    form = MaterialDocumentForm()
    form.document_id.choices = [(d.id, d.title) for d in library.visible_documents()]
    if form.validate_on_submit():
        done = _added(meeting, item, form, lambda: materials.add_document(item, form.document_id.data))
        if done is not None:
            return done
    return _page(meeting, item, document_form=form, status=400)


@bp.post("/agenda-items/<int:item_id>/materials/link")
@require(Right.EDIT_AGENDA)
def add_material_link(item_id: int):
    meeting, item = _item(item_id)
    form = MaterialLinkForm()
    if form.validate_on_submit():
        done = _added(meeting, item, form, lambda: materials.add_link(item, form.url.data, form.label.data))
        if done is not None:
            return done
    return _page(meeting, item, link_form=form, status=400)


@bp.post("/agenda-items/<int:item_id>/materials/<int:material_id>/remove")
@require(Right.EDIT_AGENDA)
def remove_material(item_id: int, material_id: int):
    _meeting, item = _item(item_id)
    found_or_404(materials.remove(item, material_id) or None)
    db.session.commit()
    flash(_("Taken off “%(title)s”.", title=item.title), "success")
    return redirect(url_for("documents.item_materials", item_id=item.id))


@bp.route("/meetings/<int:meeting_id>/pack.pdf")
@require(Right.VIEW_MEETINGS)
def meeting_pack(meeting_id: int):
    """The agenda and its materials as one PDF, made for this reader: what they may read, nothing more."""
    meeting = found_or_404(agenda.meeting_with_agenda(meeting_id))
    invited = queries.invitation_of(meeting, current_user.id) is not None
    found_or_404(meeting if visibility.may_see(meeting, invited, current_roles()) else None)
    found_or_404(meeting if meeting.agenda_items else None)
    response = Response(materials.pack_pdf(meeting), mimetype="application/pdf")
    filename = f"meeting-pack-{meeting.starts_at:%Y-%m-%d}-{meeting.id}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@meeting_page.connect
def materials_on_the_meeting_page(meeting: Meeting, *, now: datetime, manages: bool) -> dict[str, Any]:
    return {"materials": materials.materials_of(meeting)}


@agenda_page.connect
def materials_on_the_agenda_page(meeting: Meeting, *, editable: bool) -> dict[str, Any]:
    return {"materials": materials.materials_of(meeting)}
