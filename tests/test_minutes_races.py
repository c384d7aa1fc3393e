"""Writers saving the same minutes at the same instant, over real HTTP to a threaded server: one save wins,
every other gets the conflict page with its own text, on the first save of the minutes as on a later one."""

from __future__ import annotations

import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from nmg_ops.extensions import db
from nmg_ops.models import Minutes, MinutesRevision
from tests.fixtures.factories import PASSWORD
from tests.test_minutes_pages import _editor_fields

ROUNDS = 5
CONFLICT = "Someone else saved in the meantime"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One member's browser: its own cookies; a redirect is an answer, not followed."""

    def __init__(self, base_url: str, member) -> None:
        self.base_url = base_url
        self.name = member.full_name
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies, _NoRedirect)
        status, _ = self.open("/sign-in", {"email": member.email, "password": PASSWORD})
        assert status == 302

    def open(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base_url + path, data, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode()


@pytest.fixture
def server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def writers(server, people, make_member):
    """Two members of the coordination team and the coordinator, each signed in in their own browser."""
    third = make_member(email="ct2@example.org", full_name="Tina Team", is_coordination_team=True)
    db.session.commit()
    return [Browser(server, member) for member in (people["coordination_team"], people["coordinator"], third)]


def _race(writers: list[Browser], path: str, forms: list[dict[str, str]]) -> list[tuple[int, str]]:
    """Post every form at the same instant, each from its own browser; the answers in the same order."""
    barrier = threading.Barrier(len(writers))
    answers: list[tuple[int, str] | None] = [None] * len(writers)

    def post(index: int) -> None:
        barrier.wait()
        answers[index] = writers[index].open(path, forms[index])

    threads = [threading.Thread(target=post, args=(index,)) for index in range(len(writers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _saved(meeting_id: int) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(MinutesRevision.sections)
            .join(Minutes)
            .where(Minutes.meeting_id == meeting_id)
            .order_by(MinutesRevision.number)
        )
    )


def _one_wins_and_the_others_keep_their_text(writers, forms, answers) -> int:
    """The index of the winner, after checking that each loser sees its own text beside the winner's."""
    statuses = [status for status, _ in answers]
    assert sorted(statuses) == [302, 409, 409], statuses
    winner = statuses.index(302)
    for index, (_, page) in enumerate(answers):
        if index == winner:
            continue
        assert CONFLICT in page
        assert _editor_fields(page)["section-opening"] == forms[index]["section-opening"]
        assert writers[winner].name in page.split('id="conflict"')[1]
    return winner


def test_three_first_saves_at_once_one_wins_and_each_other_gets_its_own_text_back(app, writers, make_held):
    for round_ in range(ROUNDS):
        meeting_id = make_held(f"Plenaria {round_}", ["Benvenuto"]).id
        path = f"/meetings/{meeting_id}/minutes/edit"
        forms = []
        for writer in writers:
            status, page = writer.open(path)
            assert status == 200
            form = _editor_fields(page)
            assert form["base"] == "0"
            forms.append({**form, "section-opening": f"Round {round_}: opened, as {writer.name} heard it."})

        answers = _race(writers, path, forms)

        winner = _one_wins_and_the_others_keep_their_text(writers, forms, answers)
        assert _saved(meeting_id) == [{"opening": forms[winner]["section-opening"]}]
        # The conflict page's form saves the loser's text on top of the winner's.
        loser = next(index for index in range(len(writers)) if index != winner)
        again = _editor_fields(answers[loser][1])
        assert again["base"] == "1"
        assert writers[loser].open(path, again)[0] == 302
        assert [s["opening"] for s in _saved(meeting_id)] == [
            forms[winner]["section-opening"],
            forms[loser]["section-opening"],
        ]


def test_three_later_saves_from_the_same_revision_one_wins_and_each_other_gets_its_own_text_back(
    app, writers, make_held
):
    for round_ in range(ROUNDS):
        meeting_id = make_held(f"Plenaria {round_}", ["Benvenuto"]).id
        path = f"/meetings/{meeting_id}/minutes/edit"
        first = _editor_fields(writers[0].open(path)[1])
        assert writers[0].open(path, {**first, "section-opening": "Opened."})[0] == 302
        forms = []
        for writer in writers:
            form = _editor_fields(writer.open(path)[1])
            assert form["base"] == "1"
            forms.append({**form, "section-opening": f"Round {round_}: {writer.name} corrects the opening."})

        answers = _race(writers, path, forms)

        winner = _one_wins_and_the_others_keep_their_text(writers, forms, answers)
        assert [s["opening"] for s in _saved(meeting_id)] == ["Opened.", forms[winner]["section-opening"]]
