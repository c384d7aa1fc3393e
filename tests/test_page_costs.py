"""Every page of the benchmark at ten times a real group runs as many SQL statements for a few records as
for three times as many: a page that grows a statement per member, meeting or action is slow there."""

from __future__ import annotations

from datetime import timedelta

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.models import ActionItem, ActionStatus, Attendance, Gender, MeetingStatus

#: the pages of bench/pages.py; {meeting} is a held meeting
PAGES = (
    "/",
    "/coordinators",
    "/meetings/",
    "/meetings/my",
    "/meetings/cadence",
    "/meetings/{meeting}",
    "/meetings/{meeting}/minutes",
    "/meetings/{meeting}/minutes/edit",
    "/actions",
    "/actions/mine",
    "/decisions",
    "/governance",
    "/members/",
    "/organisations/",
    "/documents/",
    "/consultations",
    "/news/issues",
    "/deliveries",
    "/records/search?q=budget",
)
#: more than a page of every list (50 rows), so that both sizes count their pages
FEW, MANY = 60, 180


def _grow(to: int, grown: dict[str, int], coordinator, make_member, make_meeting) -> None:
    """Members, meetings over three years (held ones with attendance) and actions, up to `to` each."""
    now = clock.now()
    for n in range(grown["count"], to):
        member = make_member(
            full_name=f"Grown Member {n:03d}", gender=Gender.FEMALE if n % 2 else Gender.MALE
        )
        if n % 3 == 0:
            status, starts_at = MeetingStatus.HELD, now - timedelta(days=7 + 5 * n)
        else:
            status, starts_at = MeetingStatus.CONFIRMED, now + timedelta(days=3 + 2 * n)
        meeting = make_meeting(
            "thematic" if n % 2 else "plenary",
            starts_at=starts_at,
            status=status,
            invitees=[coordinator, member],
            title=f"Budget meeting {n}",
        )
        if status is MeetingStatus.HELD:
            for invitation in meeting.invitations:
                invitation.attendance = Attendance.PRESENT
        action = ActionItem(
            title=f"Budget action {n}",
            search_text=f"budget action {n}",
            status=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE][n % 3],
            due_on=clock.today() + timedelta(days=n % 40 - 20),
            meeting_id=meeting.id,
            is_team_owned=n % 2 == 0,
        )
        action.owners.append(coordinator if n % 2 else member)
        db.session.add(action)
        db.session.commit()
    grown["count"] = to


def test_every_page_runs_as_many_statements_for_few_records_as_for_many(
    client, people, sign_in, make_member, make_meeting, count_queries, monkeypatch
):
    coordinator = sign_in(people["coordinator"])
    grown = {"count": 0}
    _grow(FEW, grown, coordinator, make_member, make_meeting)
    meeting = make_meeting("plenary", starts_at=clock.now() - timedelta(days=2), status=MeetingStatus.HELD)
    paths = [page.format(meeting=meeting.id) for page in PAGES]

    def statements() -> dict[str, int]:
        counts = {}
        for path in paths:
            # The first answer may fill what pages keep between requests; the second is what readers get.
            # Both at one instant: figures of the current year are kept within the minute they were read in,
            # and a minute turning between the two would count their reading again.
            instant = clock.now()
            monkeypatch.setattr(clock, "now", lambda instant=instant: instant)
            assert client.get(path).status_code == 200, path
            with count_queries() as counted:
                assert client.get(path).status_code == 200, path
            counts[path] = counted.count
            monkeypatch.undo()
        return counts

    few = statements()
    _grow(MANY, grown, coordinator, make_member, make_meeting)
    assert statements() == few
