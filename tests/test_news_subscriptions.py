"""E-news subscriptions: double opt-in, unsubscribing from the mail, the member's choice, the team's import,
suppressed addresses and the purge of requests never confirmed."""

from __future__ import annotations

import io
import logging
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.models import (
    ConsentEvent,
    DeliveryStatus,
    Member,
    NewsConsent,
    NewsEdition,
    NewsSubscriber,
    NewsSubscriptionRequest,
    NewsSuppression,
    OutboundMessage,
    SubscriberStatus,
)
from nmg_ops.news import subscriptions, suppressions
from nmg_ops.news.tokens import unsubscribe_token
from nmg_ops.scheduler import JOBS, run_job

NEUTRAL = "If the address can receive the e-news"


def subscribe(client, email: str, **fields):
    data = {"name": "", "email": email, "language": "en", "consent": "y", "website": "", **fields}
    return client.post("/news/subscribe", data=data)


def link_in(message) -> str:
    """The path of the confirmation link in a mail's text part."""
    text = message.get_body(("plain",)).get_content()
    return urlsplit(re.search(r"https?://\S+/news/confirm/\S+", text)[0]).path


def subscriber(email: str) -> NewsSubscriber | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(NewsSubscriber).where(NewsSubscriber.email == email))


def consents(email: str) -> list[tuple[ConsentEvent, str]]:
    db.session.expire_all()
    return [(line.event, line.source) for line in subscriptions.consent_history(email)]


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def confirmed(email: str, name: str = "") -> NewsSubscriber:
    row = NewsSubscriber(
        email=email, name=name, status=SubscriberStatus.CONFIRMED, confirmed_at=clock.now(), confirm_nonce="x"
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.mark.smtp
def test_double_opt_in_from_the_page_to_the_mail_to_the_confirmation(client, smtp_sink):
    response = subscribe(client, " Anna.Rossi@Example.ORG ", name="Anna Rossi", language="it")
    assert response.status_code == 302
    assert NEUTRAL in client.get(response.headers["Location"]).get_data(as_text=True)
    [received] = smtp_sink.received
    assert received.rcpt_tos == ["anna.rossi@example.org"]
    assert "e-news" in received.message["Subject"]
    assert subscriber("anna.rossi@example.org").status is SubscriberStatus.PENDING

    link = link_in(received.message)
    page = client.get(link)
    assert page.status_code == 200
    assert 'id="confirm"' in page.get_data(as_text=True)
    assert subscriber("anna.rossi@example.org").status is SubscriberStatus.PENDING, (
        "opening is not confirming"
    )

    done = client.post(link)
    assert done.status_code == 200
    assert "Iscrizione confermata" in done.get_data(as_text=True), "asked in Italian, confirmed in Italian"
    row = subscriber("anna.rossi@example.org")
    assert row.status is SubscriberStatus.CONFIRMED
    assert row.confirmed_at is not None
    history = subscriptions.consent_history(row.email)
    assert [(line.event, line.source) for line in history] == [
        (ConsentEvent.REQUESTED, "subscription page from 127.0.0.1"),
        (ConsentEvent.GIVEN, "confirmation link from 127.0.0.1"),
    ]
    assert "annullare l'iscrizione in qualsiasi momento" in history[1].wording
    assert client.post(link).status_code == 200
    assert len(consents(row.email)) == 2, "confirming twice records the consent once"


def test_an_expired_link_says_so_and_offers_to_subscribe_again(client, outbox, monkeypatch):
    subscribe(client, "late@example.org")
    link = link_in(outbox()[-1])
    later = clock.now() + timedelta(days=8)
    monkeypatch.setattr(clock, "now", lambda: later)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 410
        page = response.get_data(as_text=True)
        assert "expired" in page
        assert 'href="/news/subscribe"' in page
    assert subscriber("late@example.org").status is SubscriberStatus.PENDING


def test_a_new_request_voids_the_older_link(client, outbox):
    subscribe(client, "twice@example.org")
    first = link_in(outbox()[-1])
    subscribe(client, "twice@example.org")
    second = link_in(outbox()[-1])
    assert first != second
    refused = client.post(first)
    assert refused.status_code == 410
    assert "newer" in refused.get_data(as_text=True)
    assert subscriber("twice@example.org").status is SubscriberStatus.PENDING
    assert client.post(second).status_code == 200
    assert subscriber("twice@example.org").status is SubscriberStatus.CONFIRMED


def test_a_forged_confirmation_link_is_refused_with_a_reason(client):
    response = client.get("/news/confirm/forged-token")
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)


def test_the_page_answers_the_same_for_new_pending_confirmed_and_member_addresses(
    client, outbox, make_member
):
    make_member(email="member@example.org")
    confirmed("reader@example.org")
    subscribe(client, "pending@example.org")
    mails_before = len(outbox())
    answers = {}
    for email in ("new@example.org", "pending@example.org", "reader@example.org", "member@example.org"):
        response = subscribe(client, email)
        answers[email] = (response.status_code, response.headers["Location"])
    assert len(set(answers.values())) == 1
    mails = {mail["To"]: mail for mail in outbox()[mails_before:]}
    assert sorted(mails) == [
        "member@example.org",
        "new@example.org",
        "pending@example.org",
        "reader@example.org",
    ]
    # Only the address's owner reads which mail it was: a confirmation link, or "nothing to do".
    already = mails["reader@example.org"].get_body(("plain",)).get_content()
    assert "Lo riceve già" in already and "/news/confirm/" not in already, "in the subscriber's language"
    assert "/news/confirm/" in mails["new@example.org"].get_body(("plain",)).get_content()
    assert subscriber("reader@example.org").status is SubscriberStatus.CONFIRMED
    assert consents("reader@example.org") == [], "a confirmed subscriber's record is not touched"


def test_a_filled_honeypot_gets_the_same_answer_and_nothing_is_kept(client, outbox):
    page = client.get("/news/subscribe").get_data(as_text=True)
    assert re.search(r"<div hidden>[^<]*<div[^>]*>\s*<label[^>]*for=\"website\"", page)
    normal = subscribe(client, "person@example.org")
    trap = subscribe(client, "bot@example.org", website="https://spam.example/")
    assert (trap.status_code, trap.headers["Location"]) == (normal.status_code, normal.headers["Location"])
    assert subscriber("bot@example.org") is None
    assert consents("bot@example.org") == []
    assert [mail["To"] for mail in outbox()] == ["person@example.org"]


def test_requests_from_one_client_are_limited_per_hour_with_the_same_answer(app, client, outbox, monkeypatch):
    app.config["NEWS_SUBSCRIBE_MAX_PER_HOUR"] = 2
    answers = {
        (r.status_code, r.headers["Location"])
        for r in (subscribe(client, f"p{n}@example.org") for n in range(3))
    }
    assert len(answers) == 1
    assert subscriber("p2@example.org") is None
    assert len(outbox()) == 2
    other = app.test_client()
    other_answer = other.post(
        "/news/subscribe",
        data={"email": "elsewhere@example.org", "language": "en", "consent": "y"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert other_answer.status_code == 302
    assert subscriber("elsewhere@example.org") is not None, "another client is not limited"

    later = clock.now() + timedelta(hours=1, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    subscribe(client, "p2@example.org")
    assert subscriber("p2@example.org") is not None


def test_confirmed_pending_and_unknown_addresses_are_throttled_alike_and_answered_alike(app, outbox):
    """Each requester, from its own network address, asks three times for one address, then for another."""
    app.config["NEWS_SUBSCRIBE_MAX_PER_HOUR"] = 2
    confirmed("reader@example.org")
    subscribe(app.test_client(), "pending@example.org")
    seen = {}
    for n, (state, email) in enumerate(
        [
            ("confirmed", "reader@example.org"),
            ("pending", "pending@example.org"),
            ("unknown", "new@example.org"),
        ]
    ):
        requester = app.test_client()
        mails_before = len(outbox())
        answers = [
            requester.post(
                "/news/subscribe",
                data={"name": "", "email": address, "language": "en", "consent": "y", "website": ""},
                environ_base={"REMOTE_ADDR": f"198.51.100.{n + 10}"},
                follow_redirects=True,
            )
            for address in (email, email, email, f"another-{state}@example.org")
        ]
        pages = [
            (r.status_code, r.request.path, re.sub(r'name="csrf_token"[^>]*', "", r.get_data(as_text=True)))
            for r in answers
        ]
        mailed = [mail["To"] for mail in outbox()[mails_before:]]
        seen[state] = (pages, [address == email for address in mailed])
        assert subscriber(f"another-{state}@example.org") is None, f"the {state} address counted"
    assert seen["confirmed"] == seen["pending"] == seen["unknown"]
    pages, mailed = seen["unknown"]
    assert len({page for page in pages}) == 1 and pages[0][:2] == (200, "/news/subscribe/check-your-mail")
    assert mailed == [True, True], "two requests under the limit mail the address; the others nothing"


def test_the_form_refuses_what_is_not_an_address_and_a_missing_consent(client):
    response = subscribe(client, "not an address", consent="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "not an e-mail address" in page
    assert "Tick the box" in page
    assert count(NewsSubscriber) == 0


@pytest.fixture
def csrf_app(database_url, tmp_path):
    """The application with CSRF protection on, as in production; its engine closed afterwards."""
    from tests.fixtures.database import app_for

    app = app_for(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_one_click_post_needs_no_session_nor_csrf_token_and_is_idempotent(app, csrf_app):
    reader = confirmed("reader@example.org")
    token = unsubscribe_token(NewsEdition.PUBLIC, reader.id, reader.email)
    mail_program = csrf_app.test_client()
    for _ in range(2):
        response = mail_program.post(f"/news/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
    row = subscriber("reader@example.org")
    assert row.status is SubscriberStatus.UNSUBSCRIBED
    assert row.unsubscribed_at is not None
    assert consents(row.email) == [(ConsentEvent.WITHDRAWN, "one-click unsubscribe")]
    # Only this route is exempt: the confirmation form still needs its token.
    assert mail_program.post("/news/confirm/anything").status_code == 400


def test_opening_the_unsubscribe_link_shows_the_subscription_and_changes_nothing(client, outbox):
    subscribe(client, "reader@example.org")
    client.post(link_in(outbox()[-1]))
    row = subscriber("reader@example.org")
    token = unsubscribe_token(NewsEdition.PUBLIC, row.id, row.email)
    page = client.get(f"/news/unsubscribe/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="unsubscribe"' in html
    assert "confirmation link from 127.0.0.1" in html, "the consent history is shown"
    assert subscriber("reader@example.org").status is SubscriberStatus.CONFIRMED

    done = client.post(f"/news/unsubscribe/{token}")
    assert "You are unsubscribed" in done.get_data(as_text=True)
    assert subscriber("reader@example.org").status is SubscriberStatus.UNSUBSCRIBED
    assert consents(row.email)[-1] == (ConsentEvent.WITHDRAWN, "unsubscribe page from 127.0.0.1")


def test_after_unsubscribing_an_unused_confirmation_link_does_not_subscribe_again(client, outbox):
    subscribe(client, "reader@example.org")
    link = link_in(outbox()[-1])
    client.post(link)
    row = subscriber("reader@example.org")
    client.post(f"/news/unsubscribe/{unsubscribe_token(NewsEdition.PUBLIC, row.id, row.email)}")
    refused = client.post(link)
    assert refused.status_code == 410
    assert "unsubscribed after this link was sent" in refused.get_data(as_text=True)
    assert subscriber("reader@example.org").status is SubscriberStatus.UNSUBSCRIBED


def test_a_member_stops_the_members_edition_from_the_mail_even_after_leaving(client, make_member):
    current = make_member(email="current@example.org")
    former = make_member(email="former@example.org", left_on=clock.today() - timedelta(days=90))
    for member in (current, former):
        token = unsubscribe_token(NewsEdition.MEMBERS, member.id, member.email)
        assert client.get(f"/news/unsubscribe/{token}").status_code == 200
        assert (
            client.post(f"/news/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}).status_code
            == 200
        )
        db.session.refresh(member)
        assert member.news_opt_out
        [line] = subscriptions.consent_history(member.email)
        assert (line.edition, line.event) == (NewsEdition.MEMBERS, ConsentEvent.WITHDRAWN)


def test_an_unsubscribe_link_for_a_changed_address_or_a_forged_one_is_refused(client, make_member):
    member = make_member(email="old@example.org")
    token = unsubscribe_token(NewsEdition.MEMBERS, member.id, member.email)
    member.email = "new@example.org"
    db.session.commit()
    for path in (f"/news/unsubscribe/{token}", "/news/unsubscribe/forged"):
        response = client.post(path, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 404
        assert "not valid" in response.get_data(as_text=True)
    db.session.refresh(member)
    assert not member.news_opt_out


def test_an_unsubscribe_link_reads_as_nothing_and_differs_each_time(client, outbox, make_member):
    import base64
    import hashlib

    member = make_member(email="private@example.org")
    tokens = {unsubscribe_token(NewsEdition.MEMBERS, member.id, member.email) for _ in range(2)}
    assert len(tokens) == 2, "two links for one person do not look alike"
    address_hash = hashlib.sha256(member.email.encode()).hexdigest()
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
        opened = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        for readable in (token.encode(), opened):
            assert b"private" not in readable and address_hash[:12].encode() not in readable
            assert str(member.id).encode() + b"," not in readable and b'"i"' not in readable
        assert (
            client.post(f"/news/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}).status_code
            == 200
        )
    db.session.refresh(member)
    assert member.news_opt_out


def test_an_unsubscribe_link_of_the_earlier_signed_form_still_works(app, client, make_member):
    """Issues already sent carry links that name the holder in the clear; their promise is kept."""
    import hashlib

    from itsdangerous import URLSafeSerializer

    member = make_member(email="kept@example.org")
    mark = hashlib.sha256(member.email.encode()).hexdigest()[:12]
    old = URLSafeSerializer(app.config["SECRET_KEY"], salt="nmg-ops/news-unsubscribe").dumps(
        {"d": "members", "i": member.id, "a": mark}
    )
    assert client.post(f"/news/unsubscribe/{old}", data={"List-Unsubscribe": "One-Click"}).status_code == 200
    db.session.refresh(member)
    assert member.news_opt_out


def test_a_member_chooses_the_members_edition_on_the_profile(client, people, sign_in):
    me = sign_in(people["member"])
    page = client.get("/profile").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*name="receive"|<input[^>]*name="receive"[^>]*checked', page)

    client.post("/profile/e-news", data={"save_news": "Save"})
    db.session.refresh(me)
    assert me.news_opt_out
    page = client.get("/profile").get_data(as_text=True)
    assert "no longer receive the e-news" in page
    assert not re.search(r'<input[^>]*name="receive"[^>]*checked', page)

    client.post("/profile/e-news", data={"receive": "y", "save_news": "Save"})
    db.session.refresh(me)
    assert not me.news_opt_out
    assert [(line.event, line.source) for line in subscriptions.consent_history(me.email)] == [
        (ConsentEvent.WITHDRAWN, "profile"),
        (ConsentEvent.GIVEN, "profile"),
    ]
    assert 'id="consent-history"' in client.get("/profile").get_data(as_text=True), "shown to the member"


def upload(client, text: str):
    return client.post(
        "/news/subscribers/import",
        data={"file": (io.BytesIO(text.encode()), "list.csv")},
        content_type="multipart/form-data",
    )


def confirm_import(client, preview):
    content = re.search(r'name="content"[^>]*value="([^"]+)"', preview.get_data(as_text=True))
    return client.post("/news/subscribers/import/confirm", data={"content": content[1] if content else ""})


def test_an_import_with_row_errors_names_the_lines_and_writes_nothing(client, people, sign_in, outbox):
    sign_in(people["coordination_team"])
    text = "email,name,language\nok@example.org,Ok,en\nnot-an-address,Bad,it\nok@example.org,Again,fr\n"
    preview = upload(client, text)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Line 3: “not-an-address” is not an e-mail address" in page
    assert "Line 4: “fr” is not a language" in page
    assert "Line 4: The address is also on line 2." in page
    assert 'id="confirm-import"' not in page

    from nmg_ops.previewed_upload import pack

    forced = client.post("/news/subscribers/import/confirm", data={"content": pack(text)})
    assert forced.status_code == 302
    assert "nothing was imported" in client.get(forced.headers["Location"]).get_data(as_text=True)
    assert count(NewsSubscriber) == 0
    assert count(NewsConsent) == 0
    assert count(OutboundMessage) == 0


def test_an_import_invites_new_addresses_and_never_confirms_them(
    client, people, sign_in, outbox, make_member
):
    make_member(email="member@example.org")
    confirmed("known@example.org", name="Known")
    sign_in(people["coordination_team"])
    text = (
        "Email;Name;Language\n"
        "Invited@Example.org;Ines Invitata;it\n"
        "known@example.org;Someone else;en\n"
        "member@example.org;;\n"
        "second@example.org;;English\n"
    )
    preview = upload(client, text)
    assert "Invite 2 addresses to confirm" in preview.get_data(as_text=True)
    assert count(NewsSubscriber) == 1, "the preview writes nothing"
    done = confirm_import(client, preview)
    assert done.status_code == 302
    assert "2 addresses were invited" in client.get(done.headers["Location"]).get_data(as_text=True)

    invited = subscriber("invited@example.org")
    assert (invited.status, invited.name, invited.language.value) == (
        SubscriberStatus.INVITED,
        "Ines Invitata",
        "it",
    )
    assert subscriber("second@example.org").status is SubscriberStatus.INVITED
    assert subscriber("member@example.org") is None
    known = subscriber("known@example.org")
    assert (known.status, known.name) == (SubscriberStatus.CONFIRMED, "Known")
    assert consents("invited@example.org") == [(ConsentEvent.REQUESTED, "import by Teresa Team")]
    assert sorted(mail["To"] for mail in outbox()) == [
        "Ines Invitata <invited@example.org>",
        "second@example.org",
    ]

    client.post("/sign-out")
    invitation = next(mail for mail in outbox() if mail["To"] == "second@example.org")
    assert "coordination team" in invitation.get_body(("plain",)).get_content()
    assert client.post(link_in(invitation)).status_code == 200
    assert subscriber("second@example.org").status is SubscriberStatus.CONFIRMED


def test_requests_never_confirmed_are_purged_after_30_days_and_their_record_kept(app, client, outbox):
    assert "purge_unconfirmed" in JOBS
    subscribe(client, "old@example.org")
    confirmed("reader@example.org")
    now = clock.now()
    # Imported long ago, invited again two days from now: the last mail counts.
    db.session.add(
        NewsSubscriber(
            email="invited@example.org",
            status=SubscriberStatus.INVITED,
            confirm_sent_at=now + timedelta(days=2),
            created_at=now - timedelta(days=40),
        )
    )
    db.session.commit()
    run_job("purge_unconfirmed", now + timedelta(days=29))
    assert subscriber("old@example.org") is not None
    result = run_job("purge_unconfirmed", now + timedelta(days=30, minutes=1))
    assert result == "1 unconfirmed subscribers purged"
    assert subscriber("old@example.org") is None
    assert subscriber("invited@example.org") is not None
    assert subscriber("reader@example.org") is not None
    assert consents("old@example.org") == [(ConsentEvent.REQUESTED, "subscription page from 127.0.0.1")]


def test_suppressing_twice_keeps_the_first_reason_and_the_team_sees_and_lifts_it(client, people, sign_in):
    suppression_id = suppressions.suppress("Gone@Example.org", "550 5.1.1 no such user").id
    assert suppressions.suppress("gone@example.org", "550 mailbox unavailable").id == suppression_id
    assert count(NewsSuppression) == 1
    assert db.session.get(NewsSuppression, suppression_id).reason == "550 5.1.1 no such user"

    sign_in(people["coordination_team"])
    page = client.get("/news/subscribers").get_data(as_text=True)
    assert "gone@example.org" in page
    assert "550 5.1.1 no such user" in page
    response = client.post(f"/news/suppressions/{suppression_id}/lift")
    assert response.status_code == 302
    assert count(NewsSuppression) == 0
    assert client.post(f"/news/suppressions/{suppression_id}/lift").status_code == 404


def test_the_team_page_counts_searches_and_unsubscribes_on_request(client, people, sign_in, make_member):
    make_member(email="quiet@example.org").news_opt_out = True
    make_member(email="gone@example.org", left_on=date(2025, 6, 1)).news_opt_out = True
    reader = confirmed("reader@example.org")
    confirmed("other@example.net")
    db.session.add(NewsSubscriber(email="waiting@example.org", status=SubscriberStatus.PENDING))
    db.session.commit()
    sign_in(people["coordination_team"])
    page = client.get("/news/subscribers").get_data(as_text=True)
    assert re.search(r'id="count-confirmed">2<', page)
    assert re.search(r'id="count-pending">1<', page)
    assert re.search(r'id="members-opted-out">1<', page), "former members are not counted"
    found = client.get("/news/subscribers?q=EXAMPLE.NET").get_data(as_text=True)
    assert "other@example.net" in found
    assert "reader@example.org" not in found

    client.post(f"/news/subscribers/{reader.id}/remove")
    assert subscriber("reader@example.org").status is SubscriberStatus.UNSUBSCRIBED
    assert consents("reader@example.org") == [(ConsentEvent.WITHDRAWN, "removed by Teresa Team")]


def test_the_links_secrets_stay_out_of_the_logs(client, outbox, caplog):
    caplog.set_level(logging.DEBUG)
    subscribe(client, "private@example.org")
    link = link_in(outbox()[-1])
    client.post(link)
    row = subscriber("private@example.org")
    unsubscribe = f"/news/unsubscribe/{unsubscribe_token(NewsEdition.PUBLIC, row.id, row.email)}"
    client.post(unsubscribe)
    # What the server's access log writes for these requests.
    for path in (link, unsubscribe):
        logging.getLogger("werkzeug").info('127.0.0.1 - - "POST %s HTTP/1.1" 200 -', path)
    secrets = [link.rsplit("/", 1)[1], unsubscribe.rsplit("/", 1)[1]]
    assert "/news/confirm/" in caplog.text
    for secret in secrets:
        assert secret not in caplog.text
        assert secret[6:] not in caplog.text


def test_the_confirmation_mail_carries_nothing_the_requester_typed_but_the_address(client, outbox):
    long_name = "Buy cheap watches at spam.example " * 5
    subscribe(client, "victim@example.org", name=long_name[:200], language="en")
    [mail] = outbox()
    assert mail["To"] == "victim@example.org", "no name beside the address"
    for part in ("plain", "html"):
        assert "watches" not in mail.get_body((part,)).get_content()
    page = client.get(link_in(mail)).get_data(as_text=True)
    assert "Buy cheap watches" in page, "the owner sees the name before confirming"


def test_mails_to_one_address_are_limited_per_day_whoever_asks_and_whatever_its_state(
    app, outbox, monkeypatch
):
    """Four clients, each under its own limit, ask for the same address; the fourth gets the same page and
    the address no fourth mail, alike for an unknown and a confirmed address."""
    app.config["NEWS_CONFIRM_MAX_PER_ADDRESS"] = 3
    confirmed("reader@example.org")
    seen = {}
    for state, email in (("unknown", "target@example.org"), ("confirmed", "reader@example.org")):
        mails_before = len(outbox())
        pages = []
        for n in range(4):
            answer = app.test_client().post(
                "/news/subscribe",
                data={"name": "", "email": email, "language": "en", "consent": "y", "website": ""},
                environ_base={"REMOTE_ADDR": f"203.0.113.{n + 1}"},
                follow_redirects=True,
            )
            pages.append((answer.status_code, answer.request.path))
        seen[state] = (pages, len(outbox()) - mails_before)
    assert seen["unknown"] == seen["confirmed"]
    pages, mailed = seen["unknown"]
    assert len(set(pages)) == 1 and mailed == 3
    assert subscribe(app.test_client(), "other@example.org").status_code == 302
    assert outbox()[-1]["To"] == "other@example.org", "another address is not limited"
    marks = db.session.scalars(sa.select(NewsSubscriptionRequest.address_mark)).all()
    assert all(mark and "@" not in mark for mark in marks), "the count names no address"

    later = clock.now() + timedelta(days=1, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    before = len(outbox())
    subscribe(app.test_client(), "target@example.org")
    assert len(outbox()) == before + 1, "a day later the address is mailed again"


def test_a_subscriber_erases_their_address_from_the_unsubscribe_page(client, people):
    row = confirmed("reader@example.org", "Rita Reader")
    db.session.add(
        NewsConsent(
            email=row.email, edition=NewsEdition.PUBLIC, event=ConsentEvent.GIVEN, wording="Yes", source="x"
        )
    )
    waiting = OutboundMessage(
        purpose="news:1",
        dedupe_key="news:1:reader",
        recipient=row.email,
        subject="E-news",
        message_id="<a@x>",
        content=b"Dear Rita",
        status=DeliveryStatus.PENDING,
        next_attempt_at=clock.now(),
    )
    db.session.add(waiting)
    db.session.commit()
    token = unsubscribe_token(NewsEdition.PUBLIC, row.id, row.email)
    page = client.get(f"/news/unsubscribe/{token}").get_data(as_text=True)
    assert "Erase my address" in page

    unticked = client.post(f"/news/unsubscribe/{token}/erase", data={})
    assert unticked.status_code == 400
    assert "Tick the box to erase your address." in unticked.get_data(as_text=True)
    assert subscriber("reader@example.org") is not None

    done = client.post(f"/news/unsubscribe/{token}/erase", data={"confirm": "y"})
    assert done.status_code == 200 and "Your address is erased" in done.get_data(as_text=True)
    db.session.expire_all()
    assert subscriber("reader@example.org") is None
    assert consents("reader@example.org") == []
    mail = db.session.scalar(sa.select(OutboundMessage).where(OutboundMessage.dedupe_key == "news:1:reader"))
    assert mail.status is DeliveryStatus.WITHDRAWN and "reader" not in mail.recipient and mail.content == b""
    # The link names nobody now, and says so.
    assert client.get(f"/news/unsubscribe/{token}").status_code == 404


def test_the_members_edition_is_not_erased_from_its_link(client, people):
    member = people["member"]
    token = unsubscribe_token(NewsEdition.MEMBERS, member.id, member.email)
    assert "Erase my address" not in client.get(f"/news/unsubscribe/{token}").get_data(as_text=True)
    assert client.post(f"/news/unsubscribe/{token}/erase", data={"confirm": "y"}).status_code == 404
    assert db.session.get(Member, member.id).email == member.email
