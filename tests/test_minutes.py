"""Minutes: written by the coordination team in revisions, circulated once per circulation to those
present, commented per section, approved at the next plenary, then locked but for errata."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings import agenda
from nmg_ops.minutes import comments, lifecycle, sections, writing
from nmg_ops.minutes.writing import EditConflict, MinutesError
from nmg_ops.models import (
    AgendaItem,
    Attendance,
    AuditEntry,
    MeetingStatus,
    MinutesApproval,
    MinutesRevision,
    MinutesStatus,
    OutboundMessage,
    RevisionKind,
)


@pytest.fixture
def held(make_meeting, people, make_member):
    """A thematic meeting held last week with two agenda items; the member and a colleague were present,
    a third invitee sent apologies."""
    colleague = make_member(email="colleague@example.org", full_name="Chiara Colleague")
    absent = make_member(email="absent@example.org", full_name="Aldo Absent")
    meeting = make_meeting(
        "thematic",
        starts_at=clock.now() - timedelta(days=7),
        invitees=[people["member"], colleague, absent],
        status=MeetingStatus.CONFIRMED,
        title="Data spaces workshop",
    )
    for position, title in enumerate(["Welcome", "Data governance"], start=1):
        db.session.add(AgendaItem(meeting_id=meeting.id, position=position, title=title))
    marks = [Attendance.PRESENT, Attendance.PRESENT, Attendance.EXCUSED]
    for invitation, mark in zip(meeting.invitations, marks, strict=True):
        invitation.attendance = mark
    db.session.commit()
    return writing.meeting_for_minutes(meeting.id)


@pytest.fixture
def next_plenary(make_meeting):
    return make_meeting("plenary", starts_at=clock.now() + timedelta(days=20), status=MeetingStatus.CONFIRMED)


def _keys(meeting):
    return sections.keys(meeting)


def _write(meeting, author, **texts):
    minutes = writing.minutes_of(meeting.id)
    return writing.save(meeting, texts, minutes.version if minutes else 0, author.id)


def test_sections_follow_the_agenda_with_opening_and_other_business(held):
    titles = [s.title for s in sections.layout(held)]
    assert titles == ["Opening", "Welcome", "Data governance", "Any other business"]


def test_every_save_is_a_revision_and_unchanged_saves_add_none(held, people):
    team = people["coordination_team"]
    key = _keys(held)[2]
    first = _write(held, team, opening="Opened at 10:05.")
    second = _write(held, team, opening="Opened at 10:05.", **{key: "Agreed the *roadmap*."})
    assert (first.number, second.number) == (1, 2)
    assert _write(held, team, opening="Opened at 10:05.", **{key: "Agreed the *roadmap*."}) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MinutesRevision)) == 2
    assert writing.minutes_of(held.id).sections == {
        "opening": "Opened at 10:05.",
        key: "Agreed the *roadmap*.",
    }


def test_a_save_from_a_stale_revision_is_a_conflict_and_keeps_both_texts(held, people):
    team, coordinator = people["coordination_team"], people["coordinator"]
    writing.save(held, {"opening": "Base text."}, 0, team.id)
    writing.save(held, {"opening": "Teresa's text."}, 1, team.id)
    with pytest.raises(EditConflict) as conflict:
        writing.save(held, {"opening": "Carla's text."}, 1, coordinator.id)
    assert conflict.value.mine == {"opening": "Carla's text."}
    assert conflict.value.theirs.sections == {"opening": "Teresa's text."}
    assert conflict.value.theirs.author.full_name == "Teresa Team"
    assert writing.minutes_of(held.id).sections == {"opening": "Teresa's text."}


def test_texts_for_unknown_sections_are_ignored_and_oversize_refused(held, people):
    writing.save(held, {"opening": "x", "item-999999": "planted"}, 0, people["coordination_team"].id)
    assert writing.minutes_of(held.id).sections == {"opening": "x"}
    with pytest.raises(MinutesError):
        writing.save(held, {"opening": "y" * (writing.SECTION_MAX + 1)}, 1, people["coordination_team"].id)


def test_text_of_a_removed_agenda_item_is_kept_and_shown(held, people):
    key = _keys(held)[1]
    writing.save(held, {key: "Welcome by the chair."}, 0, people["coordination_team"].id)
    item = held.agenda_items[0]
    db.session.delete(item)
    db.session.commit()
    meeting = writing.meeting_for_minutes(held.id)
    layout = sections.layout(meeting, writing.minutes_of(held.id).sections)
    assert [(s.title, s.text) for s in layout if s.text] == [("Removed agenda item", "Welcome by the chair.")]


def test_restoring_an_old_revision_is_a_new_revision(held, people):
    team = people["coordination_team"]
    writing.save(held, {"opening": "First."}, 0, team.id)
    writing.save(held, {"opening": "Second."}, 1, team.id)
    minutes = writing.minutes_of(held.id)
    restored = writing.restore(held, minutes, 1, 2, team.id)
    assert (restored.number, restored.kind, restored.sections) == (
        3,
        RevisionKind.RESTORE,
        {"opening": "First."},
    )
    assert [r.number for r in writing.revisions(minutes)] == [3, 2, 1]


def test_comparing_two_revisions_marks_the_changed_words(held):
    key = _keys(held)[2]
    changes = writing.compare(
        held, {key: "We agreed the plan.\nSame line."}, {key: "We adopted the plan.\nSame line."}
    )
    assert [c.title for c in changes] == ["2. Data governance"]
    changed = [row for row in changes[0].rows if row.tag != "equal"]
    assert len(changed) == 1
    assert "<del>agreed</del>" in changed[0].old and "<ins>adopted</ins>" in changed[0].new
    assert writing.has_changes(changes)
    assert not writing.has_changes(writing.compare(held, {key: "a"}, {key: "a"}))


def test_circulating_mails_those_present_once_and_adds_the_approval_item_once(held, next_plenary, people):
    team = people["coordination_team"]
    writing.save(held, {"opening": "Opened."}, 0, team.id)
    minutes = writing.minutes_of(held.id)
    report = lifecycle.circulate(held, minutes, expected=0)
    assert report.mailed == 2
    recipients = sorted(db.session.scalars(sa.select(OutboundMessage.recipient)))
    assert recipients == ["colleague@example.org", "plain@example.org"]
    items = db.session.scalars(
        sa.select(AgendaItem.title).where(AgendaItem.meeting_id == next_plenary.id)
    ).all()
    held_on = clock.local(held.starts_at)
    day = f"{held_on.day} {held_on:%b %Y}"
    assert items == [f"Approval of the minutes of the meeting of {day} (Data spaces workshop)"]
    assert minutes.status is MinutesStatus.CIRCULATED
    assert minutes.comments_due_on == clock.today() + timedelta(days=10)

    with pytest.raises(MinutesError):
        lifecycle.circulate(held, minutes, expected=0)  # a second click on the same page
    with pytest.raises(MinutesError):
        lifecycle.circulate(held, minutes, expected=1)  # nothing changed since
    writing.save(held, {"opening": "Opened at 10:00."}, minutes.version, team.id)
    assert lifecycle.circulate(held, minutes, expected=1).mailed == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage)) == 4
    items = db.session.scalars(sa.select(AgendaItem.id).where(AgendaItem.meeting_id == next_plenary.id)).all()
    assert len(items) == 1


def test_circulating_needs_text_and_attendance(held, make_meeting, people):
    with pytest.raises(MinutesError, match="Write the minutes"):
        lifecycle.circulate(held, None)
    unrecorded = make_meeting(
        "thematic", starts_at=clock.now() - timedelta(days=2), invitees=[people["member"]]
    )
    unrecorded = writing.meeting_for_minutes(unrecorded.id)
    writing.save(unrecorded, {"opening": "x"}, 0, people["coordination_team"].id)
    with pytest.raises(MinutesError, match="Record who attended"):
        lifecycle.circulate(unrecorded, writing.minutes_of(unrecorded.id))


def test_members_present_comment_per_section_and_the_team_resolves(held, people):
    writing.save(held, {"opening": "Opened."}, 0, people["coordination_team"].id)
    minutes = writing.minutes_of(held.id)
    with pytest.raises(MinutesError, match="while the minutes are circulated"):
        comments.add_comment(held, minutes, "opening", "Too early", people["member"].id)
    lifecycle.circulate(held, minutes)
    comment = comments.add_comment(held, minutes, "opening", "It opened at 10:10.", people["member"].id)
    with pytest.raises(MinutesError):
        comments.add_comment(held, minutes, "item-424242", "Nowhere", people["member"].id)
    assert [c.body for c in comments.by_section(minutes)["opening"]] == ["It opened at 10:10."]
    comments.reply(minutes, comment, "Corrected.", people["coordination_team"].id, resolves=True)
    comments.reply(minutes, comment, "And noted again.", people["coordinator"].id, resolves=True)
    db.session.expire_all()
    [shown] = comments.by_section(minutes)["opening"]
    assert [reply.body for reply in shown.replies] == ["Corrected.", "And noted again."]
    assert shown.resolved_by_id == people["coordination_team"].id, "the first to resolve stays"
    assert lifecycle.open_comments(minutes) == 0


def test_comments_close_after_the_deadline(held, people):
    writing.save(held, {"opening": "Opened."}, 0, people["coordination_team"].id)
    minutes = writing.minutes_of(held.id)
    lifecycle.circulate(held, minutes)
    minutes.comments_due_on = clock.today() - timedelta(days=1)
    db.session.commit()
    with pytest.raises(MinutesError, match="Comments closed"):
        comments.add_comment(held, minutes, "opening", "Late", people["member"].id)


def test_approval_at_the_next_plenary_locks_the_minutes(held, make_meeting, people):
    team, coordinator = people["coordination_team"], people["coordinator"]
    writing.save(held, {"opening": "Opened."}, 0, team.id)
    minutes = writing.minutes_of(held.id)
    lifecycle.circulate(held, minutes, now=clock.now() - timedelta(days=1))
    future = make_meeting(
        "plenary", starts_at=clock.now() + timedelta(days=3), status=MeetingStatus.CONFIRMED
    )
    with pytest.raises(MinutesError, match="has taken place"):
        lifecycle.approve(held, minutes, approved_on=None, at_meeting=future, by_id=coordinator.id)
    with pytest.raises(MinutesError, match=r"approved at a later meeting \(Plenary meeting\)"):
        lifecycle.approve(held, minutes, approved_on=None, at_meeting=None, by_id=coordinator.id)
    plenary = make_meeting(
        "plenary", starts_at=clock.now() - timedelta(hours=3), status=MeetingStatus.CONFIRMED
    )
    lifecycle.approve(held, minutes, approved_on=None, at_meeting=plenary, by_id=coordinator.id)
    assert minutes.status is MinutesStatus.APPROVED
    assert minutes.approved_on == clock.local(plenary.starts_at).date()
    with pytest.raises(MinutesError, match="erratum"):
        writing.save(held, {"opening": "Changed."}, minutes.version, team.id)

    erratum = writing.erratum(
        held, minutes, {"opening": "Opened at 10:10."}, "Wrong time", minutes.version, coordinator.id
    )
    assert (erratum.kind, erratum.note) == (RevisionKind.ERRATUM, "Wrong time")
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.subject_type == "minutes")
    ).all()
    assert actions == ["circulated", "approved", "erratum"]


def test_open_comments_hold_back_approval(held, make_meeting, people):
    writing.save(held, {"opening": "Opened."}, 0, people["coordination_team"].id)
    minutes = writing.minutes_of(held.id)
    lifecycle.circulate(held, minutes)
    comments.add_comment(held, minutes, "opening", "Wrong time", people["member"].id)
    plenary = make_meeting(
        "plenary", starts_at=clock.now() - timedelta(hours=3), status=MeetingStatus.CONFIRMED
    )
    with pytest.raises(MinutesError, match="1 comment is still open"):
        lifecycle.approve(held, minutes, approved_on=None, at_meeting=plenary, by_id=people["coordinator"].id)


def test_team_approved_types_need_no_plenary(held, people):
    held.type.minutes_approval = MinutesApproval.COORDINATOR
    db.session.commit()
    writing.save(held, {"opening": "Opened."}, 0, people["coordination_team"].id)
    minutes = writing.minutes_of(held.id)
    report = lifecycle.circulate(held, minutes)
    assert report.approval_item is None and not report.no_approving_meeting
    lifecycle.approve(
        held, minutes, approved_on=clock.today(), at_meeting=None, by_id=people["coordination_team"].id
    )
    assert minutes.status is MinutesStatus.APPROVED
    with pytest.raises(MinutesError):
        writing.save(held, {"opening": "x"}, minutes.version, people["coordination_team"].id)


def test_approval_item_survives_into_a_held_plenary_only_once(held, next_plenary, people):
    """A correction of a held agenda is audited; the approval item is an ordinary item afterwards."""
    writing.save(held, {"opening": "Opened."}, 0, people["coordination_team"].id)
    lifecycle.circulate(held, writing.minutes_of(held.id))
    item = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.meeting_id == next_plenary.id))
    assert item.kind == lifecycle.APPROVAL_KIND
    assert not agenda.is_held(next_plenary)


def test_two_saves_racing_from_the_same_revision_let_exactly_one_through(app, held, people):
    """Two requests at the same instant, each in its own connection: one revision, one conflict."""
    import threading

    writing.save(held, {"opening": "Base."}, 0, people["coordination_team"].id)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(text: str, author_id: int) -> None:
        with app.app_context():
            meeting = writing.meeting_for_minutes(held.id)
            barrier.wait()
            try:
                writing.save(meeting, {"opening": text}, 1, author_id)
                outcomes.append("saved")
            except EditConflict:
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=save, args=(text, people[role].id))
        for text, role in (("Teresa's.", "coordination_team"), ("Carla's.", "coordinator"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    db.session.expire_all()
    numbers = db.session.scalars(sa.select(MinutesRevision.number).order_by(MinutesRevision.number)).all()
    assert numbers == [1, 2]
