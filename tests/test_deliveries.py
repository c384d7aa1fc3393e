import pytest
import sqlalchemy as sa

from nmg_ops.delivery.dispatcher import dispatch
from nmg_ops.delivery.outbox import build_message, enqueue
from nmg_ops.extensions import db
from nmg_ops.models import DeliveryStatus, OutboundMessage

pytestmark = pytest.mark.smtp


def _queue(address: str) -> int:
    message = build_message(to_email=address, to_name="X", subject=f"Hello {address}", text="t", html="h")
    message_id = enqueue("test", f"deliveries:{address}", address, message)
    db.session.commit()
    return message_id


def test_coordinator_sees_what_was_sent_and_what_failed_and_why(app, smtp_sink, client, people, sign_in):
    _queue("ok@example.org")
    _queue("bad@example.org")
    smtp_sink.handler.refuse_recipients["bad@example.org"] = "550 5.1.1 mailbox unavailable"
    dispatch()
    sign_in(people["coordinator"])
    page = client.get("/deliveries").get_data(as_text=True)
    assert "ok@example.org" in page and "bad@example.org" in page
    assert "550 5.1.1 mailbox unavailable" in page
    failed_only = client.get("/deliveries?status=failed").get_data(as_text=True)
    assert "bad@example.org" in failed_only
    assert "ok@example.org" not in failed_only


def test_retrying_a_failed_message_sends_it_once_the_server_accepts(app, smtp_sink, client, people, sign_in):
    message_id = _queue("later@example.org")
    smtp_sink.handler.refuse_recipients["later@example.org"] = "550 5.2.2 mailbox full"
    dispatch()
    del smtp_sink.handler.refuse_recipients["later@example.org"]
    sign_in(people["admin"])
    response = client.post(f"/deliveries/{message_id}/retry", follow_redirects=True)
    assert "will be sent again" in response.get_data(as_text=True)
    dispatch()
    row = db.session.get(OutboundMessage, message_id)
    db.session.refresh(row)
    assert row.status is DeliveryStatus.SENT
    assert smtp_sink.handler.count_for("later@example.org") == 1


def test_only_failed_messages_can_be_retried(app, smtp_sink, client, people, sign_in):
    message_id = _queue("sent@example.org")
    dispatch()
    sign_in(people["coordinator"])
    response = client.post(f"/deliveries/{message_id}/retry", follow_redirects=True)
    assert "Only failed messages can be retried." in response.get_data(as_text=True)
    assert client.post("/deliveries/999999/retry").status_code == 404
    assert db.session.scalar(sa.select(OutboundMessage.status).where(OutboundMessage.id == message_id)) is (
        DeliveryStatus.SENT
    )
