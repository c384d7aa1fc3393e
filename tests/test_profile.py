import re

import pytest
import sqlalchemy as sa

from nmg_ops.extensions import db
from nmg_ops.models import AuditEntry, Language, Member
from tests.fixtures.factories import PASSWORD

NEW_PASSWORD = "a much longer passphrase"


def _me(email: str = "plain@example.org") -> Member:
    return db.session.scalar(sa.select(Member).where(Member.email == email))


def _password_form(current: str, new: str = NEW_PASSWORD, confirm: str | None = None) -> dict:
    return {"current": current, "password": new, "confirm": new if confirm is None else confirm}


def test_visitors_must_sign_in(client):
    response = client.get("/profile")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_profile_shows_my_own_details(client, people, sign_in, make_working_group):
    me = people["member"]
    me.position = "Epidemiologist"
    me.working_groups = [make_working_group("WP5", "Data governance")]
    db.session.commit()
    sign_in(me)
    page = client.get("/profile").get_data(as_text=True)
    assert "Paolo Member" in page
    assert "plain@example.org" in page
    assert "Epidemiologist" in page
    assert "WP5 – Data governance" in page
    assert 'value="Europe/Rome"' in page
    assert "Ada Admin" not in page


def test_language_and_time_zone_change_applies_at_once(client, people, sign_in):
    sign_in(people["member"])
    assert '<html lang="en">' in client.get("/profile").get_data(as_text=True)
    response = client.post("/profile", data={"language": "it", "timezone": "America/New_York"})
    assert response.status_code == 302
    me = _me()
    assert me.language is Language.IT
    assert me.timezone == "America/New_York"
    assert '<html lang="it">' in client.get("/profile").get_data(as_text=True)
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.subject_id == me.id))
    assert entry.changes == {"language": ["en", "it"], "timezone": ["Europe/Rome", "America/New_York"]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"language": "en", "timezone": "Europe/Atlantis"}, "Not a known time zone"),
        ({"language": "en", "timezone": ""}, "This field is required."),
        ({"language": "klingon", "timezone": "Europe/Rome"}, "Invalid Choice: could not coerce."),
    ],
)
def test_bad_preferences_are_form_errors(client, people, sign_in, data, message):
    sign_in(people["member"])
    response = client.post("/profile", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    me = _me()
    assert me.timezone == "Europe/Rome"
    assert me.language is Language.EN


def test_wrong_current_password_changes_nothing(app, client, people, sign_in):
    sign_in(people["member"])
    response = client.post("/profile/password", data=_password_form("not my password"))
    assert response.status_code == 200
    assert "The current password is wrong." in response.get_data(as_text=True)
    other = app.test_client()
    assert (
        other.post("/sign-in", data={"email": "plain@example.org", "password": PASSWORD}).status_code == 302
    )


def test_new_passwords_must_match(client, people, sign_in):
    sign_in(people["member"])
    response = client.post(
        "/profile/password", data=_password_form(PASSWORD, confirm="something else entirely")
    )
    assert "The two passwords differ." in response.get_data(as_text=True)


def test_password_change_keeps_me_signed_in_and_ends_other_sessions(app, client, people, sign_in):
    sign_in(people["member"])
    other_device = app.test_client()
    other_device.post("/sign-in", data={"email": "plain@example.org", "password": PASSWORD})
    assert other_device.get("/profile").status_code == 200

    response = client.post("/profile/password", data=_password_form(PASSWORD))
    assert response.status_code == 302
    page = client.get("/profile")
    assert page.status_code == 200
    assert "Your password has been changed." in page.get_data(as_text=True)

    assert other_device.get("/profile").status_code == 302
    fresh = app.test_client()
    assert (
        fresh.post("/sign-in", data={"email": "plain@example.org", "password": PASSWORD}).status_code == 401
    )
    assert (
        fresh.post("/sign-in", data={"email": "plain@example.org", "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_password_change_keeps_remember_me(client, people):
    data = {"email": "plain@example.org", "password": PASSWORD, "remember": "y"}
    assert client.post("/sign-in", data=data).status_code == 302
    assert client.post("/profile/password", data=_password_form(PASSWORD)).status_code == 302
    # A browser restart drops the session cookie; the remember-me cookie must still sign the member in.
    client.delete_cookie("session")
    assert client.get("/profile").status_code == 200


def test_the_profile_offers_time_zones_from_a_list_europe_first(client, people, sign_in):
    sign_in(people["member"])
    page = client.get("/profile").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="timezone".*?</select>', page, re.S)[0]
    zones = re.findall(r'<option[^>]*value="([^"]+)"', select)
    assert zones[0].startswith("Europe/") and "America/New_York" in zones
    assert re.search(r'<option selected value="Europe/Rome"|value="Europe/Rome" selected', select)


@pytest.mark.parametrize("zone", ["Europe/Atlantis", "Europe/rome", "../../etc/passwd", "x" * 100])
def test_the_profile_refuses_a_zone_not_in_the_list(client, people, sign_in, zone):
    sign_in(people["member"])
    response = client.post("/profile", data={"language": "en", "timezone": zone})
    assert "Not a known time zone; choose one from the list." in response.get_data(as_text=True)
    db.session.expire_all()
    assert _me().timezone == "Europe/Rome"
