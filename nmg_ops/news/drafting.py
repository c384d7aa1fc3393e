"""Next month's issue writes half of itself: the group's meetings, decisions, approved minutes and
published consultation results.

On NEWS_DRAFT_DAY the scheduler drafts the issue for the coming month and tells the coordination team.
The draft holds, in each of the NMG's languages, the public events of that month, the meetings every member is
invited to, the minutes approved (with their decisions) and the consultation results published to anyone
in the month before, each with its link and the start of its summary, and among the open calls the
consultations the public can still answer; the team writes the editorial, the other calls and the news
around them. What a public reader may see goes into sections of
both editions; the rest into members-only sections, and only for meetings every member may see anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from .. import clock
from ..extensions import db
from ..i18n import format_date, format_datetime, format_until
from ..mail import queue_mails
from ..meetings.visibility import published_clause, seen_clause
from ..minutes.decisions import minutes_order
from ..models import (
    Decision,
    Invitation,
    Meeting,
    MeetingStatus,
    Member,
    Minutes,
    MinutesStatus,
    NewsIssue,
    NewsSection,
    NewsSectionKind,
    Survey,
    SurveyReach,
)
from ..permissions import Role, current_coordinator_id
from ..text import plain_start
from .languages import group_language, issue_title, other_languages, write_text, write_title

DRAFT_PURPOSE = "enews_draft"
#: how much of a consultation's summary the draft quotes after its link
SUMMARY_START = 240


def first_of_next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    start = clock.from_local(month, time(0, 0))
    return start, clock.from_local(first_of_next_month(month), time(0, 0))


def _base() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/")


def _everyone_invited(today: date) -> sa.ColumnElement[bool]:
    """Meetings every current member is invited to: naming them to all members reveals nothing."""
    current = sa.select(sa.func.count(Member.id)).where(Member.current_clause(today)).scalar_subquery()
    invited = (
        sa.select(sa.func.count(sa.distinct(Invitation.member_id)))
        .join(Member, Member.id == Invitation.member_id)
        .where(Invitation.meeting_id == Meeting.id, Member.current_clause(today))
        .scalar_subquery()
    )
    return sa.and_(current > 0, invited >= current)


def _meeting_lines(meetings: list[Meeting], page: str) -> str:
    """A line per meeting, linked to `page` (`events` for the public one anyone opens, `meetings` for
    the members' page behind the sign-in) and to its calendar file."""
    base = _base()
    return "\n".join(
        f"- **{format_datetime(m.starts_at, 'EEEE d MMMM, HH:mm')}** – [{m.title}]({base}/{page}/{m.id})"
        f"{f', {m.venue}' if m.venue else ''} ([.ics]({base}/meetings/{m.id}.ics))"
        for m in meetings
    )


def _meetings_of(month: date, *where: sa.ColumnElement[bool]) -> list[Meeting]:
    start, end = _month_bounds(month)
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(
                Meeting.starts_at >= start,
                Meeting.starts_at < end,
                Meeting.status.in_([MeetingStatus.CONFIRMED, MeetingStatus.HELD]),
                *where,
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def _record_lines(month: date, *where: sa.ColumnElement[bool]) -> str:
    """Minutes approved in the month, each with its decisions."""
    approved = db.session.scalars(
        sa.select(Minutes)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .options(so.joinedload(Minutes.meeting))
        .where(
            Minutes.status == MinutesStatus.APPROVED,
            Minutes.approved_on >= month,
            Minutes.approved_on < first_of_next_month(month),
            *where,
        )
        .order_by(Minutes.approved_on, Minutes.id)
    ).all()
    decisions: dict[int, list[Decision]] = {}
    for decision in db.session.scalars(
        sa.select(Decision)
        .where(Decision.meeting_id.in_([m.meeting_id for m in approved]), Decision.stands)
        .order_by(*minutes_order())
    ):
        decisions.setdefault(decision.meeting_id, []).append(decision)
    base = _base()
    lines = []
    for minutes in approved:
        meeting = minutes.meeting
        lines.append(
            f"- [{meeting.title}]({base}/meetings/{meeting.id}/minutes), "
            + str(_l("minutes approved on %(day)s", day=format_date(minutes.approved_on, "long")))
        )
        lines.extend(f"  - {d.code}: {d.text}" for d in decisions.get(meeting.id, []))
    return "\n".join(lines)


def _results_lines(month: date) -> str:
    """Consultation results published to anyone in the month, each linked to its public page with the start
    of its summary. Results kept for the members stay out: the e-news also goes to the public."""
    start, end = _month_bounds(month)
    published = db.session.scalars(
        sa.select(Survey)
        .where(
            Survey.results_are_public,
            Survey.results_published_at >= start,
            Survey.results_published_at < end,
        )
        .order_by(Survey.results_published_at, Survey.id)
    )
    base = _base()
    return "\n".join(
        f"- [{survey.title}]({base}/consultations/{survey.id}/published): "
        + plain_start(survey.results_summary, SUMMARY_START)
        for survey in published
    )


def _consultation_lines(month: date) -> str:
    """Consultations open to the public that readers can still answer when the issue goes out, each linked
    to its public page with its last day: the e-news is how the public hears of them."""
    start, _end = _month_bounds(month)
    open_ones = db.session.scalars(
        sa.select(Survey)
        .where(
            Survey.opened_at.is_not(None),
            Survey.reach.in_((SurveyReach.PUBLIC, SurveyReach.BOTH)),
            Survey.deadline_at > start,
        )
        .order_by(Survey.deadline_at, Survey.id)
    )
    base = _base()
    return "\n".join(
        f"- [{survey.title}]({base}/public-consultations/{survey.id}): "
        + str(_l("answers until %(day)s", day=format_until(clock.local(survey.deadline_at), rebase=False)))
        for survey in open_ones
    )


@dataclass(frozen=True)
class _Planned:
    kind: NewsSectionKind
    heading: str
    body: str
    members_only: bool


def _planned_sections(month: date) -> list[_Planned]:
    today = clock.today()
    past = (month - timedelta(days=1)).replace(day=1)
    month_name, past_name = format_date(month, "MMMM y"), format_date(past, "MMMM y")
    # What a member who is not an organiser may see, when being invited means everyone is.
    for_members = sa.and_(~published_clause(), seen_clause({Role.MEMBER}, _everyone_invited(today)))
    return [
        _Planned(NewsSectionKind.EDITORIAL, str(_l("Editorial")), "", False),
        _Planned(
            NewsSectionKind.EVENTS,
            str(_l("Public events in %(month)s", month=month_name)),
            _meeting_lines(_meetings_of(month, published_clause()), "events"),
            False,
        ),
        _Planned(
            NewsSectionKind.MEETINGS,
            str(_l("Meetings of the group in %(month)s", month=month_name)),
            _meeting_lines(_meetings_of(month, for_members), "meetings"),
            True,
        ),
        _Planned(
            NewsSectionKind.DECISIONS,
            str(_l("Decisions and minutes approved in %(month)s", month=past_name)),
            _record_lines(past, published_clause()),
            False,
        ),
        _Planned(
            NewsSectionKind.MINUTES,
            str(_l("For members: decisions and minutes approved in %(month)s", month=past_name)),
            _record_lines(past, for_members),
            True,
        ),
        _Planned(
            NewsSectionKind.RESULTS,
            str(_l("Consultation results published in %(month)s", month=past_name)),
            _results_lines(past),
            False,
        ),
        _Planned(NewsSectionKind.CALLS, str(_l("Open calls")), _consultation_lines(month), False),
        _Planned(NewsSectionKind.NEWS, str(_l("News from the partnership")), "", False),
    ]


def next_number() -> int:
    return (db.session.scalar(sa.select(sa.func.max(NewsIssue.number))) or 0) + 1


def issue_of_month(month: date) -> NewsIssue | None:
    return db.session.scalar(sa.select(NewsIssue).where(NewsIssue.month == month))


def draft_issue(month: date) -> NewsIssue:
    """The draft for `month` (its first day), pre-filled from the data, in the NMG's language.

    Two drafting runs at once (the scheduler and a click) meet on the unique month: the second gets the
    first one's issue.
    """
    existing = issue_of_month(month)
    if existing is not None:
        return existing
    with force_locale(group_language()):
        number = next_number()
        issue = NewsIssue(number=number, month=month, title=issue_title(number, month))
        issue.sections = [
            NewsSection(
                position=position, kind=p.kind, heading=p.heading, body=p.body, members_only=p.members_only
            )
            for position, p in enumerate(_planned_sections(month), start=1)
        ]
    # What the data writes, it writes in every language; the editor translates only what people wrote.
    for language in other_languages():
        with force_locale(language):
            write_title(issue, language, issue_title(number, month))
            for section, planned in zip(issue.sections, _planned_sections(month), strict=True):
                write_text(section, language, planned.heading, planned.body)
    db.session.add(issue)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return db.session.scalar(sa.select(NewsIssue).where(NewsIssue.month == month))
    return issue


def _editors(today: date) -> list[Member]:
    coordinator = current_coordinator_id()
    return list(
        db.session.scalars(
            sa.select(Member)
            .where(
                Member.current_clause(today),
                sa.or_(Member.is_coordination_team, Member.id == coordinator),
            )
            .order_by(Member.id)
        )
    )


def draft_next_issue(now: datetime | None = None) -> str:
    """The scheduler's monthly run: from NEWS_DRAFT_DAY on, next month's draft exists and the team knows."""
    now = now or clock.now()
    today = clock.local(now).date()
    if today.day < int(current_app.config["NEWS_DRAFT_DAY"]):
        return "not the drafting day yet"
    month = first_of_next_month(today)
    issue = draft_issue(month)
    link = f"{_base()}/news/issues/{issue.id}"
    queued = queue_mails(
        DRAFT_PURPOSE,
        [
            (
                f"{DRAFT_PURPOSE}:{month.isoformat()}:{member.id}",
                member.email,
                {
                    "to_name": member.full_name,
                    "language": str(member.language),
                    "subject": _l("The draft of %(title)s is ready", title=issue.title),
                    "template": "news_draft_ready",
                    "member": member,
                    "issue": issue,
                    "link": link,
                },
            )
            for member in _editors(today)
        ],
    )
    return f"issue n. {issue.number} drafted; {len(queued)} editors told"
