"""Actions that mail many people ask once first: the first post shows what will happen and to how many,
and changes nothing; only the post from the confirmation page does it."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.delivery.dispatcher import dispatch
from nmg_ops.extensions import db
from nmg_ops.meetings import planning
from nmg_ops.models import (
    Announcement,
    CoordinatorTerm,
    Invitation,
    Meeting,
    MeetingStatus,
    Member,
    OutboundMessage,
)

CONFIRMED = {"confirmed": "yes"}


def _mails(purpose: str) -> list[OutboundMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboundMessage).where(OutboundMessage.purpose == purpose)))


def _nothing_announced() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Announcement)) == 0


@pytest.fixture
def guest_meeting(make_meeting, people):
    meeting = make_meeting(invitees=[people["member"], people["coordination_team"]], mode="online")
    meeting.invitations.append(Invitation(guest_name="Gina Guest", guest_email="gina@guest.example"))
    db.session.commit()
    return meeting


def test_confirming_a_meeting_says_how_many_invitations_go_and_sends_none_until_confirmed(
    client, people, sign_in, guest_meeting
):
    sign_in(people["coordinator"])
    first = client.post(f"/meetings/{guest_meeting.id}/confirm")
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert "3 invitations will be sent." in page
    assert 'name="confirmed" value="yes"' in page
    db.session.expire_all()
    assert db.session.get(Meeting, guest_meeting.id).status is MeetingStatus.DRAFT
    assert _nothing_announced() and _mails("itip_request") == []

    done = client.post(f"/meetings/{guest_meeting.id}/confirm", data=CONFIRMED, follow_redirects=True)
    assert "is confirmed" in done.get_data(as_text=True)
    assert db.session.get(Meeting, guest_meeting.id).status is MeetingStatus.CONFIRMED
    assert sorted(m.recipient for m in _mails("itip_request")) == [
        "ct@example.org",
        "gina@guest.example",
        "plain@example.org",
    ]


def test_the_count_reads_in_italian_with_its_plural(client, people, sign_in, make_meeting):
    people["coordinator"].language = "it"
    db.session.commit()
    single = make_meeting(invitees=[people["member"]], mode="online", title="Una")
    many = make_meeting(invitees=[people["member"], people["admin"]], mode="online", title="Due")
    sign_in(people["coordinator"])
    assert "Verrà inviato 1 invito." in client.post(f"/meetings/{single.id}/confirm").get_data(as_text=True)
    assert "Verranno inviati 2 inviti." in client.post(f"/meetings/{many.id}/confirm").get_data(as_text=True)


def test_a_meeting_not_ready_is_refused_at_once_without_the_question(client, people, sign_in, make_meeting):
    meeting = make_meeting(invitees=[], mode="online")
    sign_in(people["coordinator"])
    page = client.post(f"/meetings/{meeting.id}/confirm", follow_redirects=True).get_data(as_text=True)
    assert "Nobody is invited yet" in page and "invitations will be sent" not in page


@pytest.mark.smtp
def test_cancelling_asks_once_and_mails_the_organisers_message(
    app, smtp_sink, client, people, sign_in, guest_meeting
):
    guest_meeting.status = MeetingStatus.CONFIRMED
    db.session.commit()
    sign_in(people["coordinator"])
    first = client.post(f"/meetings/{guest_meeting.id}/cancel")
    page = first.get_data(as_text=True)
    assert first.status_code == 200
    assert "3 invitees will be told by mail that the meeting is cancelled." in page
    assert "Message to the invitees" in page
    db.session.expire_all()
    assert db.session.get(Meeting, guest_meeting.id).status is MeetingStatus.CONFIRMED
    assert _nothing_announced()

    too_long = client.post(f"/meetings/{guest_meeting.id}/cancel", data={**CONFIRMED, "note": "x" * 2001})
    assert "Keep the message under 2000 characters." in too_long.get_data(as_text=True)
    assert db.session.get(Meeting, guest_meeting.id).status is MeetingStatus.CONFIRMED

    note = "The minister's visit moved; we will propose a new date next week."
    client.post(f"/meetings/{guest_meeting.id}/cancel", data={**CONFIRMED, "note": note})
    db.session.expire_all()
    assert db.session.get(Meeting, guest_meeting.id).status is MeetingStatus.CANCELLED
    dispatch()
    received = {r.rcpt_tos[0]: r.message for r in smtp_sink.received}
    assert sorted(received) == ["ct@example.org", "gina@guest.example", "plain@example.org"]
    for message in received.values():
        assert message["Subject"].startswith("Cancelled: ")
        assert note in message.get_body(("plain",)).get_content()
        assert "The minister&#39;s visit moved" in message.get_body(("html",)).get_content()


def test_cancelling_a_draft_says_nobody_is_mailed(client, people, sign_in, guest_meeting):
    sign_in(people["coordinator"])
    page = client.post(f"/meetings/{guest_meeting.id}/cancel").get_data(as_text=True)
    assert "Nobody is mailed: the meeting was never confirmed" in page
    assert "Message to the invitees" not in page
    client.post(f"/meetings/{guest_meeting.id}/cancel", data=CONFIRMED)
    db.session.expire_all()
    assert db.session.get(Meeting, guest_meeting.id).status is MeetingStatus.CANCELLED
    assert _mails("itip_cancel") == []


@pytest.mark.smtp
def test_a_year_plans_drafts_are_confirmed_together_each_invitation_sent_once(
    app, smtp_sink, client, people, sign_in
):
    year = clock.today().year + 1
    coordinator = people["coordinator"]
    created = planning.commit(
        planning.propose(year, clock.today()),
        coordinator.id,
        clock.today(),
        video_url="https://meet.example.org/nmg",
        venue="Ministero della Salute, Roma",
    )
    invited = db.session.scalar(sa.select(sa.func.count()).select_from(Invitation))
    assert len(created) == 9 and invited == 9 * 4
    sign_in(coordinator)
    plan_page = client.get(f"/meetings/plan?year={year}").get_data(as_text=True)
    assert "9 meetings of this plan are still drafts" in plan_page and "Confirm all drafts" in plan_page

    first = client.post(f"/meetings/plan/confirm?year={year}")
    page = first.get_data(as_text=True)
    assert first.status_code == 200
    assert "9 draft meetings will be confirmed." in page
    assert "36 invitations will be sent." in page
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(sa.select(Meeting))} == {MeetingStatus.DRAFT}
    assert _nothing_announced() and _mails("itip_request") == []

    done = client.post(f"/meetings/plan/confirm?year={year}", data=CONFIRMED, follow_redirects=True)
    assert "9 meetings confirmed" in done.get_data(as_text=True)
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(sa.select(Meeting))} == {MeetingStatus.CONFIRMED}
    # Posting again (a second tab, a double click) finds nothing left to confirm and sends nothing more.
    again = client.post(f"/meetings/plan/confirm?year={year}", data=CONFIRMED, follow_redirects=True)
    assert "No draft of this plan can be confirmed now." in again.get_data(as_text=True)
    dispatch()
    sent = Counter((r.rcpt_tos[0], r.message["Subject"]) for r in smtp_sink.received)
    assert len(sent) == 36 and set(sent.values()) == {1}, "each invitation exactly once"
    assert {subject for _to, subject in sent} == {f"Invitation: {m.title}" for m in created}


def test_handing_over_says_who_takes_over_and_how_many_are_told(
    client, people, sign_in, make_member, make_term
):
    [term] = db.session.scalars(sa.select(CoordinatorTerm)).all()
    tomorrow = clock.today() + timedelta(days=1)
    successor = make_term(make_member(full_name="Nora Next"), starts_on=tomorrow, position=2)
    successor.is_confirmed = True
    db.session.commit()
    members = db.session.scalar(sa.select(sa.func.count()).select_from(Member))
    sign_in(people["coordinator"])
    first = client.post(f"/coordinators/{term.id}/end")
    page = first.get_data(as_text=True)
    assert first.status_code == 200
    assert (
        f"From tomorrow Nora Next is the coordinator; {members} current members will be told by mail." in page
    )
    db.session.refresh(term)
    assert term.ends_on != tomorrow

    client.post(f"/coordinators/{term.id}/end", data=CONFIRMED)
    db.session.refresh(term)
    assert term.ends_on == tomorrow


def test_handing_over_without_a_successor_says_nobody_holds_the_rights(client, people, sign_in):
    [term] = db.session.scalars(sa.select(CoordinatorTerm)).all()
    sign_in(people["coordinator"])
    page = client.post(f"/coordinators/{term.id}/end").get_data(as_text=True)
    assert "No term starts tomorrow: nobody holds the coordinator rights" in page
