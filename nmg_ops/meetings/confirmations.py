"""What the second look says before a meeting is confirmed or cancelled, or a year plan's drafts are
confirmed together: what happens and how many people are mailed (`confirmation.ask` shows it)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..confirmation import Question
from ..models import Meeting, MeetingStatus
from .announcements import told
from .display import meeting_when


def _invitations_sent(count: int) -> str:
    return ngettext("%(num)d invitation will be sent.", "%(num)d invitations will be sent.", count)


def confirm_question(meeting: Meeting) -> Question:
    return Question(
        title=_("Confirm “%(title)s”?", title=meeting.title),
        summary=[
            meeting_when(meeting),
            _invitations_sent(len(told(meeting))),
            _("Calendars add the meeting, and each invitee can answer from the mail."),
        ],
        button=_("Confirm"),
        back=url_for("meetings.meeting_detail", meeting_id=meeting.id),
        style="success",
    )


def cancel_question(meeting: Meeting, note_error: str | None = None) -> Question:
    """Only invitees of a confirmed meeting were told of it, so only they hear of the cancellation and
    only they can be given a message."""
    announced = meeting.status is MeetingStatus.CONFIRMED
    told_count = len(told(meeting)) if announced else 0
    return Question(
        title=_("Cancel “%(title)s”?", title=meeting.title),
        summary=[
            meeting_when(meeting),
            ngettext(
                "%(num)d invitee will be told by mail that the meeting is cancelled.",
                "%(num)d invitees will be told by mail that the meeting is cancelled.",
                told_count,
            )
            if announced
            else _("Nobody is mailed: the meeting was never confirmed, so no invitation went out."),
            _("The meeting stays in the lists, marked cancelled; it cannot be confirmed again."),
        ],
        button=_("Cancel the meeting"),
        back=url_for("meetings.meeting_detail", meeting_id=meeting.id),
        note_label=_("Message to the invitees (optional, sent with the cancellation)")
        if told_count
        else None,
        note_error=note_error,
        style="danger",
    )


def confirm_plan_question(year: int, ready: list[Meeting], waiting: list[tuple[Meeting, str]]) -> Question:
    """The drafts that can be confirmed, each with its number of invitations, and those that stay drafts."""
    summary = [
        ngettext(
            "%(num)d draft meeting will be confirmed.",
            "%(num)d draft meetings will be confirmed.",
            len(ready),
        ),
        _invitations_sent(sum(len(told(meeting)) for meeting in ready)),
    ]
    summary.extend(
        ngettext(
            "%(title)s, %(when)s: %(num)d invitation",
            "%(title)s, %(when)s: %(num)d invitations",
            len(told(meeting)),
            title=meeting.title,
            when=meeting_when(meeting),
        )
        for meeting in ready
    )
    return Question(
        title=_("Confirm the drafts of the %(year)d plan?", year=year),
        summary=summary,
        button=_("Confirm"),
        back=url_for("meetings.year_plan", year=year),
        style="success",
        warnings=[
            _("“%(title)s” stays a draft: %(problem)s", title=meeting.title, problem=problem)
            for meeting, problem in waiting
        ],
    )
