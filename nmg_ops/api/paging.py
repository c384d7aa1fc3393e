"""Pages of a list (`?page=` and `?size=`), and answers that a program can ask again cheaply: each answer
carries an ETag, the hash of its bytes, and the same request with `If-None-Match` gets a 304 while nothing
changed. The hash is of the bytes, so every worker gives the same tag for the same answer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Response, request, url_for
from flask_babel import gettext as _
from pydantic import BaseModel

from ..extensions import db
from ..forms import MAX_NUMBER
from .problems import ApiRefusal
from .schemas import Page, PageLinks

DEFAULT_SIZE = 20
MAX_SIZE = 100


@dataclass(frozen=True)
class PageRequest:
    number: int
    size: int


def _whole_number(name: str, default: int, highest: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and 1 <= len(raw) <= 10 and 1 <= int(raw) <= highest):
        raise ApiRefusal(
            400,
            _("%(name)s must be a whole number from 1 to %(highest)d.", name=name, highest=highest),
        )
    return int(raw)


def requested_page() -> PageRequest:
    """The page the request asks for; 400 for a page or size that is not a number in range."""
    return PageRequest(_whole_number("page", 1, MAX_NUMBER), _whole_number("size", DEFAULT_SIZE, MAX_SIZE))


def page_of(
    query: sa.Select, to_item: Callable[[Any], BaseModel], item: type[BaseModel], wanted: PageRequest
) -> Page:
    """One page of the query's rows as `item`s, with the links to its neighbours."""
    found = db.paginate(query, page=wanted.number, per_page=wanted.size, error_out=False, count=True)
    return Page[item](  # type: ignore[valid-type]
        items=[to_item(row) for row in found.items],
        page=wanted.number,
        size=wanted.size,
        total=found.total or 0,
        links=PageLinks(
            self=_link(wanted.number, wanted.size),
            next=_link(wanted.number + 1, wanted.size) if found.has_next else None,
            prev=_link(wanted.number - 1, wanted.size) if wanted.number > 1 else None,
        ),
    )


def _link(number: int, size: int) -> str:
    return url_for(request.endpoint or "", page=number, size=size, _external=True)


def json_answer(answer: BaseModel, is_personal: bool, links: Sequence[tuple[str, str]] = ()) -> Response:
    """The answer as JSON with its ETag, or a 304 to a reader whose copy is current."""
    body = json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")).encode()
    response = Response(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body).hexdigest())
    # A personal answer stays in the reader's own cache; either is checked with the server before reuse.
    response.headers["Cache-Control"] = "private, no-cache" if is_personal else "public, no-cache"
    response.headers["Vary"] = "Authorization, Cookie"
    if links:
        response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links)
    return response.make_conditional(request)


def page_links(page: Page) -> list[tuple[str, str]]:
    return [(rel, url) for rel, url in (("next", page.links.next), ("prev", page.links.prev)) if url]
