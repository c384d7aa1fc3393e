"""The team asks the coordinator to approve an issue: one mail to the coordinator in office per version of
the issue, in the coordinator's language, and nothing where the group does not ask for approval."""

from __future__ import annotations

import sqlalchemy as sa

from nmg_ops.extensions import db
from nmg_ops.models import Member, NewsIssue
from tests.fixtures.news import news_world


def _requests(outbox) -> list:
    return [m for m in outbox() if "e-news n. 2" in m["Subject"]]


def test_the_coordinator_is_asked_once_per_version_of_the_issue(app, client, runner, people, sign_in, outbox):
    app.config["NEWS_APPROVAL_REQUIRED"] = True
    world = news_world()
    sign_in(people["coordination_team"])
    page = client.get(f"/news/issues/{world.draft_id}").get_data(as_text=True)
    assert "Ask the coordinator to approve" in page

    for _ in range(2):
        response = client.post(f"/news/issues/{world.draft_id}/ask-approval", follow_redirects=True)
        assert response.status_code == 200
    assert "already asked to approve this version" in response.get_data(as_text=True)
    for _ in range(2):
        assert runner.invoke(args=["tick"]).exit_code == 0
    (mail,) = _requests(outbox)
    assert mail["To"].addresses[0].addr_spec == "coordinator@example.org"
    assert mail["Subject"] == "E-news to approve: IT NMG e-news n. 2 — February 2031"
    body = mail.get_body(("plain",)).get_content()
    assert "Teresa Team asks you to approve" in body and f"/news/issues/{world.draft_id}#review" in body

    db.session.execute(sa.update(NewsIssue).where(NewsIssue.id == world.draft_id).values(version=2))
    db.session.commit()
    client.post(f"/news/issues/{world.draft_id}/ask-approval")
    runner.invoke(args=["tick"])
    assert len(_requests(outbox)) == 2, "a changed draft asks anew"


def test_the_request_is_in_the_coordinators_language(app, client, runner, people, sign_in, outbox):
    app.config["NEWS_APPROVAL_REQUIRED"] = True
    db.session.execute(sa.update(Member).where(Member.id == people["coordinator"].id).values(language="it"))
    db.session.commit()
    world = news_world()
    sign_in(people["coordination_team"])
    client.post(f"/news/issues/{world.draft_id}/ask-approval")
    runner.invoke(args=["tick"])
    (mail,) = _requests(outbox)
    assert mail["Subject"] == "E-news da approvare: IT NMG e-news n. 2 — February 2031"


def test_nothing_is_asked_where_the_group_does_not_approve_its_e_news(
    app, client, runner, people, sign_in, outbox
):
    app.config["NEWS_APPROVAL_REQUIRED"] = False
    world = news_world()
    sign_in(people["coordination_team"])
    assert "Ask the coordinator to approve" not in client.get(f"/news/issues/{world.draft_id}").get_data(
        as_text=True
    )
    response = client.post(f"/news/issues/{world.draft_id}/ask-approval", follow_redirects=True)
    assert "does not ask the coordinator to approve" in response.get_data(as_text=True)
    runner.invoke(args=["tick"])
    assert _requests(outbox) == []


def test_only_the_team_may_ask(app, client, people, sign_in):
    app.config["NEWS_APPROVAL_REQUIRED"] = True
    world = news_world()
    sign_in(people["member"])
    assert client.post(f"/news/issues/{world.draft_id}/ask-approval").status_code == 403
