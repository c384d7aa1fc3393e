"""Decisions and actions added in the minutes editor, in the section where they were said: each posts
on its own and comes back to the editor at that section, or shows its problem there with the text typed."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import RuleError, show_on_form
from ..models import Meeting, Minutes, MinutesStatus
from ..permissions import Right, require
from . import actions, bp, decisions, sections, writing
from .forms import SectionActionForm, SectionDecisionForm, editor_form
from .routes import editor_page, meeting_or_404


def _open_section(meeting_id: int, key: str) -> tuple[Meeting, Minutes | None]:
    """The meeting and its minutes, which must still be open; 404 for a section they do not have."""
    meeting = meeting_or_404(meeting_id)
    minutes = writing.minutes_of(meeting.id)
    if key not in sections.keys(meeting, minutes.sections if minutes else {}):
        abort(404)
    return meeting, minutes


def _approved(meeting: Meeting):
    flash(_("These minutes are approved. A correction now is an erratum, with its reason."), "warning")
    return redirect(url_for("minutes.minutes_page", meeting_id=meeting.id))


def _back_to(meeting: Meeting, key: str):
    return redirect(url_for("minutes.edit_minutes", meeting_id=meeting.id, _anchor=f"section-{key}"))


def _refused(meeting: Meeting, minutes: Minutes | None, key: str, kind: str, form):
    """The editor again, the refused entry in its section with what was typed."""
    texts = editor_form(sections.layout(meeting, minutes.sections if minutes else {}))
    texts.base.data = minutes.version if minutes else 0
    return editor_page(meeting, texts, status=422, posted=(key, kind, form))


@bp.post("/meetings/<int:meeting_id>/minutes/edit/<section_key>/decision")
@require(Right.WRITE_MINUTES)
def add_decision(meeting_id: int, section_key: str):
    """Record a decision in the section being written; it gets the next number of the meeting's year."""
    meeting, minutes = _open_section(meeting_id, section_key)
    if minutes is not None and minutes.status is MinutesStatus.APPROVED:
        return _approved(meeting)
    form = SectionDecisionForm(prefix=f"{section_key}-decision")
    if form.validate_on_submit():
        try:
            decision = decisions.record(meeting, minutes, section_key, form.text.data, current_user.id)
        except RuleError as exc:
            show_on_form(form, exc, "text")
        else:
            flash(_("Decision %(code)s recorded.", code=decision.code), "success")
            return _back_to(meeting, section_key)
    return _refused(meeting, minutes, section_key, "decision", form)


@bp.post("/meetings/<int:meeting_id>/minutes/edit/<section_key>/action")
@require(Right.MANAGE_ACTIONS)
def add_action(meeting_id: int, section_key: str):
    """Record an action agreed in the section being written, with its owners chosen by name."""
    meeting, minutes = _open_section(meeting_id, section_key)
    if minutes is not None and minutes.status is MinutesStatus.APPROVED:
        return _approved(meeting)
    form = SectionActionForm(prefix=f"{section_key}-action")
    if form.validate_on_submit():
        item_id = sections.item_id_of(section_key)
        on_agenda = any(item.id == item_id for item in meeting.agenda_items)
        data = form.action_data(meeting.id, item_id if on_agenda else None, section_key)
        try:
            action = actions.record(data, current_user.id)
        except RuleError as exc:
            show_on_form(form, exc)
        else:
            flash(_("The action A-%(id)d has been recorded.", id=action.id), "success")
            return _back_to(meeting, section_key)
    return _refused(meeting, minutes, section_key, "action", form)
