"""An uploaded file carried from its preview page to the confirmation, inside the form.

The preview sends the file back compressed: Flask caps a form field (MAX_FORM_MEMORY_SIZE) well below the
upload limit, and CSV files compress several times over. Nothing is stored between the two requests, so
nothing is left behind when the person never confirms.
"""

from __future__ import annotations

import base64
import zlib

from flask import current_app


def pack(text: str) -> str:
    return base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def unpack(value: str) -> str | None:
    """The file content a preview sent back, or None if it was damaged or would inflate beyond the limit."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(base64.urlsafe_b64decode(value.encode("ascii")), limit + 1 if limit else 0)
        if not inflater.eof or (limit and len(data) > limit):
            return None
        return data.decode("utf-8")
    except (ValueError, zlib.error):
        return None


def fits_in_a_form(packed: str) -> bool:
    limit = current_app.config.get("MAX_FORM_MEMORY_SIZE")
    # Room for the CSRF token and the field name next to the content.
    return not limit or len(packed) < limit - 1024
