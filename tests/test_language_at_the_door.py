"""The language switch on the sign-in page and the public pages, and the confirmation page's language."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from nmg_ops import clock
from nmg_ops.delivery.dispatcher import dispatch
from nmg_ops.extensions import db
from nmg_ops.i18n import LANGUAGE_COOKIE
from nmg_ops.models import NewsSubscriber, SubscriberStatus
from nmg_ops.news.tokens import confirm_token

ITALIAN_BROWSER = {"Accept-Language": "it-IT,it;q=0.9"}
ENGLISH_BROWSER = {"Accept-Language": "en-GB,en;q=0.9"}


def _lang(page) -> str:
    return re.search(r'<html lang="(\w+)"', page.get_data(as_text=True))[1]


@pytest.mark.parametrize("path", ["/sign-in", "/news", "/news/subscribe", "/privacy"])
def test_every_public_page_offers_the_switch_back_to_itself(client, path):
    page = client.get(path, headers=ITALIAN_BROWSER).get_data(as_text=True)
    assert f'href="/language/en?next={path}"' in page
    assert ">English</a>" in page and ">Italiano</a>" in page


def test_the_switch_sets_the_language_of_the_visitors_next_pages(client):
    assert _lang(client.get("/sign-in", headers=ITALIAN_BROWSER)) == "it"
    response = client.get("/language/en?next=/news/subscribe", headers=ITALIAN_BROWSER)
    assert response.status_code == 302
    assert response.headers["Location"] == "/news/subscribe"
    for path in ("/news/subscribe", "/news", "/sign-in", "/privacy"):
        page = client.get(path, headers=ITALIAN_BROWSER)
        assert _lang(page) == "en", path
    assert "Sign in" in client.get("/sign-in", headers=ITALIAN_BROWSER).get_data(as_text=True)
    client.get("/language/it", headers=ENGLISH_BROWSER)
    page = client.get("/sign-in", headers=ENGLISH_BROWSER)
    assert _lang(page) == "it" and "Accedi" in page.get_data(as_text=True)


def test_a_signed_in_members_preference_wins_over_the_switch(client, make_member, sign_in):
    client.get("/language/en")
    sign_in(make_member(email="it@example.org", language="it"))
    page = client.get("/members/", headers=ENGLISH_BROWSER)
    assert _lang(page) == "it"
    assert "/language/en" not in page.get_data(as_text=True)


@pytest.mark.parametrize("code", ["de", "EN", "xx-evil", "en%0d%0aSet-Cookie:x=1"])
def test_an_unknown_language_is_refused_and_changes_nothing(client, code):
    response = client.get(f"/language/{code}", headers=ITALIAN_BROWSER)
    assert response.status_code in (400, 404)
    assert LANGUAGE_COOKIE not in response.headers.get("Set-Cookie", "")
    assert _lang(client.get("/sign-in", headers=ITALIAN_BROWSER)) == "it"


def test_a_forged_cookie_falls_back_to_the_browser(client):
    client.set_cookie(LANGUAGE_COOKIE, "klingon")
    assert _lang(client.get("/sign-in", headers=ENGLISH_BROWSER)) == "en"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "/\t/evil.example", "javascript:x"],
)
def test_the_switch_never_leads_off_the_site(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert not location.netloc and location.path == "/"
    assert _lang(client.get("/sign-in", headers=ITALIAN_BROWSER)) == "en"


def _pending(email: str, language: str) -> NewsSubscriber:
    row = NewsSubscriber(
        email=email,
        language=language,
        status=SubscriberStatus.PENDING,
        created_at=clock.now(),
        confirm_nonce="n" * 32,
        confirm_sent_at=clock.now(),
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.mark.parametrize(
    ("language", "browser", "words"),
    [("en", ITALIAN_BROWSER, "Confirm your subscription"), ("it", ENGLISH_BROWSER, "Conferma")],
)
def test_the_confirmation_page_speaks_the_subscriptions_language_whatever_the_browser(
    client, language, browser, words
):
    row = _pending(f"{language}@example.org", language)
    page = client.get(f"/news/confirm/{confirm_token(row.id, row.confirm_nonce)}", headers=browser)
    assert page.status_code == 200
    assert _lang(page) == language
    assert words in page.get_data(as_text=True)


def test_subscribing_in_english_from_an_italian_browser_gets_english_mail_and_page(client, outbox):
    client.post(
        "/news/subscribe",
        data={"name": "", "email": "ed@example.org", "language": "en", "consent": "y", "website": ""},
        headers=ITALIAN_BROWSER,
    )
    dispatch()
    [mail] = outbox()
    assert mail["Subject"].startswith("Confirm your subscription")
    text = mail.get_body(("plain",)).get_content()
    link = urlsplit(re.search(r"https?://\S+/news/confirm/\S+", text)[0]).path
    assert _lang(client.get(link, headers=ITALIAN_BROWSER)) == "en"
