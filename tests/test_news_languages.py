"""The e-news in each of the group's languages: an English reader gets an English subject, the English
text where the team wrote it, the Italian text where it did not, and the editor knows which before sending."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
import sqlalchemy as sa

from nmg_ops.delivery.dispatcher import dispatch
from nmg_ops.extensions import db
from nmg_ops.models import (
    Language,
    NewsIssue,
    NewsIssueStatus,
    NewsSectionKind,
    NewsSectionText,
    NewsSubscriber,
    SubscriberStatus,
)
from nmg_ops.news import drafting, sending
from tests.fixtures.factories import PASSWORD

DECEMBER = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def italian_group(app):
    """The group writes in Italian, as the demo's; the suite's own group writes in English."""
    app.config["DEFAULT_LANGUAGE"] = "it"


def _editorial(issue: NewsIssue):
    return next(s for s in issue.sections if s.kind is NewsSectionKind.EDITORIAL)


def _drafted() -> NewsIssue:
    issue = drafting.draft_issue(DECEMBER)
    _editorial(issue).body = "Benvenuti al numero di dicembre."
    db.session.commit()
    return issue


def _editor(client, issue: NewsIssue) -> dict[str, str]:
    """The editor's form as a browser would post it back: its fields as the page fills them."""
    page = client.get(f"/news/issues/{issue.id}").get_data(as_text=True)
    start = page.index('id="editor"')
    form = page[start : page.index("</form>", start)]
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and (' type="checkbox"' not in tag or " checked" in tag):
            data[name.group(1)] = html.unescape(value.group(1)) if value else "y"
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\r?\n?(.*?)</textarea>', form, re.S):
        data[name] = html.unescape(value)
    data.pop("csrf_token", None)
    return data


def _mails_by_reader(outbox) -> dict[str, object]:
    return {m["To"].addresses[0].addr_spec: m for m in outbox()}


def test_the_draft_is_written_in_each_language_and_each_reader_gets_their_own_subject(app, outbox):
    db.session.add_all(
        [
            NewsSubscriber(
                email="reader@example.org", status=SubscriberStatus.CONFIRMED, language=Language.EN
            ),
            NewsSubscriber(
                email="lettore@example.org", status=SubscriberStatus.CONFIRMED, language=Language.IT
            ),
        ]
    )
    issue = _drafted()
    [text] = [t for t in _editorial(issue).texts if t.language == Language.EN]
    text.body = "Welcome to the December issue."
    db.session.commit()
    sending.send_now(issue)
    sending.queue_issue(issue)
    dispatch()
    mails = _mails_by_reader(outbox)
    english, italian = mails["reader@example.org"], mails["lettore@example.org"]
    assert english["Subject"] == "IT NMG e-news n. 1 — December 2026"
    assert italian["Subject"] == "E-news IT NMG n. 1 — dicembre 2026"
    english_text = english.get_body(("plain",)).get_content()
    assert "Welcome to the December issue." in english_text and "Benvenuti" not in english_text
    assert "Editorial" in english_text
    italian_text = italian.get_body(("plain",)).get_content()
    assert "Benvenuti al numero di dicembre." in italian_text and "Welcome" not in italian_text


def test_a_section_not_written_in_english_reaches_english_readers_in_italian_marked_as_such(app, outbox):
    db.session.add(
        NewsSubscriber(email="reader@example.org", status=SubscriberStatus.CONFIRMED, language=Language.EN)
    )
    issue = _drafted()
    sending.send_now(issue)
    sending.queue_issue(issue)
    dispatch()
    html = _mails_by_reader(outbox)["reader@example.org"].get_body(("html",)).get_content()
    assert "Benvenuti al numero di dicembre." in html
    # A screen reader reads the fallback with Italian voice, the frame with English.
    assert '<div lang="it">' in html and '<html lang="en" ' in html


def test_the_editor_writes_the_english_text_and_title_and_sees_what_is_not_translated(
    app, client, outbox, people
):
    issue = _drafted()
    assert client.post("/sign-in", data={"email": "ct@example.org", "password": PASSWORD}).status_code == 302
    page = client.get(f"/news/issues/{issue.id}").get_data(as_text=True)
    assert 'id="untranslated-en"' in page and "Editorial" in page.split('id="untranslated-en"')[1][:400]
    assert "Title in English" in page and "Text in English (Markdown)" in page
    data = _editor(client, issue)
    index = [s.id for s in issue.sections].index(_editorial(issue).id)
    data[f"sections-{index}-texts-0-body"] = "Welcome to the December issue."
    data["titles-0-title"] = "IT NMG news, December 2026"
    assert client.post(f"/news/issues/{issue.id}", data=data).status_code == 302
    db.session.expire_all()
    stored = db.session.scalar(
        sa.select(NewsSectionText).where(NewsSectionText.section_id == _editorial(issue).id)
    )
    assert (stored.language, stored.body) == (Language.EN, "Welcome to the December issue.")
    page = client.get(f"/news/issues/{issue.id}").get_data(as_text=True)
    assert 'id="untranslated-en"' not in page
    send_page = client.get(f"/news/issues/{issue.id}/send").get_data(as_text=True)
    assert 'id="untranslated-en"' not in send_page
    preview = client.get(f"/news/issues/{issue.id}/preview?edition=public&language=en&format=text").get_data(
        as_text=True
    )
    assert "IT NMG news, December 2026" in preview and "Welcome to the December issue." in preview


def test_saving_the_page_unchanged_changes_nothing(app, client, people):
    issue = _drafted()
    client.post("/sign-in", data={"email": "ct@example.org", "password": PASSWORD})
    version = issue.version
    response = client.post(f"/news/issues/{issue.id}", data=_editor(client, issue), follow_redirects=True)
    assert "Nothing was changed." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(NewsIssue, issue.id).version == version


def test_a_section_with_english_text_is_not_removed_by_mistake(app, client, people):
    issue = _drafted()
    calls = next(s for s in issue.sections if s.kind is NewsSectionKind.CALLS)
    [text] = calls.texts
    text.body = "The new call opens in January."
    db.session.commit()
    client.post("/sign-in", data={"email": "ct@example.org", "password": PASSWORD})
    data = _editor(client, issue)
    index = [s.id for s in issue.sections].index(calls.id)
    data[f"sections-{index}-remove"] = "y"
    response = client.post(f"/news/issues/{issue.id}", data=data)
    assert response.status_code == 422
    assert "Empty a section before removing it" in response.get_data(as_text=True)
    db.session.expire_all()
    assert calls.id in [s.id for s in db.session.get(NewsIssue, issue.id).sections]


def test_an_english_visitor_reads_the_archive_in_english(app, client):
    issue = _drafted()
    [text] = [t for t in _editorial(issue).texts if t.language == Language.EN]
    text.body = "Welcome to the December issue."
    issue.status = NewsIssueStatus.SENT
    db.session.commit()
    english = {"Accept-Language": "en"}
    page = client.get(f"/news/{issue.number}", headers=english).get_data(as_text=True)
    assert "IT NMG e-news n. 1 — December 2026" in page and "Welcome to the December issue." in page
    assert "Benvenuti" not in page
    assert "IT NMG e-news n. 1 — December 2026" in client.get("/news", headers=english).get_data(as_text=True)
    italian = client.get(f"/news/{issue.number}", headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert "Benvenuti al numero di dicembre." in italian and "dicembre 2026" in italian
