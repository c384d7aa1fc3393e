"""The privacy notice, linked from every page, and the operations page of the retention periods."""

from __future__ import annotations

from nmg_ops.extensions import db
from nmg_ops.models import Language

EN = {"Accept-Language": "en"}


def test_every_page_links_the_notice_and_the_default_names_the_periods(app, client):
    home = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/privacy"' in home
    assert 'href="/privacy"' in client.get("/news/subscribe").get_data(as_text=True)
    app.config.update(PRIVACY_CONTACT="dpo@example.org", RETENTION_SIGN_IN_DAYS=45)
    page = client.get("/privacy", headers=EN).get_data(as_text=True)
    assert "Privacy notice" in page and "dpo@example.org" in page
    assert "Sign-in attempts and password reset requests, with their network addresses: 45 days" in page


def test_the_default_notice_is_in_italian_for_italian_readers(client, people, sign_in):
    me = people["member"]
    me.language = Language.IT
    db.session.commit()
    sign_in(me)
    page = client.get("/privacy").get_data(as_text=True)
    assert "Informativa sulla privacy" in page
    assert "I tuoi diritti" in page


def test_the_groups_own_text_replaces_the_default(app, client):
    app.config.update(
        PRIVACY_NOTICE_EN="## Our notice\n\nThe ministry is the controller.<script>alert(1)</script>",
        PRIVACY_NOTICE_IT="## La nostra informativa",
    )
    page = client.get("/privacy", headers=EN).get_data(as_text=True)
    assert "<h2>Our notice</h2>" in page and "The ministry is the controller." in page
    assert "<script>alert" not in page
    assert "Your rights" not in page


def test_the_retention_page_is_for_the_coordinator(app, client, people, sign_in):
    sign_in(people["member"])
    assert client.get("/privacy/retention").status_code == 403
    client.post("/sign-out")
    sign_in(people["coordinator"])
    page = client.get("/privacy/retention").get_data(as_text=True)
    for setting in (
        "RETENTION_MAIL_BODY_DAYS",
        "RETENTION_OUTBOX_DAYS",
        "RETENTION_AUDIT_DAYS",
        "NEWS_PURGE_UNCONFIRMED_DAYS",
    ):
        assert setting in page
    assert f"{app.config['RETENTION_AUDIT_DAYS']} days" in page
