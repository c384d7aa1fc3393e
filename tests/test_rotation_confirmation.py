"""The next coordinator term is confirmed by someone else: by a decision of approved minutes, chosen from a
short readable list, or by another member of the coordination team; a self-proposal says so."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.models import AuditEntry, CoordinatorTerm, Decision, MeetingStatus, Minutes, MinutesStatus
from tests.fixtures.factories import PASSWORD


@pytest.fixture
def decisions(make_meeting):
    """One decision of approved minutes, one of circulated minutes, one of a meeting without minutes."""
    made = {}
    for days, status, text in (
        (20, MinutesStatus.APPROVED, "The plenary confirms Carla Coordinator for a second term from January"),
        (10, MinutesStatus.CIRCULATED, "The team proposes a change to the rotation order"),
        (5, None, "The thematic group adopts its work plan"),
    ):
        meeting = make_meeting(
            "plenary", starts_at=clock.now() - timedelta(days=days), status=MeetingStatus.HELD
        )
        decision = Decision(year=2026, number=30 - days, meeting_id=meeting.id, text=text)
        db.session.add(decision)
        if status is not None:
            db.session.add(Minutes(meeting_id=meeting.id, status=status))
        made[status] = decision
    db.session.commit()
    return made


def _client(app, member):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": member.email, "password": PASSWORD}).status_code == 302
    return client


def _self_proposed(app, people) -> CoordinatorTerm:
    coordinator = _client(app, people["coordinator"])
    assert (
        coordinator.post(
            "/coordinators/propose", data={"proposal-member_id": people["coordinator"].id}
        ).status_code
        == 302
    )
    return db.session.scalar(sa.select(CoordinatorTerm).where(~CoordinatorTerm.is_confirmed))


def _confirm(client, term, **data):
    # The page holds the proposal and the confirmation forms, their fields named apart by a prefix.
    fields = {"decision_id": "", **data}
    return client.post(
        f"/coordinators/{term.id}/confirm",
        data={f"confirmation-{name}": value for name, value in fields.items()},
    )


def _is_confirmed(term) -> bool:
    db.session.expire_all()
    return db.session.get(CoordinatorTerm, term.id).is_confirmed


def test_the_coordinator_cannot_confirm_their_own_next_term_alone(app, people, decisions):
    term = _self_proposed(app, people)
    coordinator = _client(app, people["coordinator"])
    refused = _confirm(coordinator, term, note="I confirm myself.")
    assert refused.status_code == 400
    assert "You cannot confirm your own term alone" in html.unescape(refused.get_data(as_text=True))
    assert not _is_confirmed(term)
    unapproved = _confirm(coordinator, term, decision_id=decisions[MinutesStatus.CIRCULATED].id)
    assert unapproved.status_code == 400 and not _is_confirmed(term)
    assert _confirm(coordinator, term, decision_id=decisions[MinutesStatus.APPROVED].id).status_code == 302
    assert _is_confirmed(term)


def test_another_member_of_the_team_confirms_with_a_note(app, people):
    term = _self_proposed(app, people)
    team = _client(app, people["coordination_team"])
    assert _confirm(team, term, note="Agreed by the team by e-mail on 3 March.").status_code == 302
    assert _is_confirmed(term)
    page = html.unescape(team.get("/coordinators").get_data(as_text=True))
    assert "Confirmed by Teresa Team: Agreed by the team by e-mail on 3 March." in page


def test_a_member_outside_the_team_cannot_confirm(app, people):
    term = _self_proposed(app, people)
    assert _confirm(_client(app, people["member"]), term, note="Me too.").status_code == 403
    assert not _is_confirmed(term)


def test_the_choice_lists_only_decisions_of_approved_minutes_readably(app, people, decisions):
    _self_proposed(app, people)
    page = html.unescape(
        _client(app, people["coordination_team"]).get("/coordinators").get_data(as_text=True)
    )
    options = re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)</option>', page)
    approved = decisions[MinutesStatus.APPROVED]
    day = clock.local(approved.meeting.starts_at)
    assert [int(value) for value, _label in options] == [approved.id]
    label = options[0][1]
    assert label.startswith(f"{approved.code} · ") and f"{day.year}" in label
    assert label.endswith("The plenary confirms Carla Coordinator for a second term from January")


def test_a_self_proposal_shows_on_the_page_and_in_the_audit_trail(app, people):
    term = _self_proposed(app, people)
    team = _client(app, people["coordination_team"])
    page = html.unescape(team.get("/coordinators").get_data(as_text=True))
    assert "Carla Coordinator proposed themselves." in page and "Self-proposal" in page
    _confirm(team, term, note="Agreed by the team.")
    entries = {
        entry.action: entry.changes
        for entry in db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.subject_type == "coordinator_term", AuditEntry.subject_id == term.id
            )
        )
    }
    assert entries["proposed"] == {"proposed_by": [None, "Carla Coordinator"], "self_proposal": [None, True]}
    assert entries["confirmed"]["self_proposal"] == [None, True]
    assert entries["confirmed"]["confirmed_by"] == [None, "Teresa Team"]
    trail = html.unescape(team.get("/audit").get_data(as_text=True))
    assert "self_proposal" in trail


def test_proposing_someone_else_is_no_self_proposal(app, people, make_member):
    coordinator = _client(app, people["coordinator"])
    successor = make_member(full_name="Sara Successor")
    assert (
        coordinator.post("/coordinators/propose", data={"proposal-member_id": successor.id}).status_code
        == 302
    )
    page = html.unescape(coordinator.get("/coordinators").get_data(as_text=True))
    assert "Self-proposal" not in page and "proposed themselves" not in page
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "proposed"))
    assert entry.changes == {"proposed_by": [None, "Carla Coordinator"]}
