"""A former member erased on request: contact and profile data go, the record stays under a pseudonym."""

from __future__ import annotations

import sqlalchemy as sa

from nmg_ops import audit, clock
from nmg_ops.extensions import db
from nmg_ops.models import (
    ActionItem,
    AuditAction,
    AuditEntry,
    AuditSubject,
    ConsentEvent,
    Invitation,
    Member,
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
