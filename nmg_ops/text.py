"""User-written text: Markdown (agendas, minutes, e-news) turned into HTML that is safe to show, and the
rule for single-line values (names, titles) that every way in applies."""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urljoin, urlsplit

import markdown
import nh3
from markdown.inlinepatterns import HTML_RE, HtmlInlineProcessor
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


_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


class _AllowedHtmlOnly(HtmlInlineProcessor):
    """Raw HTML the allow-list keeps passes as markup; anything else (`<caratteri>`, `<script>`, a comment)
    stays text, shown as typed: nh3 would drop an unknown tag and the words with it."""

    def __init__(self, md: markdown.Markdown, allowed: frozenset[str]) -> None:
        super().__init__(HTML_RE, md)
        self.allowed = allowed

    def handleMatch(self, m, data):  # type: ignore[no-untyped-def]
        name = _TAG_NAME.match(m.group(1))
        if name and name.group(1).lower() in self.allowed:
            return super().handleMatch(m, data)
        return None, None, None


def _to_html(text: str, allowed: frozenset[str]) -> str:
    md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    # Block-level raw HTML would pass whole, tags and all, to nh3; read as text, its allowed tags still
    # count as markup through the inline rule.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.register(_AllowedHtmlOnly(md, allowed), "html", 90)
    return md.convert(text)


def render_markdown(text: str | None, *, images: bool = False, base_url: str | None = None) -> Markup:
    """Markdown to HTML, then through an allow-list: scripts and javascript: links are dropped, and raw HTML
    outside the allow-list is shown as the text it was typed as.

    With `images` (the e-news), `![alt](https://…)` images are kept, from https addresses (or the site of
    `base_url`) only: a mail that loads a plain-http image shows a warning in most mail apps, and data:
    images are a way to smuggle. With `base_url` (a mail, read far from the site), relative links and
    images are resolved against it, as the page at that address would.
    """
    tags = _TAGS | {"img"} if images else _TAGS
    attributes = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
    if images:
        attributes["img"] = {"src", "alt", "title", "width", "height"}
    cleaned = nh3.clean(
        _to_html(text or "", frozenset(tags)),
        tags=tags,
        attributes=attributes,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_UrlFilter(base_url),
    )
    # Safe to mark: nh3 has just removed everything outside the allow-list.
    return Markup(cleaned)


#: what Markdown reads as markup in running text: escaped where plain text goes into Markdown
_MARKDOWN_MARKS = re.compile(r"([\\`*_\[\]<>#|!])")


def plain_start(text: str | None, length: int) -> str:
    """The first words of a Markdown text as plain text, cut at a word within `length` characters with an
    ellipsis, written again as Markdown that shows them as they read (the e-news quotes a summary)."""
    plain = html.unescape(nh3.clean(render_markdown(text), tags=set()))
    words = " ".join(plain.split())
    if len(words) > length:
        words = words[: length + 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
    return _MARKDOWN_MARKS.sub(r"\\\1", words)


def absolute_url(target: str, base_url: str) -> str:
    """`target` as the page at `base_url` would resolve it; an address with a scheme stays as it is."""
    return target if urlsplit(target).scheme else urljoin(base_url, target)


#: the target of an inline link or image, `](target`, and of a reference definition, `[name]: target`
_LINK_TARGETS = re.compile(r"(\]\(\s*<?)([^\s()<>]+)|^( {0,3}\[[^\]]+\]:\s*<?)(\S+?)(?=>|\s|$)", re.MULTILINE)


def absolute_markdown(text: str, base_url: str) -> str:
    """The Markdown with its relative link and image targets resolved against `base_url`: the text of a
    mail, where a reader sees and follows the address as it is written."""

    def resolve(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return m.group(1) + absolute_url(m.group(2), base_url)
        return m.group(3) + absolute_url(m.group(4), base_url)

    return _LINK_TARGETS.sub(resolve, text)


class _UrlFilter:
    """nh3's look at each kept attribute: addresses resolved against the base, and images only from
    https or from the site itself, whose address the group chose (PUBLIC_URL, https in production)."""

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.own_site = urljoin(base_url, "/") if base_url else None

    def __call__(self, tag: str, attribute: str, value: str) -> str | None:
        if attribute in {"href", "src"} and self.base_url:
            value = absolute_url(value, self.base_url)
        if tag == "img" and attribute == "src":
            own = self.own_site is not None and value.startswith(self.own_site)
            if not (own or value.lower().startswith("https://")):
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
