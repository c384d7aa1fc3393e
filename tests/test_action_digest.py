"""The weekly action digest: one mail per owner and week, listing what is overdue or due soon."""

from __future__ import annotations

import email
import email.policy
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from nmg_ops import config
from nmg_ops.extensions import db
from nmg_ops.minutes.actions import ActionData, change_status, record
from nmg_ops.minutes.digest import send_digests
from nmg_ops.models import ActionStatus, DeliveryStatus, OutboundMessage
from nmg_ops.scheduler import JOBS, run_due_jobs

ROME = ZoneInfo("Europe/Rome")
#: Monday of ISO week 2027-W11, at the default digest hour in Rome
MONDAY = datetime(2027, 3, 15, 8, 0, tzinfo=ROME)
TODAY = MONDAY.date()


def act(title: str, due_on: date | None, owners=(), *, team: bool = False, meeting=None):
    return record(
        ActionData(
            title=title,
            owner_ids=[m.id for m in owners],
            is_team_owned=team,
            due_on=due_on,
            meeting_id=meeting.id if meeting else None,
        ),
        None,
    )


def digest_rows() -> dict[str, OutboundMessage]:
    """The digests in the outbox, by recipient."""
    rows = db.session.scalars(sa.select(OutboundMessage).where(OutboundMessage.purpose == "action_digest"))
    return {row.recipient: row for row in rows}


def digests() -> dict[str, email.message.EmailMessage]:
    return {
        recipient: email.message_from_bytes(row.content, policy=email.policy.default)
        for recipient, row in digest_rows().items()
    }


def text(message: email.message.EmailMessage) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


@pytest.fixture
def past_meeting(make_meeting):
    return make_meeting("plenary", starts_at=datetime(2027, 2, 1, 10, 0, tzinfo=ROME), title="Plenary 1/6")


def test_a_digest_lists_the_owners_overdue_then_due_soon_actions_and_nothing_else(app, people, past_meeting):
    member, other = people["member"], people["coordinator"]
    soon = act("Draft the THCS call text", TODAY + timedelta(days=10), [member])
    late = act("Send the expert mapping", TODAY - timedelta(days=3), [member], meeting=past_meeting)
    act("Far off", TODAY + timedelta(days=15), [member])
    act("No date", None, [member])
    act("Someone else's", TODAY, [other])
    closed = act("Already done", TODAY - timedelta(days=1), [member])
    change_status(closed, ActionStatus.DONE, by_id=None)

    report = send_digests(MONDAY)

    assert report.enqueued == 2
    body = text(digests()["plain@example.org"])
    assert body.index("Overdue") < body.index(f"A-{late.id} Send the expert mapping")
    assert body.index(f"A-{late.id}") < body.index("Due soon") < body.index(f"A-{soon.id} Draft the THCS")
    assert "due 12 March 2027 · agreed at Plenary 1/6" in body
    assert "due 25 March 2027" in body
    assert f"http://localhost/actions/{late.id}\n" in body
    assert f"http://localhost/actions/{soon.id}\n" in body
    assert "http://localhost/actions/mine" in body
    for absent in ("Far off", "No date", "Someone else's", "Already done"):
        assert absent not in body
    html = digests()["plain@example.org"].get_body(("html",)).get_content()
    assert f'<a href="http://localhost/actions/{late.id}">A-{late.id}</a> Send the expert mapping' in html
    assert digests()["plain@example.org"]["Subject"] == "Your actions overdue or due soon"


def test_owners_with_nothing_due_get_nothing(app, people):
    act("Far off", TODAY + timedelta(days=30), [people["member"]])
    act("Whenever", None, [people["coordinator"]])
    dropped = act("Dropped", TODAY - timedelta(days=5), [people["admin"]])
    change_status(dropped, ActionStatus.DROPPED, reason="overtaken", by_id=None)

    report = send_digests(MONDAY)

    assert (report.owners, report.enqueued) == (0, 0)
    assert digests() == {}


def test_the_teams_actions_reach_every_current_team_member_once(app, people, make_member):
    second = make_member(email="ct2@example.org", is_coordination_team=True)
    gone = make_member(email="ct-gone@example.org", is_coordination_team=True)
    gone.left_on = date(2026, 1, 31)
    db.session.commit()
    # Teresa owns one action herself and is in the team that owns another: one mail with both.
    own = act("Book the room", TODAY + timedelta(days=2), [people["coordination_team"]])
    team = act("Circulate the minutes", TODAY - timedelta(days=1), team=True)

    send_digests(MONDAY)

    mails = digests()
    assert sorted(mails) == sorted([second.email, "ct@example.org"]), "not to the team member who left"
    teresa = text(mails["ct@example.org"])
    assert f"A-{team.id} Circulate the minutes" in teresa and f"A-{own.id} Book the room" in teresa
    assert teresa.count(f"A-{team.id} ") == 1
    assert "· coordination team" in teresa
    assert f"A-{own.id}" not in text(mails["ct2@example.org"])


def test_former_members_get_no_digest(app, people):
    member = people["member"]
    act("Left behind", TODAY - timedelta(days=2), [member, people["coordinator"]])
    member.left_on = date(2026, 6, 30)
    db.session.commit()

    send_digests(MONDAY)

    assert sorted(digests()) == ["coordinator@example.org"]


def test_nothing_goes_before_the_configured_weekday_and_hour(app, people):
    act("Overdue", TODAY - timedelta(days=2), [people["member"]])
    app.config.update(ACTION_DIGEST_WEEKDAY=3, ACTION_DIGEST_HOUR=9)
    wednesday = MONDAY + timedelta(days=2)

    for instant in (MONDAY, MONDAY + timedelta(days=1, hours=15), wednesday + timedelta(minutes=59)):
        report = send_digests(instant)
        assert not report.is_due and "not due yet" in str(report), instant
    assert digests() == {}
    assert send_digests(wednesday + timedelta(hours=1)).enqueued == 1


def test_a_second_run_in_the_same_week_enqueues_nothing_and_the_next_week_sends_again(app, people):
    act("Overdue", TODAY - timedelta(days=2), [people["member"]])

    assert send_digests(MONDAY).enqueued == 1
    assert send_digests(MONDAY).enqueued == 0
    # Later in the week, as another scheduler or a restarted one would run, still the same week.
    assert send_digests(MONDAY + timedelta(days=6, hours=15, minutes=59)).enqueued == 0
    assert send_digests(MONDAY + timedelta(days=7)).enqueued == 1

    keys = db.session.scalars(sa.select(OutboundMessage.dedupe_key).order_by(OutboundMessage.id))
    member_id = people["member"].id
    assert list(keys) == [f"action_digest:{member_id}:2027-W11", f"action_digest:{member_id}:2027-W12"]


@pytest.mark.parametrize(
    ("monday", "utc_hour"),
    [
        (date(2027, 3, 29), 6),  # summer time began the day before: 08:00 in Rome is 06:00 UTC
        (date(2026, 10, 26), 7),  # summer time ended the day before: 08:00 in Rome is 07:00 UTC
    ],
)
def test_the_digest_hour_is_the_local_hour_after_a_change_of_summer_time(app, people, monday, utc_hour):
    act("Overdue", monday - timedelta(days=2), [people["member"]])
    eight = datetime(monday.year, monday.month, monday.day, utc_hour, tzinfo=ZoneInfo("UTC"))

    assert not send_digests(eight - timedelta(minutes=1)).is_due
    assert send_digests(eight).enqueued == 1


def test_a_digest_that_cannot_be_built_stops_no_other(app, people):
    act("Overdue", TODAY - timedelta(days=2), [people["member"], people["coordinator"]])
    people["member"].full_name = "Paolo\nBcc: everyone@example.org"
    db.session.commit()

    report = send_digests(MONDAY)

    rows = digest_rows()
    assert rows["plain@example.org"].status is DeliveryStatus.FAILED
    assert rows["coordinator@example.org"].status is DeliveryStatus.PENDING
    assert report.enqueued == 1
    assert send_digests(MONDAY + timedelta(hours=1)).enqueued == 0, "the failed one is not retried every run"


def test_the_cost_follows_what_is_due_not_the_closed_history(app, people, make_member, count_queries):
    act("Overdue", TODAY - timedelta(days=2), [people["member"]], team=True)
    with count_queries() as few:
        send_digests(MONDAY)
    for n in range(20):
        owner = make_member()
        act(f"Due {n}", TODAY + timedelta(days=n % 10), [owner])
        closed = act(f"Closed {n}", TODAY - timedelta(days=n), [owner])
        change_status(closed, ActionStatus.DONE, by_id=None)
    with count_queries() as many:
        report = send_digests(MONDAY + timedelta(days=7))
    assert report.enqueued == 22
    assert many.count == few.count


def test_the_job_runs_before_the_outbox_is_dispatched():
    names = list(JOBS)
    assert names.index("send_action_digests") < names.index("dispatch_outbox")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ACTION_DIGEST_WEEKDAY", 0),
        ("ACTION_DIGEST_WEEKDAY", 8),
        ("ACTION_DIGEST_WEEKDAY", "Monday"),
        ("ACTION_DIGEST_HOUR", 24),
        ("ACTION_DIGEST_HOUR", True),
        ("ACTION_DUE_SOON_DAYS", -1),
    ],
)
def test_nonsense_digest_settings_are_refused_by_name(tmp_path, key, value):
    with pytest.raises(config.ConfigError, match=key):
        config.load("testing", tmp_path, {key: value})


@pytest.mark.smtp
def test_repeated_ticks_deliver_one_digest_per_owner_per_week(app, smtp_sink, people, runner):
    act("Overdue", TODAY - timedelta(days=2), [people["member"]])
    act("Due soon", TODAY + timedelta(days=5), [people["coordinator"]])
    act("The team's", TODAY + timedelta(days=1), team=True)

    def delivered() -> list[str]:
        return sorted(
            r.rcpt_tos[0] for r in smtp_sink.received if r.message["Subject"].startswith("Your actions")
        )

    result = runner.invoke(args=["tick", "--at", MONDAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "send_action_digests: 3 action digests of 2027-W11 enqueued" in result.output
    run_due_jobs(MONDAY + timedelta(minutes=15))
    run_due_jobs(MONDAY + timedelta(days=3))
    week = ["coordinator@example.org", "ct@example.org", "plain@example.org"]
    assert delivered() == week

    run_due_jobs(MONDAY + timedelta(days=7))
    run_due_jobs(MONDAY + timedelta(days=7, minutes=15))
    assert delivered() == sorted(week * 2)
