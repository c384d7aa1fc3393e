import re
from datetime import timedelta

import pytest

from nmg_ops import clock
from nmg_ops.auth import services
from nmg_ops.auth.services import LinkPurpose, make_link_token
from nmg_ops.extensions import db
from tests.fixtures.factories import PASSWORD


def _link(mail) -> str:
    text = mail.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://localhost(/\S+)", text).group(1)


def test_member_signs_in_and_out(client, people):
    member = people["member"]
    response = client.post("/sign-in", data={"email": "  PLAIN@Example.org ", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/members/").status_code == 200
    client.post("/sign-out")
    assert client.get("/members/").status_code == 302
    db.session.refresh(member)
    assert member.last_sign_in_at is not None


def test_wrong_password_is_refused_with_a_message(client, people):
    response = client.post("/sign-in", data={"email": "plain@example.org", "password": "nope-nope-nope"})
    assert response.status_code == 401
    assert "E-mail or password is wrong." in response.get_data(as_text=True)
    assert client.get("/members/").status_code == 302


def test_sign_in_follows_next_only_within_the_site(client, people):
    data = {"email": "plain@example.org", "password": PASSWORD}
    response = client.post("/sign-in?next=https://evil.example/phish", data=data)
    assert response.headers["Location"] == "/"
    client.post("/sign-out")
    response = client.post("/sign-in?next=/profile", data=data)
    assert response.headers["Location"] == "/profile"


def test_failed_sign_ins_are_rate_limited(client, people, app):
    limit = app.config["SIGN_IN_MAX_FAILURES"]
    for _ in range(limit):
        client.post("/sign-in", data={"email": "plain@example.org", "password": "wrong-password"})
    response = client.post("/sign-in", data={"email": "plain@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    # Another member is not locked out by someone guessing at this address.
    other = client.post("/sign-in", data={"email": "ct@example.org", "password": PASSWORD})
    assert other.status_code == 302


def test_brake_releases_after_the_window(client, people, app, monkeypatch):
    for _ in range(app.config["SIGN_IN_MAX_FAILURES"]):
        client.post("/sign-in", data={"email": "plain@example.org", "password": "wrong-password"})
    later = clock.now() + timedelta(minutes=app.config["SIGN_IN_WINDOW_MINUTES"] + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = client.post("/sign-in", data={"email": "plain@example.org", "password": PASSWORD})
    assert response.status_code == 302


def test_member_who_left_cannot_sign_in(client, make_member):
    member = make_member(email="gone@example.org", left_on=clock.today())
    response = client.post("/sign-in", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 401


def test_invitation_link_sets_password_once(client, make_member, outbox):
    member = make_member(email="new@example.org", full_name="Nora Nuova", password=False)
    services.send_invitation(member)
    [mail] = outbox()
    assert mail["To"] == "Nora Nuova <new@example.org>"
    assert "invitation" in mail["Subject"].lower()
    assert mail["Message-ID"].endswith("@test.nmg.invalid>")
    link = _link(mail)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "a brand new secret", "confirm": "a brand new secret"})
    assert response.status_code == 302
    client.post("/sign-out")
    again = client.get(link)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)
    ok = client.post("/sign-in", data={"email": "new@example.org", "password": "a brand new secret"})
    assert ok.status_code == 302


def test_password_reset_link_is_single_purpose_and_expires(client, people, outbox, monkeypatch, app):
    client.post("/password/forgot", data={"email": "plain@example.org"})
    [mail] = outbox()
    token = _link(mail).rsplit("/", 1)[1]
    # A reset token is no invitation.
    assert client.get(f"/invitation/{token}").status_code == 400
    hours = app.config["PASSWORD_RESET_VALID_HOURS"]
    later = clock.now() + timedelta(hours=hours, minutes=1)
    monkeypatch.setattr(
        "itsdangerous.timed.TimestampSigner.get_timestamp", lambda self: int(later.timestamp())
    )
    expired = client.get(f"/password/reset/{token}")
    assert expired.status_code == 400
    assert "expired" in expired.get_data(as_text=True)


def test_forgot_password_says_the_same_for_unknown_addresses(client, people, outbox):
    known = client.post("/password/forgot", data={"email": "plain@example.org"}, follow_redirects=True)
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"}, follow_redirects=True)
    message = "If the address belongs to a member"
    assert message in known.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert len(outbox()) == 1


def test_password_change_ends_other_sessions(app, people):
    member = people["member"]
    laptop, phone = app.test_client(), app.test_client()
    for c in (laptop, phone):
        assert c.post("/sign-in", data={"email": member.email, "password": PASSWORD}).status_code == 302
    token = make_link_token(member, LinkPurpose.PASSWORD_RESET)
    laptop.post(
        f"/password/reset/{token}", data={"password": "another long secret", "confirm": "another long secret"}
    )
    assert laptop.get("/members/").status_code == 200
    assert phone.get("/members/").status_code == 302


def test_forged_link_is_refused(client, people):
    response = client.get("/password/reset/not-a-real-token")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


@pytest.mark.parametrize("short", ["short", "x" * 9])
def test_new_password_must_be_long_enough(client, people, short):
    token = make_link_token(people["member"], LinkPurpose.PASSWORD_RESET)
    response = client.post(f"/password/reset/{token}", data={"password": short, "confirm": short})
    assert response.status_code == 200
    assert "Use 10 to 200 characters." in response.get_data(as_text=True)


def test_forms_refuse_posts_without_csrf_token(database_url, tmp_path, people):
    from tests.fixtures.database import app_for

    app = app_for(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/sign-in", data={"email": "plain@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_session_cookie_is_http_only_and_same_site(client, people):
    response = client.post("/sign-in", data={"email": "plain@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_create_admin_bootstraps_an_installation(runner, client, outbox):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "Root@Example.org",
            "--name",
            "Rita Root",
            "--organisation",
            "ProMIS",
        ]
    )
    assert result.exit_code == 0, result.output
    [mail] = outbox()
    assert mail["To"] == "Rita Root <root@example.org>"
    link = _link(mail)
    response = client.post(link, data={"password": "first admin secret", "confirm": "first admin secret"})
    assert response.status_code == 302
    assert client.get("/audit").status_code == 200
    again = runner.invoke(
        args=["create-admin", "--email", "root@example.org", "--name", "Rita", "--organisation", "ProMIS"]
    )
    assert again.exit_code != 0
    assert "already exists" in again.output


def test_create_admin_names_a_bad_address(runner):
    result = runner.invoke(
        args=["create-admin", "--email", "not-an-address", "--name", "X", "--organisation", "Y"]
    )
    assert result.exit_code == 2
    assert "--email" in result.output
