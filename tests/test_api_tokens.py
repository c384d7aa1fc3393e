"""Personal API tokens made and revoked on the profile, and how the read API answers a program: pages,
304s, limits and problem details."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.api.limits import RateLimiter
from nmg_ops.extensions import db
from nmg_ops.models import ApiToken, MeetingStatus
from tests.fixtures.factories import PASSWORD


@pytest.fixture
def fresh_limits(app):
    """Counts of this test only: other tests' requests came from the same address."""
    app.extensions["nmg_api_limiter"] = RateLimiter()
    return app


def _make_token(client, name: str = "My spreadsheet") -> str:
    response = client.post("/profile/api-tokens", data={"name": name})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return re.search(r'value="(nmg_[^"]+)"', response.get_data(as_text=True)).group(1)


def _me(client, raw: str):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})


def test_a_token_made_on_the_profile_is_shown_once_and_kept_only_as_its_hash(app, client, sign_in, people):
    member = sign_in(people["member"])
    raw = _make_token(client)
    stored = db.session.execute(sa.select(ApiToken.__table__)).mappings().all()
    assert len(stored) == 1
    assert raw not in str(dict(stored[0]))
    assert stored[0]["token_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    profile = client.get("/profile").get_data(as_text=True)
    assert "My spreadsheet" in profile and raw not in profile
    client.post("/sign-out")
    answer = _me(app.test_client(), raw)
    assert answer.status_code == 200
    assert answer.get_json()["id"] == member.id


def test_a_token_works_until_revoked_and_then_answers_401(app, client, sign_in, people):
    sign_in(people["member"])
    raw = _make_token(client)
    program = app.test_client()
    assert _me(program, raw).status_code == 200
    token_id = db.session.scalar(sa.select(ApiToken.id))
    assert client.post(f"/profile/api-tokens/{token_id}/revoke").status_code == 302
    refused = _me(program, raw)
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert "<td>My spreadsheet</td>" not in client.get("/profile").get_data(as_text=True)


def test_nobody_revokes_another_members_token(app, client, sign_in, people):
    sign_in(people["member"])
    raw = _make_token(client)
    token_id = db.session.scalar(sa.select(ApiToken.id))
    other = app.test_client()
    other.post("/sign-in", data={"email": people["coordinator"].email, "password": PASSWORD})
    assert other.post(f"/profile/api-tokens/{token_id}/revoke").status_code == 404
    assert _me(app.test_client(), raw).status_code == 200


def test_the_token_of_a_member_who_left_answers_401(app, client, sign_in, people):
    member = sign_in(people["member"])
    raw = _make_token(client)
    member.left_on = clock.today()
    db.session.commit()
    assert _me(app.test_client(), raw).status_code == 401


def test_a_token_with_no_name_is_refused_on_the_form(client, sign_in, people):
    sign_in(people["member"])
    response = client.post("/profile/api-tokens", data={"name": "  "})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_the_last_use_shows_on_the_profile(app, client, sign_in, people):
    sign_in(people["member"])
    raw = _make_token(client)
    assert "Never" in client.get("/profile").get_data(as_text=True)
    _me(app.test_client(), raw)
    assert db.session.scalar(sa.select(ApiToken.last_used_at)) is not None


def test_a_token_past_its_limit_gets_429_with_retry_after(fresh_limits, client, sign_in, people):
    fresh_limits.config["API_TOKEN_REQUESTS_PER_MINUTE"] = 2
    sign_in(people["member"])
    raw = _make_token(client)
    program = fresh_limits.test_client()
    assert [_me(program, raw).status_code for _ in range(2)] == [200, 200]
    refused = _me(program, raw)
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.get_json()["status"] == 429


def test_an_address_past_its_limit_gets_429_and_a_token_still_reads(fresh_limits, client, sign_in, people):
    fresh_limits.config["API_ADDRESS_REQUESTS_PER_MINUTE"] = 3
    sign_in(people["member"])
    raw = _make_token(client)
    visitor = fresh_limits.test_client()
    statuses = [visitor.get("/api/v1/events").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert _me(visitor, raw).status_code == 200


def test_an_unchanged_answer_is_a_304_and_a_changed_one_is_not(client, make_meeting):
    make_meeting("partnership_event", status=MeetingStatus.CONFIRMED, is_public=True, title="Open day")
    first = client.get("/api/v1/events")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/events", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    make_meeting("partnership_event", status=MeetingStatus.CONFIRMED, is_public=True, title="Second day")
    changed = client.get("/api/v1/events", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_pages_link_to_the_next_until_the_last(client, make_meeting):
    for day in range(3):
        make_meeting(
            "partnership_event",
            starts_at=clock.now() + timedelta(days=10 + day),
            status=MeetingStatus.CONFIRMED,
            is_public=True,
        )
    first = client.get("/api/v1/events?size=2")
    body = first.get_json()
    assert len(body["items"]) == 2 and body["total"] == 3
    assert 'rel="next"' in first.headers["Link"]
    last = client.get(body["links"]["next"].removeprefix("http://localhost")).get_json()
    assert len(last["items"]) == 1 and last["links"]["next"] is None


@pytest.mark.parametrize("query", ["page=0", "page=x", "size=101", "size=0", "page=-1", "page=٣"])
def test_a_bad_page_or_size_is_a_400_problem(client, query):
    response = client.get(f"/api/v1/events?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert set(response.get_json()) == {"type", "title", "status", "detail"}


def test_an_address_the_api_does_not_have_is_a_404_problem(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404
    assert response.get_json()["title"] == "Not Found"


def test_a_malformed_authorization_header_is_a_401_problem_even_on_a_public_operation(client):
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer nmg_not-a-token"):
        response = client.get("/api/v1/events", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.mimetype == "application/problem+json"


def test_the_api_only_reads_a_post_is_a_405_problem(client):
    response = client.post("/api/v1/events")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert "GET" in response.headers["Allow"]
