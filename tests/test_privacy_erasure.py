"""A former member erased on request: contact and profile data go, the record stays under a pseudonym."""

from __future__ import annotations

import re

import sqlalchemy as sa

from nmg_ops import audit, clock
from nmg_ops.api import tokens
from nmg_ops.extensions import db
from nmg_ops.minutes import decisions, writing
from nmg_ops.models import (
    ActionItem,
    ApiToken,
    AuditAction,
    AuditEntry,
    AuditSubject,
    ConsentEvent,
    Invitation,
    Member,
    Minutes,
    MinutesComment,
    MinutesRevision,
    NewsConsent,
    NewsEdition,
    NewsSubscriber,
    SignInAttempt,
    SubscriberStatus,
)


def _former(make_member, make_meeting) -> Member:
    gone = make_member(
        email="gone@example.org",
        full_name="Gina Gone",
        position="Analyst",
        region="Lazio",
        expertise="Registries",
    )
    make_meeting(invitees=[gone])
    db.session.add(ActionItem(title="Write the note", owners=[gone]))
    db.session.add(NewsSubscriber(email=gone.email, status=SubscriberStatus.CONFIRMED))
    db.session.add(
        NewsConsent(
            email=gone.email, edition=NewsEdition.PUBLIC, event=ConsentEvent.GIVEN, wording="Yes", source="x"
        )
    )
    db.session.add(SignInAttempt(email=gone.email, remote_addr="192.0.2.7", is_success=True))
    tokens.create(gone, "Gina's spreadsheet")
    audit.record(
        AuditAction.UPDATED, AuditSubject.MEMBER, gone.id, "Gina Gone", {"position": ["", "Analyst"]}
    )
    gone.left_on = clock.today()
    db.session.commit()
    return gone


def test_the_coordinator_erases_a_former_member_under_a_stable_pseudonym(
    client, people, sign_in, make_member, make_meeting
):
    gone = _former(make_member, make_meeting)
    sign_in(people["coordinator"])
    assert f'href="/members/{gone.id}/erase"' in client.get(f"/members/{gone.id}").get_data(as_text=True)
    page = client.get(f"/members/{gone.id}/erase").get_data(as_text=True)
    assert f"Former member {gone.id}" in page
    # Not confirmed: nothing happens.
    assert client.post(f"/members/{gone.id}/erase", data={}).status_code == 400
    assert db.session.get(Member, gone.id).full_name == "Gina Gone"
    response = client.post(f"/members/{gone.id}/erase", data={"confirm": "y"})
    assert response.status_code == 302
    erased = db.session.get(Member, gone.id)
    assert erased.full_name == f"Former member {gone.id}"
    assert erased.email == f"member-{gone.id}@former.invalid"
    assert erased.position is None and erased.region is None and erased.expertise is None
    for model in (NewsSubscriber, NewsConsent, SignInAttempt):
        assert db.session.scalars(sa.select(model).where(model.email == "gone@example.org")).all() == []
    assert db.session.scalars(sa.select(ApiToken).where(ApiToken.member_id == gone.id)).all() == []
    # The record keeps its shape: the invitation and the action are still theirs, under the pseudonym.
    assert db.session.scalar(sa.select(Invitation).where(Invitation.member_id == gone.id)) is not None
    assert [o.full_name for o in db.session.scalar(sa.select(ActionItem)).owners] == [erased.full_name]
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.subject_id == gone.id)).all()
    assert {e.action for e in entries} == {"updated", "erased"}
    assert all(e.subject_label == erased.full_name for e in entries)
    assert all("Analyst" not in str(e.changes) and "Gina" not in str(e.changes) for e in entries)
    assert "Gina Gone" not in client.get(f"/members/{gone.id}/data.json").get_data(as_text=True)


def test_the_pseudonym_is_in_the_groups_language(app, client, people, sign_in, make_member, make_meeting):
    app.config["DEFAULT_LANGUAGE"] = "it"
    gone = _former(make_member, make_meeting)
    sign_in(people["coordinator"])
    client.post(f"/members/{gone.id}/erase", data={"confirm": "y"})
    assert db.session.get(Member, gone.id).full_name == f"Ex membro {gone.id}"


def test_a_current_member_is_not_erased(client, people, sign_in):
    sign_in(people["coordinator"])
    member = people["member"]
    response = client.post(f"/members/{member.id}/erase", data={"confirm": "y"})
    assert response.status_code == 400
    assert "Deactivate the member first" in response.get_data(as_text=True)
    assert db.session.get(Member, member.id).email == "plain@example.org"


def test_members_cannot_erase_anyone(client, people, sign_in, make_member, make_meeting):
    gone = _former(make_member, make_meeting)
    sign_in(people["member"])
    assert client.post(f"/members/{gone.id}/erase", data={"confirm": "y"}).status_code == 403
    assert db.session.get(Member, gone.id).full_name == "Gina Gone"


def test_the_name_others_wrote_is_replaced_everywhere_and_search_no_longer_finds_it(
    client, people, sign_in, make_member, make_meeting, make_held
):
    gone = _former(make_member, make_meeting)
    team = people["coordination_team"].id
    held = make_held("Plenaria di ottobre", ["Registri"])
    item = held.agenda_items[0]
    item.presenter = "Gina Gone"
    writing.save(held, {"opening": "Gina Gone presented the registry."}, 0, team)
    writing.save(
        held,
        {"opening": "GINA GONE presented the registry;\nthanks to Gina\nGone and to Gina Gonetti."},
        1,
        team,
    )
    decisions.record(held, writing.minutes_of(held.id), "opening", "Gina Gone drafts the terms.", team)
    db.session.add(
        MinutesComment(
            minutes_id=writing.minutes_of(held.id).id,
            section="opening",
            body="Ask Gina Gone.",
            author_id=team,
        )
    )
    db.session.commit()
    sign_in(people["coordinator"])
    assert "Gina Gone" in client.get("/records/search?q=gina+gone").get_data(as_text=True)
    assert client.post(f"/members/{gone.id}/erase", data={"confirm": "y"}).status_code == 302

    pseudonym = f"Former member {gone.id}"
    pages = [
        client.get(path).get_data(as_text=True)
        for path in (
            f"/meetings/{held.id}/minutes",
            f"/meetings/{held.id}/minutes/revisions",
            f"/meetings/{held.id}",
            "/decisions",
            "/actions",
        )
    ]
    # Search, which echoes the words asked for, finds nothing under the old name (the minutes still match
    # for Gina Gonetti's sake, though not for the erased member's).
    found = client.get("/records/search?q=gina+gone").get_data(as_text=True)
    assert all(f"No {what} match." in found for what in ("decisions", "actions"))
    kept = db.session.scalar(sa.select(Minutes.search_text))
    assert "gina gonetti" in kept and not re.search(r"gina\s+gone\b", kept)
    for page in pages:
        found = re.search(r"gina\s+gone\b", page, re.IGNORECASE)
        assert not found, page[found.start() - 300 : found.end() + 50]
    assert pseudonym in pages[0] and pseudonym in pages[3]
    assert "Gina Gonetti" in pages[0], "another person's name stays"
    texts = {rev.number: rev.sections["opening"] for rev in db.session.scalars(sa.select(MinutesRevision))}
    assert texts[1] == f"{pseudonym} presented the registry."
    assert texts[2].startswith(f"{pseudonym} presented the registry;\nthanks to {pseudonym} and")
