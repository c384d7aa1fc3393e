"""A second look before an action that mails many people or cannot be taken back.

Confirming or cancelling a meeting, handing over the coordinator role, sending an e-news issue and
starting a written procedure each post twice: the first post changes nothing and answers with a page
that says what will happen and to how many people, holding the same form again with a "Confirm"
button; only the post that carries `CONFIRM_FIELD` does it. Plain HTML, so it works without JavaScript,
and a stray or replayed click on the first button never mails anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template, request
from flask_babel import lazy_gettext as _l

#: the field the confirmation page adds; the action is taken only when it says yes
CONFIRM_FIELD = "confirmed"
#: the optional message to the people told (a cancelled meeting's invitees)
NOTE_FIELD = "note"
NOTE_MAX = 2000
#: fields never echoed back: the page adds its own token and answer
_NOT_CARRIED = {"csrf_token", CONFIRM_FIELD, NOTE_FIELD}


@dataclass
class Question:
    """What the confirmation page says: a heading, what will happen, the button and the way back."""

    title: str
    summary: list[str]
    button: str
    back: str
    #: the label of an optional message field, or None for none
    note_label: str | None = None
    #: the message sent so far, shown again with its problem
    note_error: str | None = None
    style: str = "primary"
    warnings: list[str] = field(default_factory=list)


def is_confirmed() -> bool:
    """Whether the post comes from the confirmation page's button."""
    return request.form.get(CONFIRM_FIELD) == "yes"


def posted_note() -> tuple[str, str | None]:
    """The optional message, stripped, and what is wrong with it (None when nothing is)."""
    note = (request.form.get(NOTE_FIELD) or "").strip()
    if len(note) > NOTE_MAX:
        return note, str(_l("Keep the message under %(max)d characters.", max=NOTE_MAX))
    return note, None


def ask(question: Question):
    """The page that asks once; it posts the same fields again to the same address, confirmed."""
    carried = [(name, value) for name, value in request.form.items(multi=True) if name not in _NOT_CARRIED]
    note, _problem = posted_note()
    return render_template(
        "confirm.html",
        question=question,
        action=request.full_path.rstrip("?"),
        carried=carried,
        note=note,
        confirm_field=CONFIRM_FIELD,
        note_field=NOTE_FIELD,
        note_max=NOTE_MAX,
    )
