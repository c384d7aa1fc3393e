"""Minutes approved in a real browser. The last plenary's by written procedure: the coordinator starts it
after a page that counts who will be asked, one member present agrees from the minutes page, another stays
silent, and at the deadline the scheduler's run approves the minutes, which then say so. A bilateral's by
the coordinator, who cannot give a day before the minutes were circulated."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings.types import meeting_type
from nmg_ops.minutes import lifecycle, writing
from nmg_ops.models import (
    AgendaItem,
    Attendance,
    Invitation,
    Language,
    Meeting,
    MeetingStatus,
    Member,
    Minutes,
    MinutesStatus,
    Organisation,
    OutboundMessage,
    StakeholderType,
)
from nmg_ops.scheduler import run_job
from tests.fixtures.factories import PASSWORD, PASSWORD_HASH

pytestmark = pytest.mark.browser


def _held_and_circulated(live_server, coordinator, type_code: str, title: str, days_ago: int) -> int:
    """A meeting held `days_ago` with two members present, its minutes written and circulated two days ago."""
    with live_server.app.test_request_context():
        org = Organisation(name="Regione Toscana", stakeholder_type=StakeholderType.POLICY_ADVISORY)
        paolo, chiara = (
            Member(
                full_name=name,
                email=email,
                organisation=org,
                language=Language.EN,
                password_hash=PASSWORD_HASH,
            )
            for name, email in (
                ("Paolo Present", "paolo@example.org"),
                ("Chiara Silent", "chiara@example.org"),
            )
        )
        started = clock.now().replace(microsecond=0) - timedelta(days=days_ago)
        meeting = Meeting(
            type=meeting_type(type_code),
            title=title,
            starts_at=started,
            ends_at=started + timedelta(hours=2),
            mode="online",
            video_url="https://meet.example.org/nmg",
            status=MeetingStatus.HELD,
            invitations=[Invitation(member=m, attendance=Attendance.PRESENT) for m in (paolo, chiara)],
            agenda_items=[AgendaItem(position=1, title="Work plan 2027")],
        )
        db.session.add(meeting)
        db.session.commit()
        team = db.session.scalar(sa.select(Member.id).where(Member.email == coordinator))
        meeting = writing.meeting_for_minutes(meeting.id)
        writing.save(meeting, {"opening": "The chair opened the meeting at 10:05."}, 0, team)
        lifecycle.circulate(meeting, writing.minutes_of(meeting.id), now=clock.now() - timedelta(days=2))
        db.session.commit()
        return meeting.id


@pytest.fixture
def circulated(live_server, coordinator) -> int:
    """The plenary held last week."""
    return _held_and_circulated(live_server, coordinator, "plenary", "Plenary meeting 6/6", days_ago=7)


def _signed_in(browser, live_server, email: str):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
    return page


def _status(live_server, meeting_id: int) -> MinutesStatus:
    with live_server.app.app_context():
        return db.session.scalar(sa.select(Minutes.status).where(Minutes.meeting_id == meeting_id))


def test_the_last_plenarys_minutes_go_through_by_written_procedure_on_the_schedulers_run(
    browser, live_server, coordinator, circulated
):
    chair = _signed_in(browser, live_server, coordinator)
    chair.goto(f"/meetings/{circulated}/minutes/approve")
    deadline = clock.today() + timedelta(days=7)
    chair.get_by_label("Last day to object").fill(deadline.isoformat())
    chair.get_by_role("button", name="Start the written procedure").click()
    expect(chair.locator("#what-happens")).to_contain_text("2 members present will be asked by mail")
    chair.get_by_role("button", name="Start the written procedure").click()
    expect(chair.locator("#written-procedure")).to_contain_text("Asked: 2 · answered: 0")
    with live_server.app.app_context():
        asked = db.session.scalars(
            sa.select(OutboundMessage.recipient).where(OutboundMessage.dedupe_key.like("written_procedure:%"))
        ).all()
    assert sorted(asked) == ["chiara@example.org", "paolo@example.org"]

    paolo = _signed_in(browser, live_server, "paolo@example.org")
    expect(paolo.get_by_text("Minutes for your approval")).to_be_visible()
    paolo.goto(f"/meetings/{circulated}/minutes")
    paolo.get_by_role("button", name="I agree with the minutes").click()
    expect(paolo.locator("#written-procedure")).to_contain_text("You agreed on")
    assert _status(live_server, circulated) is MinutesStatus.CIRCULATED, "one answer of two approves nothing"

    with live_server.app.app_context():
        run_job("close_written_procedures", clock.now())
    assert _status(live_server, circulated) is MinutesStatus.CIRCULATED, "the deadline has not passed"
    with live_server.app.app_context():
        run_job("close_written_procedures", clock.now() + timedelta(days=8))
    assert _status(live_server, circulated) is MinutesStatus.APPROVED, "silence is consent"

    chair.goto(f"/meetings/{circulated}/minutes")
    expect(chair.locator("#approval-line")).to_contain_text("Approved by written procedure on")
    paolo.goto("/")
    expect(paolo.get_by_text("Minutes for your approval")).to_have_count(0)


def test_the_coordinator_approves_a_bilateral_but_not_on_a_day_before_circulation(
    browser, live_server, coordinator
):
    bilateral = _held_and_circulated(
        live_server, coordinator, "bilateral", "Bilateral with AGENAS", days_ago=12
    )
    chair = _signed_in(browser, live_server, coordinator)
    chair.goto(f"/meetings/{bilateral}/minutes/approve")
    chair.get_by_label("Day of approval").fill((clock.today() - timedelta(days=9)).isoformat())
    chair.get_by_role("button", name="Approve and lock the minutes").click()
    expect(chair.locator("#approve-at-meeting")).to_contain_text("cannot have been approved before")
    assert _status(live_server, bilateral) is MinutesStatus.CIRCULATED
    chair.get_by_label("Day of approval").fill(clock.today().isoformat())
    chair.get_by_role("button", name="Approve and lock the minutes").click()
    expect(chair.locator("#approval-line")).to_contain_text("Approved by the coordination team on")
    assert _status(live_server, bilateral) is MinutesStatus.APPROVED
