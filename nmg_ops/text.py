"""User-written text: Markdown (agendas, minutes, e-news) turned into HTML that is safe to show, and the
rule for single-line values (names, titles) that every way in applies."""

from __future__ import annotations

import unicodedata

import markdown
import nh3
from markupsafe import Markup

_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}


def render_markdown(text: str | None, *, images: bool = False) -> Markup:
    """Markdown to HTML, then through an allow-list: raw HTML, scripts and javascript: links are dropped.

    With `images` (the e-news), `![alt](https://…)` images are kept, from https addresses only: a mail
    that loads a plain-http image shows a warning in most mail apps, and data: images are a way to smuggle.
    """
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    attributes = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
    if images:
        attributes["img"] = {"src", "alt", "title", "width", "height"}
    cleaned = nh3.clean(
        html,
        tags=_TAGS | {"img"} if images else _TAGS,
        attributes=attributes,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_https_images_only,
    )
    # Safe to mark: nh3 has just removed everything outside the allow-list.
    return Markup(cleaned)


def _https_images_only(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.lower().startswith("https://"):
        return None
    return value


#: what ends a line for some reader of our output: mail headers, iCalendar, CSV, terminals and browsers
_LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})


def is_single_line(text: str) -> bool:
    """No line break of any kind (CR, LF, NEL, U+2028/9, vertical tab, form feed) and no control character."""
    return not any(unicodedata.category(ch) in _LINE_BREAKING for ch in text)


def fold(text: str) -> str:
    """Text as search compares it: lower case and without accents, so "attivita" finds "Attività" and
    "ATTIVITÀ" alike, on SQLite as on PostgreSQL (neither folds accents by itself)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Spreadsheets run a cell starting with one of these as a formula; exports defuse it with an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(value: str) -> str:
    """A cell a spreadsheet shows as text: an apostrophe before a character it would run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def rearm_formula(value: str) -> str:
    """Undo `defuse_formula` on import: exactly one apostrophe before a character a spreadsheet would run."""
    return value[1:] if value.startswith("'") and value[1:2] in FORMULA_STARTS else value
