import pytest
import sqlalchemy as sa

from nmg_ops.auth.services import send_invitation
from nmg_ops.extensions import db
from nmg_ops.mail import HeaderInjectionError, MailDeliveryError, send_mail
from nmg_ops.models import DeliveryStatus, OutboundMessage


@pytest.mark.smtp
def test_invitation_reaches_a_real_smtp_server(app, smtp_sink, make_member, outbox):
    member = make_member(email="nuovo@example.org", full_name="Nicola Nuovo", language="it", password=False)
    send_invitation(member)
    [received] = smtp_sink.received
    assert received.rcpt_tos == ["nuovo@example.org"]
    message = received.message
    assert message["To"] == "Nicola Nuovo <nuovo@example.org>"
    assert message["Message-ID"].endswith("@test.nmg.invalid>")
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "http://localhost/invitation/" in plain
    assert "http://localhost/invitation/" in html
    assert outbox() == [], "with an SMTP server configured nothing lands in the development outbox"


@pytest.mark.smtp
@pytest.mark.parametrize(
    "field",
    [
        {"to_name": "Eve\r\nBcc: victim@example.org"},
        {"to_email": "eve@example.org\nBcc: victim@example.org"},
        {"subject": "Hello\r\nBcc: victim@example.org"},
    ],
)
def test_header_with_line_break_is_refused_and_never_sent(app, smtp_sink, field):
    kwargs = {
        "to_email": "eve@example.org",
        "to_name": "Eve",
        "language": "en",
        "subject": "Hello",
        "template": "password_reset",
        "purpose": "password_reset",
        "member": type("M", (), {"full_name": "Eve"})(),
        "link": "http://localhost/x",
        "valid_hours": 1,
    }
    kwargs.update(field)
    with pytest.raises(MailDeliveryError) as refused:
        send_mail(**kwargs)
    assert isinstance(refused.value.__cause__, HeaderInjectionError)
    assert smtp_sink.received == []
    # The refusal is on the deliveries page, failed with its reason, with nothing that could be sent.
    (row,) = db.session.scalars(sa.select(OutboundMessage))
    assert (row.status, row.content) == (DeliveryStatus.FAILED, b"")
    assert "line break" in row.last_error


def test_development_outbox_writes_eml_files_a_mail_client_opens(app, make_member, outbox):
    member = make_member(email="eml@example.org", full_name="Emma Eml", password=False)
    send_invitation(member)
    [message] = outbox()
    assert message["To"] == "Emma Eml <eml@example.org>"
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert message["Date"]


@pytest.mark.smtp
def test_refused_invitation_is_reported_not_a_500(app, smtp_sink, client, people, sign_in, make_member):
    newcomer = make_member(email="bounce@example.org", full_name="Bruno Bounce", password=False)
    smtp_sink.handler.refuse_recipients["bounce@example.org"] = "550 5.1.1 mailbox unavailable"
    sign_in(people["coordinator"])
    response = client.post(f"/members/{newcomer.id}/invite", follow_redirects=True)
    assert response.status_code == 200
    assert "The invitation could not be sent" in response.get_data(as_text=True)
    assert smtp_sink.received == []


@pytest.mark.smtp
def test_reset_mail_waits_in_the_outbox_while_the_server_is_down(app, smtp_sink, client, people):
    smtp_sink.stop()
    response = client.post("/password/forgot", data={"email": "plain@example.org"}, follow_redirects=True)
    assert response.status_code == 200
    assert "a link to reset the password is on its way" in response.get_data(as_text=True)
    [queued] = db.session.scalars(sa.select(OutboundMessage)).all()
    assert queued.status is DeliveryStatus.PENDING
    assert "cannot reach the mail server" in queued.last_error
