"""The demo's picture for the e-news image library, drawn rather than shipped: no binary in the source."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

#: what the banner shows, in the group's language, as the library requires of every picture
BANNER_ALT = "Banner verde e blu con la scritta «NMG Italia: un anno di lavoro»"


def banner() -> bytes:
    """A 1104 × 368 banner: the mail's column at twice its width, as the library keeps pictures."""
    width, height = 1104, 368
    picture = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(picture)
    for x in range(width):
        # From the partnership's green to its blue, left to right.
        share = x / (width - 1)
        colour = tuple(round(a + (b - a) * share) for a, b in zip((0, 122, 94), (20, 70, 160), strict=True))
        draw.line([(x, 0), (x, height)], fill=colour)
    font = ImageFont.load_default(size=72)
    draw.text((width / 2, height / 2), "NMG Italia: un anno di lavoro", fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()
