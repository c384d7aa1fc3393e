"""The year plan: proposed on the agreed cadence, adjusted by the coordinator, committed once."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings import planning
from nmg_ops.meetings.rules import MeetingError
from nmg_ops.models import Meeting, MeetingMode, MeetingStatus

TODAY = date(2026, 11, 26)


def _in_blackout(day: date) -> bool:
    return day.month == 8 or (day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 6)


def _iso_week(day: date) -> tuple[int, int]:
    return day.isocalendar()[:2]


def test_the_2027_plan_meets_the_agreed_cadence_on_working_days(app):
    plan = planning.propose(2027, TODAY)
    plenaries = [slot for slot in plan.slots if slot.kind.code == "plenary"]
    thematic = [slot for slot in plan.slots if slot.kind.code == "thematic"]

    assert len(plenaries) == 6
    assert len(thematic) == 3
    assert {slot.kind.code for slot in plan.slots} == {"plenary", "thematic"}, (
        "as-needed types are not planned"
    )
    onsite = [slot for slot in plenaries if slot.mode is MeetingMode.ONSITE]
    assert len(onsite) >= 2
    assert onsite[0] is plenaries[0] and onsite[-1] is plenaries[-1], "onsite: the first and the last"
    assert all(slot.mode is MeetingMode.HYBRID for slot in thematic)
    for slot in plan.slots:
        assert slot.day.year == 2027
        assert slot.day.weekday() < 5, slot
        assert not _in_blackout(slot.day), slot
        assert (slot.day.month, slot.day.day) not in {(4, 25), (5, 1), (6, 2), (11, 1), (12, 8)}, slot
        assert slot.problem is None and slot.include
    plenary_weeks = {_iso_week(slot.day) for slot in plenaries}
    assert not any(_iso_week(slot.day) in plenary_weeks for slot in thematic)
    assert plan.notes == []


def test_plenaries_come_about_every_two_months(app):
    days = [slot.day for slot in planning.propose(2027, TODAY).slots if slot.kind.code == "plenary"]
    gaps = [(later - earlier).days for earlier, later in pairwise(days)]
    # Six a year, with August off: between five weeks and three months apart, never bunched.
    assert all(35 <= gap <= 92 for gap in gaps), gaps
    assert days[0] < date(2027, 3, 1) and days[-1] > date(2027, 10, 31)


def test_committing_twice_adds_the_meetings_once(app, people):
    coordinator = people["coordinator"]
    created = planning.commit(planning.propose(2027, TODAY), coordinator.id, TODAY)
    assert len(created) == 9
    again = planning.propose(2027, TODAY)
    assert all(slot.existing is not None for slot in again.slots)
    assert planning.commit(again, coordinator.id, TODAY) == []

    meetings = db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at)).all()
    assert len(meetings) == 9
    assert {m.status for m in meetings} == {MeetingStatus.DRAFT}
    assert {m.plan_key for m in meetings} == {f"2027/plenary/{n}" for n in range(1, 7)} | {
        f"2027/thematic/{n}" for n in range(1, 4)
    }
    first = next(m for m in meetings if m.plan_key == "2027/plenary/1")
    assert first.title == "Plenary meeting 1/2027"
    assert first.organiser_id == coordinator.id
    # The whole group is invited; 10:00 in Rome in winter is 09:00 UTC.
    assert {i.member_id for i in first.invitations} == {p.id for p in people.values() if p is not None}
    assert first.starts_at.hour == 9 and first.ends_at - first.starts_at == timedelta(minutes=120)


def test_a_second_commit_of_an_old_proposal_adds_nothing(app, people):
    """Two browsers showed the same proposal; the second commit must not duplicate the first."""
    first_view = planning.propose(2027, TODAY)
    second_view = planning.propose(2027, TODAY)
    planning.commit(first_view, people["coordinator"].id, TODAY)
    with pytest.raises(MeetingError, match="committed elsewhere"):
        planning.commit(second_view, people["coordinator"].id, TODAY)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 9


def test_adjusted_days_are_checked_and_nothing_is_saved_while_one_is_wrong(app, people):
    plan = planning.propose(2027, TODAY)
    third = plan.slots[2]
    planning.adjust(
        plan,
        {
            third.key: (True, date(2027, 8, 10), MeetingMode.ONLINE),
            plan.slots[3].key: (True, date(2027, 7, 10), MeetingMode.ONLINE),
            plan.slots[5].key: (True, plan.slots[5].day, MeetingMode.ONLINE),
        },
        TODAY,
    )
    assert "period without meetings" in third.problem
    assert "weekend" in plan.slots[3].problem
    assert any("only 1 onsite" in note for note in plan.notes)
    with pytest.raises(MeetingError):
        planning.commit(plan, people["coordinator"].id, TODAY)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0


def test_leaving_meetings_out_commits_the_rest_and_says_the_cadence_is_short(app, people):
    plan = planning.propose(2027, TODAY)
    left_out = plan.slots[1]
    planning.adjust(plan, {left_out.key: (False, left_out.day, left_out.mode)}, TODAY)
    assert plan.notes == ["2027 – Plenary meeting: 5 in the plan, 6 agreed."]
    created = planning.commit(plan, people["coordinator"].id, TODAY)
    assert len(created) == 8
    # The left-out meeting can still be added later from the same plan.
    assert [slot.key for slot in planning.propose(2027, TODAY).new_slots] == [left_out.key]


def test_in_the_current_year_past_days_are_left_out(app):
    plan = planning.propose(2026, TODAY)
    past = [slot for slot in plan.slots if slot.day <= TODAY]
    assert past and not any(slot.include for slot in past)
    assert all(slot.include for slot in plan.slots if slot.day > TODAY)


def test_a_plan_page_round_trip_as_the_coordinator(client, people, sign_in):
    sign_in(people["coordinator"])
    year = clock.today().year + 2
    page = client.get(f"/meetings/plan?year={year}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Plenary meeting 1/{year}" in html and f"Thematic meeting 3/{year}" in html

    plan = planning.propose(year, clock.today())
    form = {}
    for index, slot in enumerate(plan.slots):
        form[f"rows-{index}-key"] = slot.key
        form[f"rows-{index}-include"] = "y"
        form[f"rows-{index}-day"] = slot.day.isoformat()
        form[f"rows-{index}-mode"] = slot.mode.value
    moved = plan.slots[1]
    form["rows-1-day"] = (moved.day + timedelta(days=1 if moved.day.weekday() < 4 else -1)).isoformat()
    form["rows-0-day"] = f"{year}-08-08"
    checked = client.post(f"/meetings/plan?year={year}", data={**form, "commit": "1"})
    assert checked.status_code == 200
    assert "period without meetings" in checked.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0

    form["rows-0-day"] = plan.slots[0].day.isoformat()
    saved = client.post(f"/meetings/plan?year={year}", data={**form, "commit": "1"}, follow_redirects=True)
    html = saved.get_data(as_text=True)
    assert f"9 meetings added to {year} as drafts." in html
    header = html[html.index("<thead>") : html.index("</thead>")]
    assert ">Added<" in header and ">Status<" in header and ">Add<" not in header, "nothing left to add"
    second = db.session.scalar(sa.select(Meeting).where(Meeting.plan_key == moved.key))
    assert second.starts_at.date() == date.fromisoformat(form["rows-1-day"])


def test_a_plan_for_an_unplannable_year_is_not_found(client, people, sign_in):
    sign_in(people["coordinator"])
    assert client.get("/meetings/plan?year=1999").status_code == 404


def test_one_video_link_and_one_venue_serve_the_whole_plan(client, people, sign_in):
    sign_in(people["coordinator"])
    year = clock.today().year + 2
    plan = planning.propose(year, clock.today())
    form = {
        "video_url": "http://meet.example.org/nmg",
        "venue": "Ministero della Salute, Roma",
        "commit": "1",
    }
    for index, slot in enumerate(plan.slots):
        form.update(
            {
                f"rows-{index}-key": slot.key,
                f"rows-{index}-include": "y",
                f"rows-{index}-day": slot.day.isoformat(),
                f"rows-{index}-mode": slot.mode.value,
            }
        )
    refused = client.post(f"/meetings/plan?year={year}", data=form)
    assert "Use a secure web address starting with https://." in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0

    form["video_url"] = "https://meet.example.org/nmg"
    assert client.post(f"/meetings/plan?year={year}", data=form).status_code == 302
    meetings = db.session.scalars(sa.select(Meeting)).all()
    assert len(meetings) == 9
    for meeting in meetings:
        assert meeting.video_url == ("https://meet.example.org/nmg" if meeting.mode.needs_video_link else "")
        assert meeting.venue == ("Ministero della Salute, Roma" if meeting.mode.needs_venue else "")
    assert {m.mode for m in meetings} == {MeetingMode.ONLINE, MeetingMode.ONSITE, MeetingMode.HYBRID}
