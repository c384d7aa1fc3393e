"""An agenda in the right order: the opening, the approval of the previous minutes, matters arising, the
team's items and any other business last, none of them added twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings import agenda
from nmg_ops.meetings.agenda import AgendaItemData
from nmg_ops.minutes import actions, lifecycle, matters_arising, writing
from nmg_ops.minutes.actions import ActionData, ActionError
from nmg_ops.models import AgendaItem, MeetingStatus


def _titles(meeting_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AgendaItem.title)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position)
        )
    )


def _add(meeting, *titles: str) -> None:
    for title in titles:
        agenda.add_item(meeting, AgendaItemData(title=title, duration_minutes=15))


@pytest.fixture
def last_plenary(make_held, people):
    """The plenary held last week, with an open action of its own and its minutes written."""
    meeting = make_held("Plenaria di novembre")
    actions.record(
        ActionData(title="Send the roadmap", owner_ids=[people["member"].id], meeting_id=meeting.id),
        people["coordination_team"].id,
    )
    return writing.meeting_for_minutes(meeting.id)


@pytest.fixture
def next_plenary(make_meeting):
    return make_meeting(
        "plenary", starts_at=clock.now() + timedelta(days=20), status=MeetingStatus.CONFIRMED, title="Next"
    )


def _circulate(meeting, people) -> None:
    writing.save(meeting, {"opening": "Opened at 10:05."}, 0, people["coordination_team"].id)
    lifecycle.circulate(meeting, writing.minutes_of(meeting.id))


def _carry_over(meeting, people) -> None:
    offered = [action.id for action in matters_arising.matters_arising(meeting)]
    matters_arising.carry_over(meeting, offered, people["coordination_team"].id)


def test_approval_and_matters_arising_follow_the_opening_and_any_other_business_stays_last(
    last_plenary, next_plenary, people
):
    _add(next_plenary, "Benvenuto e presentazioni", "Budget 2027", "Varie ed eventuali")
    _carry_over(next_plenary, people)
    _circulate(last_plenary, people)
    _add(next_plenary, "Joint call")
    titles = _titles(next_plenary.id)
    assert titles[0] == "Benvenuto e presentazioni"
    assert titles[1].startswith("Approval of the minutes of the meeting of")
    assert titles[2:] == [
        "Matters arising",
        "Budget 2027",
        "Joint call",
        "Varie ed eventuali",
    ]


def test_without_an_opening_the_approval_comes_first(last_plenary, next_plenary, people):
    _add(next_plenary, "Budget 2027", "Welcome back")
    _circulate(last_plenary, people)
    titles = _titles(next_plenary.id)
    assert titles[0].startswith("Approval of the minutes")
    assert titles[1:] == ["Budget 2027", "Welcome back"], "a welcome further down is not an opening"


def test_items_the_team_already_wrote_are_not_added_again(last_plenary, next_plenary, people):
    _add(next_plenary, "Opening", "APPROVAL OF THE MINUTES", "Budget 2027", "Matters arising", "AOB")
    _circulate(last_plenary, people)
    _carry_over(next_plenary, people)
    assert _titles(next_plenary.id) == [
        "Opening",
        "APPROVAL OF THE MINUTES",
        "Budget 2027",
        "Matters arising",
        "AOB",
    ]
    minutes = writing.minutes_of(last_plenary.id)
    assert minutes.approval_item.title == "APPROVAL OF THE MINUTES"
    arising = next_plenary.agenda_items[3]
    assert arising.kind == matters_arising.MATTERS_ARISING
    assert "Send the roadmap" in arising.notes
    with pytest.raises(ActionError):  # nothing left to carry over
        _carry_over(next_plenary, people)
    assert _titles(next_plenary.id).count("Matters arising") == 1


def test_italian_titles_written_by_the_team_are_recognised(last_plenary, next_plenary, people):
    _add(next_plenary, "Approvazione del verbale", "Seguiti della riunione precedente")
    _circulate(last_plenary, people)
    _carry_over(next_plenary, people)
    assert _titles(next_plenary.id) == ["Approvazione del verbale", "Seguiti della riunione precedente"]
