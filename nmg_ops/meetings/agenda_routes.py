"""A meeting's agenda: items added, changed, moved and removed by the coordination team."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from .. import clock
from ..errors import found_or_404
from ..models import Meeting
from ..permissions import Right, can, require
from . import agenda, bp, signals
from .agenda_forms import AgendaItemForm, MoveForm
from .invitees import current_members


def _agenda_page(meeting: Meeting, form: AgendaItemForm):
    editable = agenda.is_editable(meeting, may_correct=_may_correct())
    return render_template(
        "meetings/agenda_edit.html",
        meeting=meeting,
        form=form,
        editable=editable,
        today=clock.today(),
        held=agenda.is_held(meeting),
        total_minutes=agenda.total_minutes(meeting.agenda_items),
        meeting_minutes=agenda.meeting_minutes(meeting),
        presenters=current_members(clock.today()),
        **signals.page_values(signals.agenda_page, meeting, editable=editable),
    )


def _back_to_agenda(meeting_id: int, item_id: int | None = None):
    anchor = f"item-{item_id}" if item_id is not None else None
    return redirect(url_for("meetings.edit_agenda", meeting_id=meeting_id, _anchor=anchor))


@bp.route("/meetings/<int:meeting_id>/agenda")
@require(Right.EDIT_AGENDA)
def edit_agenda(meeting_id: int):
    """The agenda with its items to edit, reorder and delete, and a form to add one."""
    return _agenda_page(found_or_404(agenda.meeting_with_agenda(meeting_id)), AgendaItemForm())


@bp.post("/meetings/<int:meeting_id>/agenda")
@require(Right.EDIT_AGENDA)
def add_agenda_item(meeting_id: int):
    """Add an item at the end of the agenda."""
    meeting = found_or_404(agenda.meeting_with_agenda(meeting_id))
    form = AgendaItemForm()
    if form.validate_on_submit():
        try:
            item = agenda.add_item(meeting, form.item_data(), may_correct=_may_correct())
        except agenda.AgendaError as exc:
            flash(str(exc), "danger")
            return _back_to_agenda(meeting_id)
        flash(_("“%(title)s” has been added to the agenda.", title=item.title), "success")
        return _back_to_agenda(meeting_id, item.id)
    return _agenda_page(meeting, form)


def _may_correct() -> bool:
    """The coordinator's right to correct the agenda of a meeting that has been held."""
    return can(Right.MANAGE_MEETINGS)


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@require(Right.EDIT_AGENDA)
def edit_agenda_item(meeting_id: int, item_id: int):
    """Change an agenda item's title, presenter, duration or notes."""
    meeting = found_or_404(agenda.meeting_with_agenda(meeting_id))
    item = found_or_404(agenda.item_of(meeting, item_id))
    if not agenda.is_editable(meeting, may_correct=_may_correct()):
        flash(_("This agenda can no longer be changed."), "warning")
        return _back_to_agenda(meeting_id)
    form = AgendaItemForm(obj=item)
    if form.validate_on_submit():
        try:
            changed = agenda.update_item(meeting, item, form.item_data(), may_correct=_may_correct())
        except agenda.AgendaError as exc:
            flash(str(exc), "danger")
            return _back_to_agenda(meeting_id)
        flash(
            _("Changes saved.") if changed else _("Nothing was changed."),
            "success" if changed else "info",
        )
        return _back_to_agenda(meeting_id, item_id)
    return render_template(
        "meetings/agenda_item_form.html",
        meeting=meeting,
        item=item,
        form=form,
        presenters=current_members(clock.today()),
    )


@bp.post("/meetings/<int:meeting_id>/agenda/<int:item_id>/delete")
@require(Right.EDIT_AGENDA)
def delete_agenda_item(meeting_id: int, item_id: int):
    """Remove an item from the agenda; the items after it move up."""
    meeting = found_or_404(agenda.meeting_with_agenda(meeting_id))
    item = found_or_404(agenda.item_of(meeting, item_id))
    title = item.title
    try:
        agenda.delete_item(meeting, item, may_correct=_may_correct())
    except agenda.AgendaError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("“%(title)s” has been removed from the agenda.", title=title), "success")
    return _back_to_agenda(meeting_id)


@bp.post("/meetings/<int:meeting_id>/agenda/<int:item_id>/move")
@require(Right.EDIT_AGENDA)
def move_agenda_item(meeting_id: int, item_id: int):
    """Move an item one place up or down the agenda."""
    meeting = found_or_404(agenda.meeting_with_agenda(meeting_id))
    item = found_or_404(agenda.item_of(meeting, item_id))
    form = MoveForm()
    if not form.validate_on_submit():
        flash(_("Choose whether to move the item up or down."), "danger")
        return _back_to_agenda(meeting_id, item_id)
    try:
        agenda.move_item(meeting, item, form.direction.data, may_correct=_may_correct())
    except agenda.AgendaError as exc:
        flash(str(exc), "danger")
    return _back_to_agenda(meeting_id, item_id)
