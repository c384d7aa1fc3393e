"""Test mails of an issue to addresses the editor types: each marked as a test, validated, held to a daily
number per address."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nmg_ops.extensions import db
from nmg_ops.models import OutboundMessage
from tests.test_news_issues import make_issue, sign_in_as


@pytest.fixture
def issue(client, people):
    sign_in_as(client, people["coordination_team"])
    return make_issue()


def _post(client, issue, addresses: str):
    return client.post(
        f"/news/issues/{issue.id}/test",
        data={"addresses": addresses, "edition": "members", "language": "en"},
        follow_redirects=True,
    )


def test_the_test_form_offers_the_editors_own_address(client, issue):
    page = client.get(f"/news/issues/{issue.id}").get_data(as_text=True)
    assert "\nct@example.org</textarea>" in page


@pytest.mark.smtp
def test_a_test_goes_to_each_typed_address_marked_as_a_test(client, issue, smtp_sink):
    response = _post(client, issue, "Editor@Example.org, colleague@example.net\nphone@example.com")
    assert response.status_code == 200
    assert "colleague@example.net" in response.get_data(as_text=True)
    received = sorted(smtp_sink.received, key=lambda r: r.rcpt_tos)
    assert [r.rcpt_tos for r in received] == [
        ["colleague@example.net"],
        ["editor@example.org"],
        ["phone@example.com"],
    ]
    for mail in received:
        assert mail.message["Subject"].startswith("[TEST] ")
        assert mail.message["To"].addresses[0].addr_spec == mail.rcpt_tos[0]
    # The members' edition: its members-only section is in.
    assert "The plenary agenda is out." in received[0].message.get_body(("html",)).get_content()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "This field is required."),
        ("not-an-address", "“not-an-address” is not an e-mail address"),
        ("a@example.org\r\nBcc: spam@example.org", "“Bcc:” is not an e-mail address"),
        (", ".join(f"p{n}@example.org" for n in range(6)), "A test goes to at most 5 addresses."),
    ],
)
def test_a_test_to_bad_addresses_is_refused_and_nothing_is_queued(client, issue, typed, message):
    response = _post(client, issue, typed)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage)) == 0


def test_an_address_gets_only_so_many_tests_a_day(app, client, issue, outbox):
    app.config["NEWS_TEST_MAX_PER_ADDRESS"] = 2
    assert _post(client, issue, "reader@example.org").status_code == 200
    assert _post(client, issue, "reader@example.org, other@example.org").status_code == 200
    response = _post(client, issue, "other@example.org; reader@example.org")
    assert response.status_code == 422
    assert "reader@example.org has had 2 test mails in the last 24 hours" in response.get_data(as_text=True)
    assert sorted(m["To"].addresses[0].addr_spec for m in outbox()) == [
        "other@example.org",
        "reader@example.org",
        "reader@example.org",
    ]
