"""The rotation that does not slip: proposing the next coordinator, confirming, warnings, the announcement
and the handover page."""

from __future__ import annotations

import email
import email.policy
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from nmg_ops import clock, config
from nmg_ops.extensions import db
from nmg_ops.governance import rotation, services
from nmg_ops.models import (
    ActionItem,
    AuditEntry,
    CoordinatorTerm,
    Decision,
    DeliveryStatus,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    OutboundMessage,
)
from nmg_ops.permissions import Role, roles_of, term_on
from nmg_ops.scheduler import JOBS

ROME = ZoneInfo("Europe/Rome")


def _at(day: date) -> datetime:
    """Mid-morning in Rome on `day`, when an hourly run would pass."""
    return datetime.combine(day, time(9, 0), tzinfo=ROME)


def _keys(purpose: str) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(OutboundMessage.dedupe_key)
            .where(OutboundMessage.purpose == purpose)
            .order_by(OutboundMessage.id)
        )
    )


def _recipients(purpose: str) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(OutboundMessage.recipient)
            .where(OutboundMessage.purpose == purpose)
            .order_by(OutboundMessage.recipient)
        )
    )


@pytest.fixture
def ending(people):
    """Today's term (the coordinator's) and its end; the coordination team is Teresa."""
    term = db.session.scalar(
        sa.select(CoordinatorTerm).where(CoordinatorTerm.member_id == people["coordinator"].id)
    )
    return term


# --- the warnings, the clock moving through the last 90 days ----------------------------------------------


def test_each_warning_goes_once_to_the_coordinator_and_the_team_until_a_successor_is_confirmed(
    app, people, ending, make_member
):
    assert "warn_rotation" in JOBS
    end = ending.ends_on
    # Daily runs from 100 days before the end to the day before the last day.
    for days_left in range(100, 1, -1):
        rotation.warn_rotation(_at(end - timedelta(days=days_left)))
    keys = _keys(rotation.WARNING_PURPOSE)
    coordinator, team = people["coordinator"].id, people["coordination_team"].id
    assert sorted(keys) == sorted(
        f"rotation_warning:{ending.id}:{offset}d:{person}"
        for offset in (90, 30, 7)
        for person in (coordinator, team)
    )
    assert _recipients(rotation.WARNING_PURPOSE) == sorted(["coordinator@example.org", "ct@example.org"] * 3)
    # A plain member and the admin are not warned.
    assert "plain@example.org" not in _recipients(rotation.WARNING_PURPOSE)
    row = db.session.scalar(sa.select(OutboundMessage).where(OutboundMessage.dedupe_key == keys[-1]))
    assert row.status is DeliveryStatus.PENDING
    message = email.message_from_bytes(row.content, policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    assert "Carla Coordinator" in text and "no successor has been confirmed" in text


def test_confirming_a_successor_stops_the_warnings(app, people, ending, make_member):
    end = ending.ends_on
    rotation.warn_rotation(_at(end - timedelta(days=80)))
    assert len(_keys(rotation.WARNING_PURPOSE)) == 2
    successor = make_member(full_name="Sara Successor")
    with app.test_request_context():
        term, _warning = rotation.propose(successor)
        db.session.commit()
        # A proposal alone does not stop them.
        rotation.warn_rotation(_at(end - timedelta(days=25)))
        assert len(_keys(rotation.WARNING_PURPOSE)) == 4
        rotation.confirm(term, people["coordinator"], note="Agreed by the team by e-mail.")
        db.session.commit()
    for days_left in range(25, 0, -1):
        rotation.warn_rotation(_at(end - timedelta(days=days_left)))
    assert len(_keys(rotation.WARNING_PURPOSE)) == 4


def test_after_an_outage_only_the_closest_warning_goes(app, people, ending):
    rotation.warn_rotation(_at(ending.ends_on - timedelta(days=5)))
    assert {key.split(":")[2] for key in _keys(rotation.WARNING_PURPOSE)} == {"7d"}


def test_the_announcement_goes_once_to_every_current_member_at_the_change(app, people, ending, make_member):
    leaver = make_member(full_name="Leo Left", left_on=ending.ends_on - timedelta(days=10))
    successor = make_member(full_name="Sara Successor")
    with app.test_request_context():
        term, _warning = rotation.propose(successor)
        rotation.confirm(term, people["coordinator"], note="Confirmed at the plenary's call.")
        db.session.commit()
    rotation.warn_rotation(_at(ending.ends_on - timedelta(days=1)))
    assert _keys(rotation.ANNOUNCEMENT_PURPOSE) == []
    for hours in (0, 1, 5, 30, 60):
        rotation.warn_rotation(_at(term.starts_on) + timedelta(hours=hours))
    current = ["admin@example.org", "coordinator@example.org", "ct@example.org", "plain@example.org"]
    current.append(successor.email)
    assert _recipients(rotation.ANNOUNCEMENT_PURPOSE) == sorted(current)
    assert leaver.email not in _recipients(rotation.ANNOUNCEMENT_PURPOSE)
    assert all(
        key.startswith(f"coordinator_announcement:{term.id}:") for key in _keys("coordinator_announcement")
    )
    row = db.session.scalar(
        sa.select(OutboundMessage).where(OutboundMessage.recipient == "plain@example.org")
    )
    assert "Sara Successor" in row.subject


def test_a_proposed_term_is_never_announced(app, people, ending, make_member):
    with app.test_request_context():
        term, _warning = rotation.propose(make_member(full_name="Sara Successor"))
        db.session.commit()
    rotation.warn_rotation(_at(term.starts_on))
    assert _keys(rotation.ANNOUNCEMENT_PURPOSE) == []


# --- proposing ---------------------------------------------------------------------------------------------


@pytest.fixture
def history(app, make_org, make_member, make_term):
    """Past terms held by A (longest ago) and B, today's term by C; D never held it."""
    orgs = {name: make_org(name=f"Org {name}") for name in "ABCD"}
    holders = {name: make_member(full_name=f"Holder {name}", organisation=orgs[name]) for name in "ABCD"}
    start = clock.today() - timedelta(days=365 * 2 + 30)
    for position, name in enumerate("ABC", start=1):
        make_term(holders[name], starts_on=start + timedelta(days=365 * (position - 1)), position=position)
    return holders


def test_candidates_skip_the_organisations_of_recent_terms_and_come_in_rotation_order(
    app, history, make_member
):
    colleague_of_a = make_member(full_name="Another of A", organisation=history["A"].organisation)
    with app.test_request_context():
        suggested = rotation.candidates()
    # B and C hold the last two terms; D never held it, A's organisation longest ago.
    assert [m.full_name for m in suggested] == ["Holder D", "Another of A", "Holder A"]
    assert colleague_of_a in suggested


def test_candidates_are_current_members_only(app, history, make_member):
    make_member(full_name="Gone Away", left_on=clock.today() - timedelta(days=1))
    with app.test_request_context():
        assert "Gone Away" not in [m.full_name for m in rotation.candidates()]
        with pytest.raises(services.GovernanceError):
            rotation.propose(
                db.session.scalar(sa.select(type(history["A"])).filter_by(full_name="Gone Away"))
            )


def test_the_coordinator_may_break_the_rotation_with_a_warning(app, history):
    with app.test_request_context():
        term, warning = rotation.propose(history["B"])
        assert "Org B" in warning
        assert not term.is_confirmed


def test_a_proposal_in_rotation_order_has_no_warning_and_a_second_one_is_refused(app, history):
    with app.test_request_context():
        _term, warning = rotation.propose(history["D"])
        assert warning is None
        with pytest.raises(services.GovernanceError, match="already proposed"):
            rotation.propose(history["A"])


# --- confirming and rights ---------------------------------------------------------------------------------


@pytest.fixture
def held_decision(make_meeting):
    """A decision of a plenary held three days ago whose minutes are approved."""
    meeting = make_meeting("plenary", starts_at=clock.now() - timedelta(days=3), status=MeetingStatus.HELD)
    decision = Decision(
        year=2026, number=7, meeting_id=meeting.id, text="The plenary confirms the successor."
    )
    db.session.add_all([decision, Minutes(meeting_id=meeting.id, status=MinutesStatus.APPROVED)])
    db.session.commit()
    return decision


def test_confirmation_by_a_decision_of_approved_minutes_is_recorded_and_audited(
    app, people, held_decision, make_member
):
    with app.test_request_context():
        term, _warning = rotation.propose(make_member(full_name="Sara Successor"))
        rotation.confirm(term, people["coordinator"], held_decision)
        db.session.commit()
    assert term.is_confirmed and term.decision_id == held_decision.id
    assert term.confirmed_by_id == people["coordinator"].id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "confirmed"))
    assert entry.subject_id == term.id


def test_confirmation_needs_a_decision_of_approved_minutes_or_a_note(app, people, make_member, make_meeting):
    meeting = make_meeting("plenary", starts_at=clock.now() - timedelta(days=3), status=MeetingStatus.HELD)
    not_held = Decision(year=2026, number=8, meeting_id=meeting.id, text="Still a draft")
    db.session.add_all([not_held, Minutes(meeting_id=meeting.id, status=MinutesStatus.CIRCULATED)])
    db.session.commit()
    with app.test_request_context():
        term, _warning = rotation.propose(make_member())
        with pytest.raises(services.GovernanceError):
            rotation.confirm(term, people["coordinator"])
        with pytest.raises(services.GovernanceError):
            rotation.confirm(term, people["coordinator"], not_held)
        rotation.confirm(term, people["coordinator"], note="  By the team, 3 March.  ")
        assert term.confirmation_note == "By the team, 3 March."
        with pytest.raises(services.GovernanceError, match="already confirmed"):
            rotation.confirm(term, people["coordinator"], note="again")


def test_rights_follow_confirmed_terms_only(app, make_member, make_term):
    proposed = make_member(full_name="Pia Proposed")
    term = make_term(proposed, starts_on=clock.today() - timedelta(days=3))
    term.is_confirmed = False
    db.session.commit()
    # A fresh application context each time: the coordinator is looked up once per context.
    with app.app_context():
        assert term_on(clock.today()) is None
        assert Role.COORDINATOR not in roles_of(proposed)
    term.is_confirmed = True
    db.session.commit()
    with app.app_context():
        assert Role.COORDINATOR in roles_of(proposed)


# --- the pages ---------------------------------------------------------------------------------------------


def test_the_coordinator_proposes_and_confirms_through_the_page(client, people, sign_in, make_member):
    successor = make_member(full_name="Sara Successor")
    sign_in(people["coordinator"])
    page = client.get("/coordinators").get_data(as_text=True)
    assert "Propose the next coordinator" in page
    response = client.post("/coordinators/propose", data={"proposal-member_id": successor.id})
    assert response.status_code == 302
    term = db.session.scalar(sa.select(CoordinatorTerm).where(CoordinatorTerm.member_id == successor.id))
    assert not term.is_confirmed
    page = client.get("/coordinators").get_data(as_text=True)
    assert "Proposed, not confirmed" in page
    assert (
        client.post(f"/coordinators/{term.id}/confirm", data={"confirmation-decision_id": ""}).status_code
        == 400
    )
    response = client.post(
        f"/coordinators/{term.id}/confirm",
        data={"confirmation-decision_id": "", "confirmation-note": "By e-mail."},
    )
    assert response.status_code == 302
    db.session.refresh(term)
    assert term.is_confirmed


@pytest.mark.parametrize(
    "role, warned", [("coordinator", True), ("coordination_team", True), ("member", False)]
)
def test_the_start_page_warns_the_coordinator_and_the_team_but_not_members(
    client, people, sign_in, ending, monkeypatch, role, warned
):
    sign_in(people[role])
    monkeypatch.setattr(clock, "today", lambda: ending.ends_on - timedelta(days=60))
    page = client.get("/").get_data(as_text=True)
    assert ('id="rotation-warning"' in page) is warned


def test_the_start_page_has_no_warning_long_before_the_end(client, people, sign_in, ending):
    sign_in(people["coordinator"])
    assert 'id="rotation-warning"' not in client.get("/").get_data(as_text=True)


def test_the_handover_page_lists_open_actions_coming_meetings_and_failed_deliveries(
    client, people, sign_in, make_meeting
):
    make_meeting("plenary", status=MeetingStatus.CONFIRMED, title="Plenary in a month")
    make_meeting("plenary", starts_at=clock.now() + timedelta(days=150), title="Plenary far away")
    db.session.add(ActionItem(title="Renew the mailing list", owners=[people["member"]]))
    db.session.add(
        OutboundMessage(
            purpose="test",
            dedupe_key="handover:1",
            recipient="bounce@example.org",
            subject="A mail that failed",
            message_id="<1@example.org>",
            content=b"",
            status=DeliveryStatus.FAILED,
            last_error="550 no such user",
        )
    )
    db.session.commit()
    sign_in(people["coordination_team"])
    page = client.get("/coordinators/handover").get_data(as_text=True)
    assert "Renew the mailing list" in page
    assert "Plenary in a month" in page and "Plenary far away" not in page
    assert "A mail that failed" in page and "550 no such user" in page
    assert "Not in use yet" not in page
    assert "No issue in preparation." in page and "No issue sent yet." in page


def test_members_do_not_see_the_handover_page(client, people, sign_in):
    sign_in(people["member"])
    assert client.get("/coordinators/handover").status_code == 403


@pytest.mark.parametrize("value", [[90, 0], [90, "30"], [True], 30])
def test_nonsense_rotation_warning_days_are_refused_by_name(tmp_path, value):
    with pytest.raises(config.ConfigError, match="ROTATION_WARNING_DAYS"):
        config.load("testing", tmp_path, {"ROTATION_WARNING_DAYS": value})


def test_an_nmg_may_turn_rotation_warnings_off(tmp_path):
    assert config.load("testing", tmp_path, {"ROTATION_WARNING_DAYS": []})["ROTATION_WARNING_DAYS"] == []
