"""Where items go on an agenda: an opening first, then the approval of earlier minutes and matters arising,
then the team's items, and any other business last.

The opening is the first item when its title begins with "Welcome", "Opening", "Apertura" or "Benvenuto"
(or "Benvenuti"), in any case; an item with such a title further down was put there by the team and is
not an opening. Items are recognised by the kind the application gives them or by their title, in
English or Italian, so that an item the team wrote itself is not added a second time.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..models import AgendaItem

#: kinds of the items the application adds and keeps
APPROVAL = "minutes_approval"
MATTERS_ARISING = "matters_arising"


def _title_pattern(*starts: str) -> re.Pattern[str]:
    return re.compile(r"^\s*(?:" + "|".join(starts) + r")\b", re.IGNORECASE)


_OPENING = _title_pattern("welcome", "opening", "apertura", r"benvenut[oi]")
_APPROVAL = _title_pattern(r"approval of (?:the )?minutes", r"approvazione (?:del |dei )?verbal[ei]")
_ARISING = _title_pattern("matters arising", "seguiti della riunione precedente")
_AOB = _title_pattern("any other business", r"a\.?o\.?b\.?", "varie ed eventuali")

_TITLES = {APPROVAL: _APPROVAL, MATTERS_ARISING: _ARISING}


def opens_with_opening(items: list[AgendaItem]) -> bool:
    return bool(items) and bool(_OPENING.match(items[0].title))


def is_any_other_business(title: str) -> bool:
    return bool(_AOB.match(title))


def is_a(item: AgendaItem, kind: str) -> bool:
    """Whether the item is the application's item of `kind`, or the team's own item for the same."""
    return item.kind == kind or (not item.kind and bool(_TITLES[kind].match(item.title)))


def team_written(items: list[AgendaItem], kind: str) -> AgendaItem | None:
    """The team's own item for what the application is about to add, when it wrote one."""
    return next((item for item in items if not item.kind and _TITLES[kind].match(item.title)), None)


def place_of(items: list[AgendaItem], kind: str, title: str) -> int:
    """The index a new item takes: an approval after the opening and the approvals already there; matters
    arising after those; any other item before a last "any other business", unless it is one itself."""
    if kind in _TITLES:
        ahead: Callable[[AgendaItem], bool] = (
            (lambda item: is_a(item, APPROVAL))
            if kind == APPROVAL
            else (lambda item: is_a(item, APPROVAL) or is_a(item, MATTERS_ARISING))
        )
        index = 1 if opens_with_opening(items) else 0
        while index < len(items) and ahead(items[index]):
            index += 1
        return index
    if items and is_any_other_business(items[-1].title) and not is_any_other_business(title):
        return len(items) - 1
    return len(items)
