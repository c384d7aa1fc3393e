"""The partnership view kept between requests until what it is made of changes.

Making the view of 40 NMGs over 5 years reads 200 documents, and drawing its tables takes as long again;
both change only when a source is added, removed, fetched or uploaded (the partnership's token in
`figures_cache`), when a file of PARTNERSHIP_DIR is added, removed or rewritten, or when this group's own
document does. A request reads the token and a digest of each file (a file's time does not tell a rewrite
within the same few milliseconds, nor a copy that keeps the original's), compares this group's document
(kept within the minute by `figures_cache.document`) with the one the view was made with, and reuses the
view and the tables drawn in the reader's language.

Kept per process, as the self-assessment's figures are: each worker makes the view once after each change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale
from markupsafe import Markup

from ... import clock
from ..figures_cache import KEPT, PARTNERSHIP, current_token, document
from .sources import max_bytes
from .view import View, files, folder, view


@dataclass
class Kept:
    view: View
    #: this group's document the view was made with: a different one makes the view again
    own: dict[str, Any]
    #: parts of the page drawn from the view, by name
    drawn: dict[str, Markup] = field(default_factory=dict)

    def part(self, name: str, draw: Callable[[View], str]) -> Markup:
        """The part `name` of the page, drawn from this view the first time it is asked for."""
        if name not in self.drawn:
            self.drawn[name] = Markup(draw(self.view))
        return self.drawn[name]


_kept: dict[tuple[Any, ...], Kept] = {}


def _files_now() -> tuple[Any, ...]:
    """What tells the folder's files apart from those the view was made with: each one's name and a digest
    of what the view reads of it (a longer file is refused whatever comes after)."""
    stamps = []
    for path in files():
        try:
            with path.open("rb") as file:
                stamps.append((path.name, hashlib.blake2b(file.read(max_bytes() + 1)).digest()))
        except FileNotFoundError:
            continue  # removed since the folder was listed: the view made now does not read it either
    return str(folder()), tuple(stamps)


def kept() -> Kept:
    """The view of the sources, files and this group's document as they are now, made again only if one
    of them changed since it was last made in this process for the reader's language."""
    own = document(clock.local(clock.now()).year)
    key = (current_token(PARTNERSHIP), str(get_locale()), _files_now())
    found = _kept.get(key)
    # Compared, not identified: the group's document is made again every minute, and is mostly the same.
    if found is None or found.own != own:
        found = Kept(view(own), own)
        if len(_kept) >= KEPT or any(other[0] != key[0] for other in _kept):
            _kept.clear()
        _kept[key] = found
    return found
