"""The API's operations for a member, with their personal token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from . import bp, member_data
from . import schemas as s
from .reading import ApiReader
from .registry import read_operation


@read_operation(
    bp, "/me", s.Me, _l("You"), _l("Whose token this is, and their roles today."), for_member=True
)
def me(reader: ApiReader):
    """The token's member."""
    return member_data.me(reader)


@read_operation(
    bp,
    "/me/meetings",
    s.MyMeeting,
    _l("Your meetings"),
    _l("The meetings you are invited to, as your meetings page shows them, the latest first."),
    paged=True,
    for_member=True,
)
def my_meetings(reader: ApiReader):
    """My meetings."""
    return member_data.meetings(reader)


@read_operation(
    bp,
    "/me/answers",
    s.MyAnswer,
    _l("Your answers"),
    _l("Your answers to those invitations and the attendance recorded."),
    paged=True,
    for_member=True,
)
def my_answers(reader: ApiReader):
    """My answers to invitations."""
    return member_data.answers(reader)


@read_operation(
    bp,
    "/me/actions",
    s.MyAction,
    _l("Your actions"),
    _l("Your actions as your actions page lists them, closed ones included, the soonest due first."),
    paged=True,
    for_member=True,
)
def my_actions(reader: ApiReader):
    """My actions."""
    return member_data.actions(reader)


@read_operation(
    bp,
    "/me/minutes",
    s.ApprovedMinutes,
    _l("Approved minutes"),
    _l("The approved minutes you may read, the latest meeting first."),
    paged=True,
    for_member=True,
)
def my_minutes(reader: ApiReader):
    """Approved minutes I may read."""
    return member_data.minutes(reader)


@read_operation(
    bp,
    "/me/decisions",
    s.StandingDecision,
    _l("Decisions"),
    _l("The decisions of approved minutes you may read, the latest meeting first."),
    paged=True,
    for_member=True,
)
def my_decisions(reader: ApiReader):
    """Decisions I may read."""
    return member_data.decisions(reader)
