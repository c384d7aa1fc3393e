"""Comments on circulated minutes as their users meet them: the team replies under a member's comment and
resolves it with the reply; the approval page lists what is still open before its button."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.minutes import comments, lifecycle, writing
from nmg_ops.models import MeetingStatus, MinutesComment
from tests.fixtures.factories import PASSWORD


def _held(make_held, people, title):
    meeting = make_held(title, ["Piano annuale"])
    writing.save(meeting, {"opening": "Aperta."}, 0, people["coordination_team"].id)
    lifecycle.circulate(meeting, writing.minutes_of(meeting.id), now=clock.now() - timedelta(days=1))
    return meeting


@pytest.fixture
def held(make_held, people):
    """A plenary held last week whose minutes are circulated; the member was present."""
    return _held(make_held, people, "Plenaria di novembre")


def _client(app, member, language="en"):
    client = app.test_client()
    member.language = language
    db.session.commit()
    assert client.post("/sign-in", data={"email": member.email, "password": PASSWORD}).status_code == 302
    return client


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _comment(meeting, people, body="L'orario è sbagliato."):
    return comments.add_comment(meeting, writing.minutes_of(meeting.id), "opening", body, people["member"].id)


def _reply_url(meeting, comment):
    return f"/meetings/{meeting.id}/minutes/comments/{comment.id}/reply"


def _replies() -> list[MinutesComment]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(MinutesComment).where(MinutesComment.reply_to_id.is_not(None))))


def test_a_reply_is_shown_under_its_comment_to_the_member_who_commented(app, held, people):
    comment = _comment(held, people)
    team = _client(app, people["coordination_team"])
    response = team.post(_reply_url(held, comment), data={"body": "Corretto in 10:10.", "then": "reply"})
    assert response.status_code == 302
    page = _text(_client(app, people["member"]).get(f"/meetings/{held.id}/minutes"))
    [answer] = _replies()
    reply_block = page[page.index(f'id="comment-{answer.id}"') :]
    assert page.index("L'orario è sbagliato.") < page.index(f'id="comment-{answer.id}"')
    assert "Reply by Teresa Team" in reply_block and "Corretto in 10:10." in reply_block
    assert "Reply and resolve" not in page, "members read replies; only the team writes them"
    db.session.expire_all()
    assert comments.comment_of(writing.minutes_of(held.id), comment.id).resolved_at is None


def test_resolving_with_a_reply_closes_the_comment(app, held, people):
    comment = _comment(held, people)
    team = _client(app, people["coordination_team"])
    response = team.post(_reply_url(held, comment), data={"body": "Corretto.", "then": "resolve"})
    assert response.status_code == 302
    db.session.expire_all()
    minutes = writing.minutes_of(held.id)
    assert comments.comment_of(minutes, comment.id).resolved_by_id == people["coordination_team"].id
    assert lifecycle.open_comments(minutes) == 0
    page = team.get(f"/meetings/{held.id}/minutes").get_data(as_text=True)
    assert "Resolved by Teresa Team" in page and "Corretto." in page


def test_the_approval_page_lists_the_open_comments_before_the_button(app, held, people, make_meeting):
    make_meeting("plenary", starts_at=clock.now() - timedelta(hours=2), status=MeetingStatus.CONFIRMED)
    first = _comment(held, people, "Manca il punto sul bilancio.")
    _comment(held, people, "Il mio nome è scritto male.")
    comments.reply(
        writing.minutes_of(held.id), first, "Aggiunto.", people["coordination_team"].id, resolves=True
    )
    _comment(held, people, "La data della prossima riunione manca.")
    page = (
        _client(app, people["coordinator"]).get(f"/meetings/{held.id}/minutes/approve").get_data(as_text=True)
    )
    listed = page.index("Il mio nome è scritto male.")
    assert "2 comments are still open: resolve them before approval." in page
    assert listed < page.index("La data della prossima riunione manca.") < page.index("Approve and lock")
    assert "Manca il punto sul bilancio." not in page, "a resolved comment is not listed"


@pytest.mark.parametrize(
    ("count", "language", "message"),
    [
        (1, "en", "1 comment is still open: resolve it before approval."),
        (3, "en", "3 comments are still open: resolve them before approval."),
        (1, "it", "1 osservazione è ancora aperta: risolvila prima dell'approvazione."),
        (3, "it", "3 osservazioni sono ancora aperte: risolvile prima dell'approvazione."),
    ],
)
def test_open_comments_are_counted_in_the_readers_language(
    app, held, people, make_meeting, count, language, message
):
    for number in range(count):
        _comment(held, people, f"Osservazione {number}")
    plenary = make_meeting(
        "plenary", starts_at=clock.now() - timedelta(hours=2), status=MeetingStatus.CONFIRMED
    )
    coordinator = _client(app, people["coordinator"], language)
    assert message in _text(coordinator.get(f"/meetings/{held.id}/minutes/approve"))
    refused = coordinator.post(f"/meetings/{held.id}/minutes/approve", data={"at_meeting": plenary.id})
    assert refused.status_code == 200 and message in _text(refused)
    assert writing.minutes_of(held.id).approved_on is None


def test_an_empty_or_overlong_reply_is_refused_on_the_form(app, held, people):
    comment = _comment(held, people)
    team = _client(app, people["coordination_team"])
    for body in ("", "   ", "x" * (comments.BODY_MAX + 1)):
        response = team.post(_reply_url(held, comment), data={"body": body, "then": "resolve"})
        assert response.status_code == 422
        assert "invalid-feedback" in response.get_data(as_text=True)
    assert _replies() == []
    assert comments.comment_of(writing.minutes_of(held.id), comment.id).resolved_at is None


def test_a_reply_to_a_reply_is_refused(app, held, people):
    comment = _comment(held, people)
    answer = comments.reply(writing.minutes_of(held.id), comment, "Vediamo.", people["coordination_team"].id)
    team = _client(app, people["coordination_team"])
    response = team.post(_reply_url(held, answer), data={"body": "E ancora.", "then": "reply"})
    assert response.status_code == 409
    assert "a reply is not answered in turn" in response.get_data(as_text=True)
    assert [reply.body for reply in _replies()] == ["Vediamo."]


def test_a_reply_through_another_meeting_finds_nothing(app, held, people, make_held):
    other = _held(make_held, people, "Plenaria di dicembre")
    comment = _comment(other, people)
    team = _client(app, people["coordination_team"])
    response = team.post(_reply_url(held, comment), data={"body": "Risposta.", "then": "resolve"})
    assert response.status_code == 404
    assert _replies() == []


def test_a_member_may_not_reply(app, held, people):
    comment = _comment(held, people)
    member = _client(app, people["member"])
    response = member.post(_reply_url(held, comment), data={"body": "Me lo dico da solo.", "then": "resolve"})
    assert response.status_code == 403
    assert _replies() == []
    assert comments.comment_of(writing.minutes_of(held.id), comment.id).resolved_at is None
