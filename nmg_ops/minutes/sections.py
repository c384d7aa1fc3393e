"""A meeting's minutes follow its agenda: an opening, one section per agenda item, any other business.

Sections are keyed by the agenda item's id, so that reordering the agenda keeps each text with its item.
Text written under an item that was later removed from the agenda is still shown, under the title
"Removed agenda item": no text is lost by changing the agenda.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..models import AgendaItem, Meeting

OPENING = "opening"
OTHER_BUSINESS = "aob"
ITEM_PREFIX = "item-"


@dataclass
class Section:
    key: str
    title: str
    text: str = ""
    number: str = ""
    agenda_item: AgendaItem | None = None
    comments: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    actions: list = field(default_factory=list)


def item_key(item: AgendaItem) -> str:
    return f"{ITEM_PREFIX}{item.id}"


def item_id_of(key: str) -> int | None:
    suffix = key.removeprefix(ITEM_PREFIX)
    return int(suffix) if key.startswith(ITEM_PREFIX) and suffix.isascii() and suffix.isdigit() else None


def layout(meeting: Meeting, texts: dict[str, str] | None = None) -> list[Section]:
    """The sections in the order of the meeting, each with its text; orphaned texts come last."""
    texts = texts or {}
    sections = [Section(OPENING, str(_l("Opening")), texts.get(OPENING, ""))]
    for item in meeting.agenda_items:
        key = item_key(item)
        sections.append(Section(key, item.title, texts.get(key, ""), str(item.position), item))
    sections.append(Section(OTHER_BUSINESS, str(_l("Any other business")), texts.get(OTHER_BUSINESS, "")))
    known = {section.key for section in sections}
    sections.extend(
        Section(key, str(_l("Removed agenda item")), text)
        for key, text in sorted(texts.items())
        if key not in known and text
    )
    return sections


def keys(meeting: Meeting, texts: dict[str, str] | None = None) -> list[str]:
    return [section.key for section in layout(meeting, texts)]


def title_of(meeting: Meeting, key: str) -> str:
    for section in layout(meeting):
        if section.key == key:
            return f"{section.number}. {section.title}" if section.number else section.title
    return str(_l("Removed agenda item"))
