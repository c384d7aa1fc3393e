"""The OpenAPI document and a page that lists its operations, served by the app itself: the site's
Content-Security-Policy admits no script from elsewhere, and a page rendered here needs none."""

from __future__ import annotations

import hashlib
import json

from flask import Response, render_template, request

from . import PREFIX, bp, paging
from .registry import OPERATIONS, document


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of the read API."""
    body = json.dumps(document(), ensure_ascii=False, indent=1).encode()
    response = Response(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body).hexdigest())
    response.headers["Cache-Control"] = "public, no-cache"
    return response.make_conditional(request)


@bp.get("/docs")
def docs():
    """The read API's operations, for a person."""
    return render_template("api/docs.html", operations=OPERATIONS, prefix=PREFIX, max_size=paging.MAX_SIZE)
