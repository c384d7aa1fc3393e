import pytest

from nmg_ops.auth.services import send_invitation
from nmg_ops.mail import HeaderInjectionError, send_mail


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
        "member": type("M", (), {"full_name": "Eve"})(),
        "link": "http://localhost/x",
        "valid_hours": 1,
    }
    kwargs.update(field)
    with pytest.raises(HeaderInjectionError):
        send_mail(**kwargs)
    assert smtp_sink.received == []


def test_development_outbox_writes_eml_files_a_mail_client_opens(app, make_member, outbox):
    member = make_member(email="eml@example.org", full_name="Emma Eml", password=False)
    send_invitation(member)
    [message] = outbox()
    assert message["To"] == "Emma Eml <eml@example.org>"
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert message["Date"]
