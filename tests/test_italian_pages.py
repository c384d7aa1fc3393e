"""Every page of the demo, as each role reads it in Italian, holds no English sentence the catalogue
translates: a string left unmarked, or put together from English pieces, shows up here."""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po
from werkzeug.exceptions import HTTPException

from nmg_ops.extensions import db
from nmg_ops.models import Language, Member
from tests.browser import crawl
from tests.browser.crawl import ROLES
from tests.fixtures.demo import DEMO_PASSWORD, put_demo

CATALOGUE = Path(__file__).resolve().parent.parent / "nmg_ops/translations/it/LC_MESSAGES/messages.po"
#: the feed is a download too, here where links are read from the page's text rather than followed
DOWNLOADS = (*crawl.DOWNLOADS, ".atom")
PAGES_PER_ROLE = 200
_PLACEHOLDER = re.compile(r"%\([^)]*\)[sd]|%[sd]|<[^>]+>|\{[^}]*\}")
_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)
_SHOWN_ATTRIBUTE = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"', re.I)
_LINK = re.compile(r'href="([^"#]+)"')


def _group_data() -> str:
    """Every text the group's records hold: what the group wrote in English is its choice, not ours."""
    texts = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, sa.String | sa.Text):
                texts += db.session.scalars(sa.select(column).distinct().where(column.is_not(None))).all()
    return "\n".join(map(str, texts))


def _english_phrases(data: str) -> set[str]:
    """The catalogue's English sentences of three words or more (the pieces between placeholders), that
    no Italian translation contains itself (a term kept in English on purpose) and the group's records do
    not hold."""
    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh, locale="it")
    italian = " ".join(
        " ".join(m.string) if isinstance(m.string, tuple) else (m.string or "") for m in catalogue if m.id
    )
    phrases = set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for msgid in filter(None, ids):
            for piece in _PLACEHOLDER.split(msgid):
                piece = " ".join(piece.strip(" .,:;!?()–—·\"'").split())
                if len(piece.split()) >= 3 and piece not in italian and piece not in data:
                    phrases.add(piece)
    return phrases


def _shown_text(page: str) -> str:
    visible = _HIDDEN.sub(" ", page)
    attributes = " ".join(_SHOWN_ATTRIBUTE.findall(visible))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", visible) + " " + attributes).split())


def _walk(client, adapter) -> dict[str, str]:
    """Each endpoint the role reaches from the start page, once: its address and the text it shows."""
    queue, seen, visited, shown = deque(["/"]), {"/"}, Counter(), {}
    while queue and len(shown) < PAGES_PER_ROLE:
        path = queue.popleft()
        try:
            endpoint, _ = adapter.match(urlsplit(path).path, method="GET")
        except HTTPException:
            continue
        if visited[endpoint]:
            continue
        response = client.get(path, follow_redirects=True)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        visited[endpoint] += 1
        page = response.get_data(as_text=True)
        shown[path] = _shown_text(page)
        for href in _LINK.findall(page):
            link, _ = urldefrag(urljoin(path, html.unescape(href)))
            parts = urlsplit(link)
            if parts.netloc or parts.path.endswith(DOWNLOADS) or parts.path.startswith("/static"):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return shown


@pytest.fixture
def italian_demo(app, tmp_path_factory):
    # The Italian NMG writes its own records (agenda items, e-news drafts) in Italian.
    app.config.update(DEFAULT_LANGUAGE="it", BABEL_DEFAULT_LOCALE="it")
    put_demo(app, tmp_path_factory)
    db.session.execute(sa.update(Member).values(language=Language.IT))
    db.session.commit()
    return app


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_reads_in_italian_without_english_sentences(italian_demo, role):
    client = italian_demo.test_client()
    if email := ROLES[role]:
        response = client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "it-IT,it;q=0.9"
    shown = _walk(client, italian_demo.url_map.bind("localhost"))
    assert len(shown) > (5 if email else 2), "the walk reached almost nothing"
    phrases = _english_phrases(_group_data())
    found = sorted(
        {(path, phrase) for path, text in shown.items() for phrase in phrases if phrase in text},
        key=lambda found: found[1],
    )
    assert not found, "English left in Italian pages:\n" + "\n".join(
        f"{p}: {phrase!r}" for p, phrase in found
    )
