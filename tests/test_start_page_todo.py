"""The start page lists everything that waits for the signed-in person, each with its link, and nothing that
does not: one test per kind of pending work and per role, which makes the work, finds it on the start page
of those it waits for, finds it nowhere else, and sees it go once it is done."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.documents import library
from nmg_ops.extensions import db
from nmg_ops.governance import consultations, rotation
from nmg_ops.meetings import planning
from nmg_ops.minutes import comments
from nmg_ops.models import (
    ActionItem,
    ActionStatus,
    Attendance,
    CoordinatorTerm,
    DocumentKind,
    DocumentVisibility,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    NewsIssue,
    NewsIssueStatus,
    NewsSection,
    NewsSectionKind,
    QuestionKind,
    Survey,
    SurveyAudience,
)
from nmg_ops.news import sending
from tests.fixtures.documents import pdf_bytes

ROLES = ("member", "coordination_team", "coordinator", "admin")
TEAM = {"coordination_team", "coordinator", "admin"}
LEADERS = {"coordinator", "admin"}

_ENTRY = re.compile(r'<(?:li|div)\b[^>]*data-todo="([a-z-]+)"[^>]*>(.*?)</(?:li|div)>', re.S)


def todo(html: str) -> dict[str, set[str]]:
    """The start page's entries: the links of each kind of pending work."""
    found: dict[str, set[str]] = {}
    for kind, body in _ENTRY.findall(html):
        found.setdefault(kind, set()).update(re.findall(r'href="([^"]+)"', body))
    return found


@dataclass
class Pending:
    #: the link the entry must carry
    link: str
    #: does the work, after which the entry is gone
    done: Callable[[], None]


@dataclass
class World:
    people: dict
    me: object
    make_meeting: Callable


def _ago(days: int) -> datetime:
    return datetime.combine(clock.today() - timedelta(days=days), time(10), tzinfo=ZoneInfo("Europe/Rome"))


def _set(row, **values) -> Callable[[], None]:
    def do() -> None:
        fresh = db.session.get(type(row), row.id)
        for name, value in values.items():
            setattr(fresh, name, value)
        db.session.commit()

    return do


def _minutes(world: World, status: MinutesStatus, text: str = "We met.", attended=None) -> Minutes:
    meeting = world.make_meeting(
        "thematic", starts_at=_ago(5), status=MeetingStatus.HELD, invitees=[attended or world.me]
    )
    meeting.invitations[0].attendance = Attendance.PRESENT
    minutes = Minutes(
        meeting=meeting,
        status=status,
        version=1,
        sections={"discussion": text},
        circulation=1 if status is MinutesStatus.CIRCULATED else 0,
        circulated_version=1 if status is MinutesStatus.CIRCULATED else 0,
        comments_due_on=clock.today() + timedelta(days=7) if status is MinutesStatus.CIRCULATED else None,
    )
    db.session.add(minutes)
    db.session.commit()
    return minutes


def year_plan(world: World) -> Pending:
    year = clock.today().year + 1
    coordinator = world.people["coordinator"]
    return Pending(
        f"/meetings/plan?year={year}",
        lambda: planning.commit(planning.propose(year, clock.today()), coordinator.id, clock.today()),
    )


def draft_meeting(world: World) -> Pending:
    meeting = world.make_meeting("bilateral")
    return Pending(f"/meetings/{meeting.id}", _set(meeting, status=MeetingStatus.CONFIRMED))


def attendance(world: World) -> Pending:
    meeting = world.make_meeting("thematic", starts_at=_ago(2), status=MeetingStatus.CONFIRMED)
    return Pending(f"/meetings/{meeting.id}/attendance", _set(meeting, status=MeetingStatus.HELD))


def minutes_to_write(world: World) -> Pending:
    meeting = world.make_meeting("thematic", starts_at=_ago(3), status=MeetingStatus.HELD)

    def write() -> None:
        db.session.add(Minutes(meeting_id=meeting.id, status=MinutesStatus.APPROVED, version=1))
        db.session.commit()

    return Pending(f"/meetings/{meeting.id}/minutes", write)


def minutes_to_circulate(world: World) -> Pending:
    minutes = _minutes(world, MinutesStatus.DRAFT)
    return Pending(f"/meetings/{minutes.meeting_id}/minutes", _set(minutes, status=MinutesStatus.APPROVED))


def minutes_to_approve(world: World) -> Pending:
    minutes = _minutes(world, MinutesStatus.CIRCULATED, attended=world.people["admin"])
    return Pending(f"/meetings/{minutes.meeting_id}/minutes", _set(minutes, status=MinutesStatus.APPROVED))


def comments_to_answer(world: World) -> Pending:
    member = world.people["member"]
    minutes = _minutes(world, MinutesStatus.CIRCULATED, attended=member)
    comment = comments.add_comment(minutes.meeting, minutes, "discussion", "A typo.", member.id)
    team = world.people["coordination_team"]
    answered = partial(comments.reply, minutes, comment, "Fixed.", team.id, resolves=True)
    return Pending(f"/meetings/{minutes.meeting_id}/minutes", answered)


def minutes_for_comment(world: World) -> Pending:
    minutes = _minutes(world, MinutesStatus.CIRCULATED)
    return Pending(
        f"/meetings/{minutes.meeting_id}/minutes",
        _set(minutes, comments_due_on=clock.today() - timedelta(days=1)),
    )


def overdue_actions(world: World) -> Pending:
    action = ActionItem(title="Send the slides", due_on=clock.today() - timedelta(days=3))
    db.session.add(action)
    db.session.commit()
    return Pending("/actions?overdue=1", _set(action, status=ActionStatus.DONE))


def my_action(world: World) -> Pending:
    action = ActionItem(title="Draft the letter", due_on=clock.today() + timedelta(days=9), owners=[world.me])
    db.session.add(action)
    db.session.commit()
    return Pending(f"/actions/{action.id}", _set(action, status=ActionStatus.DONE))


def _issue(status: NewsIssueStatus = NewsIssueStatus.DRAFT, **values) -> NewsIssue:
    issue = NewsIssue(number=7, month=date(2031, 3, 1), title="IT NMG e-news n. 7", status=status, **values)
    issue.sections = [NewsSection(position=1, kind=NewsSectionKind.EDITORIAL, heading="Hi", body="News")]
    db.session.add(issue)
    db.session.commit()
    return issue


def news_draft(world: World) -> Pending:
    issue = _issue()
    return Pending(f"/news/issues/{issue.id}", _set(issue, status=NewsIssueStatus.APPROVED))


def news_to_approve(world: World) -> Pending:
    issue = _issue()
    return Pending(f"/news/issues/{issue.id}", lambda: sending.approve(issue, world.people["coordinator"]))


def news_to_schedule(world: World) -> Pending:
    issue = _issue(NewsIssueStatus.APPROVED)
    return Pending(
        f"/news/issues/{issue.id}", lambda: sending.schedule(issue, clock.now() + timedelta(days=2))
    )


def news_scheduled(world: World) -> Pending:
    issue = _issue(NewsIssueStatus.SCHEDULED, scheduled_for=clock.now() + timedelta(days=2))
    return Pending(f"/news/issues/{issue.id}", _set(issue, status=NewsIssueStatus.SENT, sent_at=clock.now()))


def _survey(opened: bool) -> Survey:
    survey = consultations.create_survey(
        consultations.SurveyDraft(
            title="Priorities 2031",
            description=None,
            audience=SurveyAudience.ALL,
            deadline_at=clock.now() + timedelta(days=10),
            is_anonymous=False,
        )
    )
    consultations.add_question(survey, consultations.QuestionDraft(QuestionKind.TEXT, "Why?"))
    if opened:
        consultations.open_survey(survey)
    return survey


def survey_to_answer(world: World) -> Pending:
    survey = _survey(opened=True)
    me = world.me
    return Pending(
        f"/consultations/{survey.id}",
        lambda: consultations.answer(survey, me, {survey.questions[0].id: ["Because."]}),
    )


def survey_to_open(world: World) -> Pending:
    survey = _survey(opened=False)
    return Pending(f"/consultations/{survey.id}", lambda: consultations.open_survey(survey))


def document_to_approve(world: World) -> Pending:
    document = library.create_document(
        library.NewDocument("Work plan 2031", DocumentKind.WORK_PLAN, DocumentVisibility.MEMBERS),
        pdf_bytes(),
        "plan.pdf",
        "first draft",
        world.people["coordination_team"],
    )
    db.session.commit()
    coordinator = world.people["coordinator"]

    def approve() -> None:
        library.approve(document.versions[0], coordinator, note="Approved by mail")
        db.session.commit()

    return Pending(f"/documents/{document.id}", approve)


def coordinator_proposal(world: World) -> Pending:
    coordinator = world.people["coordinator"]
    term, _warning = rotation.propose(world.people["member"])
    db.session.commit()

    def confirm() -> None:
        rotation.confirm(term, coordinator, note="Agreed at the plenary")
        db.session.commit()

    return Pending("/coordinators", confirm)


def succession_gap(world: World) -> Pending:
    term = db.session.scalar(sa.select(CoordinatorTerm))
    term.ends_on = clock.today() + timedelta(days=10)
    db.session.commit()

    def succeed() -> None:
        db.session.add(
            CoordinatorTerm(
                member=world.people["member"],
                starts_on=term.ends_on,
                ends_on=term.ends_on + timedelta(days=365),
                rotation_position=2,
            )
        )
        db.session.commit()

    return Pending("/coordinators/handover", succeed)


#: each kind of pending work: how to make it, and whose start page shows it
KINDS: dict[str, tuple[Callable[[World], Pending], set[str]]] = {
    "year-plan": (year_plan, LEADERS),
    "draft-meeting": (draft_meeting, LEADERS),
    "attendance": (attendance, TEAM),
    "minutes-to-write": (minutes_to_write, TEAM),
    "minutes-to-circulate": (minutes_to_circulate, TEAM),
    "minutes-to-approve": (minutes_to_approve, TEAM),
    "comments-to-answer": (comments_to_answer, TEAM),
    "minutes-for-comment": (minutes_for_comment, set(ROLES)),
    "overdue-actions": (overdue_actions, TEAM),
    "my-action": (my_action, set(ROLES)),
    # The NMG asks for the coordinator's approval: a draft waits for the leaders, and for the team to write.
    "news-draft": (news_draft, {"coordination_team"}),
    "news-to-approve": (news_to_approve, LEADERS),
    "news-to-schedule": (news_to_schedule, TEAM),
    "news-scheduled": (news_scheduled, TEAM),
    "survey-to-answer": (survey_to_answer, set(ROLES)),
    "survey-to-open": (survey_to_open, LEADERS),
    "document-to-approve": (document_to_approve, LEADERS),
    "coordinator-proposal": (coordinator_proposal, TEAM),
    "succession-gap": (succession_gap, TEAM),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_pending_work_shows_on_the_start_page_of_whom_it_waits_for_until_done(
    app, client, people, sign_in, make_meeting, kind, role
):
    app.config["NEWS_APPROVAL_REQUIRED"] = True
    make, seen_by = KINDS[kind]
    me = people[role]
    if kind != "year-plan":
        # The year plan waits for the leaders on every start page of a new database; plan it away.
        year = clock.today().year + 1
        planning.commit(planning.propose(year, clock.today()), people["coordinator"].id, clock.today())
    pending = make(World(people, me, make_meeting))
    sign_in(me)
    entries = todo(client.get("/").get_data(as_text=True))
    if role not in seen_by:
        assert kind not in entries, f"the {role}'s start page shows {kind}: {entries[kind]}"
        return
    assert pending.link in entries.get(kind, set()), f"the {role}'s start page misses {kind}: {entries}"
    pending.done()
    db.session.expire_all()
    entries = todo(client.get("/").get_data(as_text=True))
    assert pending.link not in entries.get(kind, set()), f"{kind} stays on the {role}'s start page once done"


def test_the_start_page_of_every_kind_runs_a_fixed_number_of_statements(
    app, client, people, sign_in, make_meeting, count_queries
):
    app.config["NEWS_APPROVAL_REQUIRED"] = True
    coordinator = people["coordinator"]
    world = World(people, coordinator, make_meeting)

    def one_of_each(n: int) -> None:
        _survey(opened=True)
        _survey(opened=False)
        for i, status in enumerate((NewsIssueStatus.DRAFT, NewsIssueStatus.APPROVED)):
            issue = _issue(status)
            issue.number, issue.month = 100 + 2 * n + i, date(2040 + n, i + 1, 1)
            db.session.commit()
        comments_to_answer(world)
        minutes_for_comment(world)
        document_to_approve(world)

    one_of_each(0)
    sign_in(coordinator)
    client.get("/")
    with count_queries() as few:
        client.get("/")
    for n in range(1, 6):
        one_of_each(n)
    with count_queries() as many:
        html = client.get("/").get_data(as_text=True)
    assert len(todo(html)["survey-to-answer"]) == 6
    assert many.count == few.count
