"""The API's operations, registered once: each is a Flask route and an entry of the OpenAPI document, from
the same declaration, so that a route the document does not describe cannot exist.

Why not a library: see `docs/decisions/0027-read-api.md`. The schemas come from the pydantic models of
`schemas.py` (JSON Schema 2020-12, which OpenAPI 3.1 uses as it is).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app
from flask_babel import force_locale
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from . import paging
from .reading import current_reader, member_required
from .schemas import Page, Problem

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"


@dataclass(frozen=True)
class Operation:
    #: the route under the API's prefix, with no variables
    rule: str
    endpoint: str
    #: what it answers: the whole answer, or the item of each page
    model: type[BaseModel]
    summary: Any
    description: Any
    is_paged: bool
    for_member: bool

    @property
    def answer_model(self) -> type[BaseModel]:
        return Page[self.model] if self.is_paged else self.model  # type: ignore[name-defined]


OPERATIONS: list[Operation] = []


def read_operation(
    bp: Blueprint,
    rule: str,
    model: type[BaseModel],
    summary: Any,
    description: Any,
    *,
    paged: bool = False,
    for_member: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Serve `view(reader)` at `rule` and describe it. A paged view returns a query and a function that
    makes one item of a row; any other returns its answer."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        def endpoint() -> Any:
            reader = current_reader()
            if for_member:
                member_required(reader)
            if not paged:
                return paging.json_answer(view(reader), is_personal=for_member)
            wanted = paging.requested_page()
            query, to_item = view(reader)
            page = paging.page_of(query, to_item, model, wanted)
            return paging.json_answer(page, is_personal=for_member, links=paging.page_links(page))

        endpoint.__doc__ = view.__doc__
        endpoint.__name__ = view.__name__
        bp.add_url_rule(rule, view.__name__, endpoint, methods=["GET"])
        OPERATIONS.append(
            Operation(rule, f"{bp.name}.{view.__name__}", model, summary, description, paged, for_member)
        )
        return endpoint

    return decorator


_ERRORS = {
    "400": "The page or size asked for is not a whole number in range.",
    "401": "No token, or one that does not work (revoked, its member has left, mistyped).",
    "429": "Too many requests this minute; the Retry-After header says when to ask again.",
}


def _page_parameters() -> list[dict[str, Any]]:
    return [
        {
            "name": "page",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "default": 1},
        },
        {
            "name": "size",
            "in": "query",
            "required": False,
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": paging.MAX_SIZE,
                "default": paging.DEFAULT_SIZE,
            },
        },
    ]


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _path_item(operation: Operation, schema: dict[str, Any]) -> dict[str, Any]:
    errors = {"429": _ERRORS["429"], "401": _ERRORS["401"]}
    if operation.is_paged:
        errors["400"] = _ERRORS["400"]
    item: dict[str, Any] = {
        "operationId": operation.endpoint.split(".")[-1],
        "summary": str(operation.summary),
        "description": str(operation.description),
        "tags": ["member" if operation.for_member else "public"],
        "security": [{"bearerToken": []}] if operation.for_member else [{}, {"bearerToken": []}],
        "responses": {
            "200": {
                "description": "The answer; its ETag changes when it does.",
                "headers": {"ETag": {"schema": {"type": "string"}}},
                "content": {"application/json": {"schema": schema}},
            },
            "304": {"description": "Not modified since the ETag sent in If-None-Match."},
            **{status: _problem(text) for status, text in sorted(errors.items())},
        },
    }
    if operation.is_paged:
        item["parameters"] = _page_parameters()
    return {"get": item}


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of every registered operation, in English, the language of API docs."""
    models = [(operation.answer_model, "serialization") for operation in OPERATIONS]
    refs, definitions = models_json_schema(
        [*models, (Problem, "serialization")], ref_template="#/components/schemas/{model}"
    )
    config = current_app.config
    with force_locale("en"):
        paths = {
            operation.rule: _path_item(operation, refs[(operation.answer_model, "serialization")])
            for operation in OPERATIONS
        }
        return {
            "openapi": OPENAPI_VERSION,
            "info": {
                "title": f"{config['NMG_NAME']} read API",
                "version": API_VERSION,
                "description": (
                    "What the group publishes, for anyone; with a personal token (made on your profile), "
                    "what you may read on the site. Read-only, paginated, rate-limited."
                ),
            },
            "servers": [{"url": config["PUBLIC_URL"].rstrip("/") + "/api/v1"}],
            "paths": paths,
            "components": {
                "schemas": definitions.get("$defs", {}),
                "securitySchemes": {
                    "bearerToken": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "A personal API token, made on your profile page.",
                    }
                },
            },
        }
