"""The group's image library for the e-news: pictures uploaded once, each with the text that says what it
shows, and offered to the editor as the Markdown that puts them in an issue.

An upload is read by Pillow, never trusted by its name or claimed type: only a PNG, JPEG or GIF whose
pixels decode is taken, within `PIXELS_MAX` (a small file can declare a picture that fills the memory when
decoded). It is then written again as PNG or JPEG, at most `STORED_WIDTH` pixels wide, which drops what a
camera hides in the file (the place a photo was taken, the device) before it is served to anyone: e-news
images are public, because mail apps fetch them without signing in.
"""

from __future__ import annotations

import io
import re
import secrets
import warnings
from html.parser import HTMLParser

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from ..documents.storage import store
from ..errors import RuleError
from ..extensions import db
from ..i18n import format_size
from ..models import Member, NewsImage, NewsIssue, NewsSection, NewsSectionText
from ..text import render_markdown

#: largest file taken, in bytes (below the requests' MAX_CONTENT_LENGTH, so that the form can say so)
UPLOAD_MAX = 3 * 1_048_576
#: largest picture decoded, in pixels: a 40-megapixel photo, far beyond any mail
PIXELS_MAX = 40_000_000
#: widest picture kept: twice the mail's column, sharp on high-density screens
STORED_WIDTH = 1104
#: the width of the mail's column in CSS pixels; Outlook on Windows ignores CSS and needs it written
MAIL_WIDTH = 552
ALT_MAX = 300

_TAKEN = {"PNG", "JPEG", "GIF"}


def library() -> list[NewsImage]:
    return list(db.session.scalars(sa.select(NewsImage).order_by(NewsImage.uploaded_at.desc(), NewsImage.id)))


def image_by_key(public_key: str) -> NewsImage | None:
    return db.session.scalar(sa.select(NewsImage).where(NewsImage.public_key == public_key))


def path(image: NewsImage) -> str:
    return f"/news/images/{image.public_key}.{image.extension}"


def public_url(image: NewsImage) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path(image)


def markdown(image: NewsImage) -> str:
    """What the editor pastes into a section: the description in brackets, escaped so it stays text, and
    the picture's address on this site, which every mail and feed writes in full on PUBLIC_URL when it is
    sent, so that the text still holds if the site moves."""
    alt = re.sub(r"([\\\[\]])", r"\\\1", image.alt)
    return f"![{alt}]({path(image)})"


def _decoded(data: bytes) -> Image.Image:
    refused = RuleError(_l("This file is not a PNG, JPEG or GIF picture, or it is damaged."), "file")
    too_large = RuleError(
        _l(
            "This picture has more than %(megapixels)d million pixels; make it smaller first.",
            megapixels=PIXELS_MAX // 1_000_000,
        ),
        "file",
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own limit, and refuses past twice that; ours is lower, and checked on
            # the size the header declares, before anything is decoded.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
            if picture.format not in _TAKEN:
                raise refused
            if picture.width * picture.height > PIXELS_MAX:
                raise too_large
            picture.load()
    except Image.DecompressionBombError:
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise refused from None
    return picture


def _reencoded(source: Image.Image) -> tuple[bytes, str, int, int]:
    """The picture upright, at most STORED_WIDTH wide, written again without its metadata: a photo as
    JPEG, anything else (drawings, logos, transparency) as PNG."""
    photo = source.format == "JPEG"
    picture = ImageOps.exif_transpose(source)
    clear = "A" in picture.getbands() or "transparency" in picture.info
    picture = picture.convert("RGBA" if clear and not photo else "RGB")
    if picture.width > STORED_WIDTH:
        height = max(1, round(picture.height * STORED_WIDTH / picture.width))
        picture = picture.resize((STORED_WIDTH, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if photo:
        picture.save(out, "JPEG", quality=85, optimize=True)
    else:
        picture.save(out, "PNG", optimize=True)
    return out.getvalue(), "image/jpeg" if photo else "image/png", picture.width, picture.height


def too_large_message() -> str:
    return _("This file is larger than %(size)s, the largest picture taken.", size=format_size(UPLOAD_MAX))


def add_image(data: bytes, alt: str, uploader: Member | None) -> NewsImage:
    """A picture into the library, with its description; RuleError on the field at fault."""
    alt = " ".join(alt.split())
    if not alt:
        raise RuleError(_l("Say what the picture shows, for readers who cannot see it."), "alt")
    if len(data) > UPLOAD_MAX:
        raise RuleError(too_large_message(), "file")
    stored, content_type, width, height = _reencoded(_decoded(data))
    public_key = secrets.token_urlsafe(16)
    image = NewsImage(
        public_key=public_key,
        storage_key=f"news-images/{public_key}",
        content_type=content_type,
        size=len(stored),
        width=width,
        height=height,
        alt=alt[:ALT_MAX],
        uploaded_by=uploader,
    )
    store().put(image.storage_key, stored, content_type)
    db.session.add(image)
    db.session.flush()
    return image


def issues_showing(image: NewsImage) -> list[str]:
    """The titles of the issues whose text, in any language, shows the image."""
    mention = f"%/news/images/{image.public_key}.%"
    in_sections = sa.select(NewsSection.issue_id).where(NewsSection.body.like(mention))
    in_texts = (
        sa.select(NewsSection.issue_id)
        .join(NewsSectionText, NewsSectionText.section_id == NewsSection.id)
        .where(NewsSectionText.body.like(mention))
    )
    ids = sa.union(in_sections, in_texts).subquery()
    query = (
        sa.select(NewsIssue.title).where(NewsIssue.id.in_(sa.select(ids.c.issue_id))).order_by(NewsIssue.id)
    )
    return list(db.session.scalars(query))


def remove(image: NewsImage) -> None:
    """Out of the library, bytes and all, unless an issue shows it."""
    showing = issues_showing(image)
    if showing:
        raise RuleError(
            _l("%(issues)s show this picture; take it out of their text first.", issues=", ".join(showing))
        )
    key = image.storage_key
    db.session.delete(image)
    db.session.flush()
    store().delete(key)


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.alts.append((dict(attrs).get("alt") or "").strip())


def undescribed(text: str | None) -> int:
    """How many images of a Markdown text say nothing of what they show."""
    parser = _Images()
    parser.feed(str(render_markdown(text, images=True)))
    return sum(1 for alt in parser.alts if not alt)


_LIBRARY_IMAGE = re.compile(r'<img\b[^>]*\bsrc="[^"]*/news/images/([A-Za-z0-9_-]{10,32})\.(?:png|jpg)"')


def sized_for_mail(html: str) -> str:
    """Library images with their width and height written in: Outlook on Windows reads no CSS and would
    show a picture at its full size, wider than the mail."""
    keys = set(_LIBRARY_IMAGE.findall(html))
    if not keys:
        return html
    found = db.session.scalars(sa.select(NewsImage).where(NewsImage.public_key.in_(keys)))
    sizes = {image.public_key: image for image in found}

    def sized(match: re.Match[str]) -> str:
        image = sizes.get(match.group(1))
        if image is None:
            return match.group(0)
        width = min(image.width, MAIL_WIDTH)
        height = round(image.height * width / image.width)
        return f'{match.group(0)} width="{width}" height="{height}"'

    return _LIBRARY_IMAGE.sub(sized, html)
