"""Approval by written procedure: those present are asked by mail, once each; silence until the deadline
approves on the scheduler's run, every one agreeing approves at once, an objection ends it without
approval and goes on the next meeting's agenda."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.minutes import writing, written_procedure
from nmg_ops.minutes.lifecycle import approve, circulate
from nmg_ops.minutes.writing import MinutesError
from nmg_ops.models import (
    AgendaItem,
    Attendance,
    MeetingStatus,
    MinutesApproval,
    MinutesStatus,
    OutboundMessage,
    ProcedureStatus,
)
from nmg_ops.scheduler import run_due_jobs
from tests.fixtures.factories import PASSWORD


@pytest.fixture
def held(make_meeting, people, make_member):
    """The plenary held last week, the last one: the member and a colleague present, a third excused; its
    minutes circulated; the next plenary in three weeks."""
    colleague = make_member(email="colleague@example.org", full_name="Chiara Colleague")
    excused = make_member(email="excused@example.org", full_name="Ezio Excused")
    meeting = make_meeting(
        "plenary",
        starts_at=clock.now() - timedelta(days=7),
        invitees=[people["member"], colleague, excused],
        status=MeetingStatus.CONFIRMED,
        title="Plenaria di novembre",
    )
    for invitation, mark in zip(
        meeting.invitations, [Attendance.PRESENT, Attendance.PRESENT, Attendance.EXCUSED], strict=True
    ):
        invitation.attendance = mark
    db.session.commit()
    meeting = writing.meeting_for_minutes(meeting.id)
    writing.save(meeting, {"opening": "Opened at 10:05."}, 0, people["coordination_team"].id)
    circulate(meeting, writing.minutes_of(meeting.id))
    return meeting


@pytest.fixture
def next_plenary(make_meeting):
    return make_meeting(
        "plenary", starts_at=clock.now() + timedelta(days=21), status=MeetingStatus.CONFIRMED, title="Next"
    )


def _start(held, people, days=5):
    return written_procedure.start(
        held,
        writing.minutes_of(held.id),
        deadline_on=clock.today() + timedelta(days=days),
        by_id=people["coordinator"].id,
    )


def _procedure_mails() -> list[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(OutboundMessage.dedupe_key, OutboundMessage.recipient).where(
            OutboundMessage.dedupe_key.like("written_procedure:%")
        )
    ).all()
    return sorted((key.split(":")[1], recipient) for key, recipient in rows)


def _client(app, member):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": member.email, "password": PASSWORD}).status_code == 302
    return client


def test_silence_until_the_deadline_approves_on_the_schedulers_run_mailing_once_each(held, people):
    procedure = _start(held, people)
    asked = ["colleague@example.org", "plain@example.org"]
    assert _procedure_mails() == [("asked", to) for to in asked]
    written_procedure.answer(procedure, people["member"].id, objects=False)

    run_due_jobs(clock.now() + timedelta(days=5))  # the deadline day: still open
    db.session.expire_all()
    assert writing.minutes_of(held.id).status is MinutesStatus.CIRCULATED

    day_after = clock.now() + timedelta(days=6)
    run_due_jobs(day_after)
    run_due_jobs(day_after + timedelta(minutes=15))
    db.session.expire_all()
    minutes = writing.minutes_of(held.id)
    assert minutes.status is MinutesStatus.APPROVED
    assert (minutes.approved_how, minutes.approved_on, minutes.approved_version) == (
        MinutesApproval.WRITTEN,
        clock.local(day_after).date(),
        1,
    )
    assert _procedure_mails() == sorted([("asked", to) for to in asked] + [("approved", to) for to in asked])


def test_an_objection_ends_it_unapproved_and_goes_on_the_next_meetings_agenda(held, next_plenary, people):
    procedure = _start(held, people)
    objector = people["member"].id
    with pytest.raises(MinutesError, match="Say why you object"):
        written_procedure.answer(procedure, objector, objects=True, reason="  ")
    status = written_procedure.answer(procedure, objector, objects=True, reason="Item 2 is wrong.")
    assert status is ProcedureStatus.OBJECTED
    minutes = writing.minutes_of(held.id)
    assert minutes.status is MinutesStatus.CIRCULATED
    item = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.meeting_id == next_plenary.id))
    assert item.title.startswith("Objection to the minutes of Plenaria di novembre")
    assert item.notes == "Paolo Member: Item 2 is wrong."
    assert minutes.approval_item_id == item.id
    colleague = next(a.member_id for a in procedure.answers if a.member_id != objector)
    with pytest.raises(MinutesError, match="is over"):
        written_procedure.answer(procedure, colleague, objects=False)

    run_due_jobs(clock.now() + timedelta(days=10))
    db.session.expire_all()
    assert writing.minutes_of(held.id).status is MinutesStatus.CIRCULATED
    assert [what for what, _ in _procedure_mails()].count("objected") == 2


def test_every_one_agreeing_approves_at_once(held, make_meeting, people):
    procedure = _start(held, people)
    plenary = make_meeting("plenary", starts_at=clock.now() - timedelta(minutes=1), status=MeetingStatus.HELD)
    with pytest.raises(MinutesError, match="wait for its outcome"):
        approve(held, writing.minutes_of(held.id), approved_on=None, at_meeting=plenary, by_id=None)
    first, second = (answer.member_id for answer in procedure.answers)
    assert written_procedure.answer(procedure, first, objects=False) is ProcedureStatus.OPEN
    with pytest.raises(MinutesError, match="answered already"):
        written_procedure.answer(procedure, first, objects=True, reason="Changed my mind")
    assert written_procedure.answer(procedure, second, objects=False) is ProcedureStatus.APPROVED
    minutes = writing.minutes_of(held.id)
    assert (minutes.status, minutes.approved_on) == (MinutesStatus.APPROVED, clock.today())


def test_a_procedure_needs_the_circulated_text_and_a_deadline_to_come(held, people):
    minutes = writing.minutes_of(held.id)
    with pytest.raises(MinutesError, match="after today") as refused:
        _start(held, people, days=0)
    assert refused.value.field == "deadline_on"
    writing.save(held, {"opening": "Opened at 10:15."}, minutes.version, people["coordination_team"].id)
    with pytest.raises(MinutesError, match="circulate the changes"):
        _start(held, people)


def test_the_last_plenarys_minutes_go_through_by_written_procedure_from_the_pages(app, held, people):
    coordinator = _client(app, people["coordinator"])
    page = coordinator.get(f"/meetings/{held.id}/minutes/approve").get_data(as_text=True)
    assert "Start the written procedure" in page
    deadline = (clock.today() + timedelta(days=7)).isoformat()
    first = coordinator.post(f"/meetings/{held.id}/minutes/written-procedure", data={"deadline_on": deadline})
    assert first.status_code == 200, "the first post only says what will happen"
    assert _procedure_mails() == []
    assert written_procedure.open_procedure(writing.minutes_of(held.id)) is None
    response = coordinator.post(
        f"/meetings/{held.id}/minutes/written-procedure", data={"deadline_on": deadline, "confirmed": "yes"}
    )
    assert response.status_code == 302
    asked = len(_procedure_mails())
    assert asked > 1
    assert f"{asked} members present will be asked by mail" in first.get_data(as_text=True)

    member = _client(app, people["member"])
    start = member.get("/").get_data(as_text=True)
    assert "Minutes for your approval" in start and "Plenaria di novembre" in start
    page = member.get(f"/meetings/{held.id}/minutes").get_data(as_text=True)
    assert "I agree with the minutes" in page and "I object" in page
    team = _client(app, people["coordination_team"])
    edit = team.post(
        f"/meetings/{held.id}/minutes/edit", data={"base": 1, "section-opening": "Changed.", "then": "close"}
    )
    assert "A written procedure on these minutes is open" in edit.get_data(as_text=True)

    response = member.post(
        f"/meetings/{held.id}/minutes/written-procedure/answer", data={"choice": "agree", "reason": ""}
    )
    assert response.status_code == 302
    assert "Minutes for your approval" not in member.get("/").get_data(as_text=True)
    stranger = _client(app, people["admin"])
    refused = stranger.post(
        f"/meetings/{held.id}/minutes/written-procedure/answer",
        data={"choice": "object", "reason": "x"},
        follow_redirects=True,
    )
    assert "No written procedure on these minutes asks you" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert writing.minutes_of(held.id).status is MinutesStatus.CIRCULATED
