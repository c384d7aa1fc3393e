"""Subscribing to the personal calendar feed from the profile, and replacing a lost or shared address."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest

from nmg_ops.calendar.feeds import new_feed_token
from nmg_ops.extensions import db
from nmg_ops.models import MeetingStatus


@pytest.fixture
def invited(make_meeting, people):
    return make_meeting(
        "plenary", invitees=[people["member"]], status=MeetingStatus.CONFIRMED, title="Spring plenary"
    )


def _link(page: str, element_id: str) -> str:
    return html.unescape(re.search(rf'id="{element_id}" href="([^"]+)"', page).group(1))


def _feed_path(page: str) -> str:
    return re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', page).group(1)


def _summaries(response) -> list[str]:
    return [str(event["SUMMARY"]) for event in icalendar.Calendar.from_ical(response.data).walk("VEVENT")]


def test_subscribe_buttons_hand_each_calendar_app_the_feed_address(app, client, invited, people, sign_in):
    sign_in(people["member"])
    page = client.post("/profile/calendar").get_data(as_text=True)
    path = _feed_path(page)
    https_url = f"http://localhost{path}"
    webcal_url = f"webcal://localhost{path}"
    assert _link(page, "subscribe-webcal") == webcal_url
    google = _link(page, "subscribe-google")
    assert google.startswith(
        "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Flocalhost%2Fcalendar%2F"
    )
    assert parse_qs(urlsplit(google).query) == {"cid": [webcal_url]}
    for element_id, host in [
        ("subscribe-outlook", "outlook.live.com"),
        ("subscribe-outlook-365", "outlook.office.com"),
    ]:
        outlook = urlsplit(_link(page, element_id))
        assert (outlook.scheme, outlook.netloc, outlook.path) == ("https", host, "/calendar/0/addfromweb")
        assert outlook.query.startswith("url=http%3A%2F%2Flocalhost%2Fcalendar%2F")
        assert parse_qs(outlook.query) == {"url": [https_url], "name": ["Italian National Mirror Group"]}
    assert _summaries(client.get(path)) == ["Spring plenary"]


def test_a_new_address_is_confirmed_then_replaces_the_old_one(app, client, invited, people, sign_in):
    sign_in(people["member"])
    old_path = _feed_path(client.post("/profile/calendar").get_data(as_text=True))
    profile = client.get("/profile").get_data(as_text=True)
    assert "New address" in profile and "the old address stops working" in profile
    asked = client.post("/profile/calendar").get_data(as_text=True)
    assert "the old address stops working" in asked
    assert 'name="confirm" value="yes"' in asked
    assert client.get(old_path).status_code == 200, "asking alone changes nothing"
    new_path = _feed_path(client.post("/profile/calendar", data={"confirm": "yes"}).get_data(as_text=True))
    assert new_path != old_path
    assert client.get(old_path).status_code == 404
    assert _summaries(client.get(new_path)) == ["Spring plenary"]


def test_a_get_cannot_replace_the_address(app, client, invited, people, sign_in):
    token = new_feed_token(people["member"])
    sign_in(people["member"])
    assert client.get("/profile/calendar?confirm=yes").status_code == 405
    assert client.get(f"/calendar/{token}.ics").status_code == 200


def test_another_member_cannot_replace_my_address(app, client, invited, people, sign_in):
    mine = new_feed_token(people["member"])
    other = people["coordination_team"]
    sign_in(other)
    client.post("/profile/calendar", data={"confirm": "yes", "member_id": str(people["member"].id)})
    assert client.get(f"/calendar/{mine}.ics").status_code == 200
    db.session.refresh(other)
    assert other.feed_token_hash is not None, "the post made the signed-in member's own address"


def test_replacing_needs_the_form_token(app, client, invited, people, sign_in):
    mine = new_feed_token(people["member"])
    sign_in(people["member"])
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/profile/calendar", data={"confirm": "yes"}).status_code == 400
    assert client.get(f"/calendar/{mine}.ics").status_code == 200
    asked = client.post(
        "/profile/calendar",
        data={
            "csrf_token": re.search(
                r'name="csrf_token" value="([^"]+)"', client.get("/profile").get_data(as_text=True)
            ).group(1)
        },
    ).get_data(as_text=True)
    assert re.search(r'name="csrf_token" value="[^"]+"', asked)
