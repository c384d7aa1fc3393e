"""The agenda as a timetable: each item's start from the meeting's start and the durations before it, and
its presenter, on the pages and in the mails."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import render_template_string

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings import agenda
from nmg_ops.meetings.agenda import AgendaItemData
from nmg_ops.models import AgendaItem, MeetingStatus

ROME = ZoneInfo("Europe/Rome")


def _item_count(meeting_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(AgendaItem.id)).where(AgendaItem.meeting_id == meeting_id)
    )


def _start_times(page: str) -> list[str]:
    return re.findall(r'<time class="agenda-start[^"]*" datetime="[^"]+">(\d\d:\d\d)</time>', page)


@pytest.fixture
def team_client(client, sign_in, people):
    sign_in(people["coordination_team"])
    return client


def _timed_meeting(make_meeting, day, at: time):
    meeting = make_meeting("plenary", starts_at=datetime.combine(day, at, tzinfo=ROME), hours=4)
    for title, minutes in (("Welcome", 10), ("Budget", 45), ("Open floor", None), ("AOB", 5)):
        agenda.add_item(
            meeting, AgendaItemData(title=title, presenter="Carla Rossi", duration_minutes=minutes)
        )
    return meeting


def test_the_timetable_adds_each_duration_to_the_start(team_client, make_meeting):
    meeting = _timed_meeting(make_meeting, clock.today() + timedelta(days=14), time(10, 0))
    editor = team_client.get(f"/meetings/{meeting.id}/agenda").get_data(as_text=True)
    page = team_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    # after an item without a duration the next start is unknown, so none is shown
    assert _start_times(editor) == _start_times(page) == ["10:00", "10:10", "10:55"]
    assert "Carla Rossi" in editor and "Carla Rossi" in page


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime(2027, 3, 28).date(), ["01:30", "01:40", "03:25"]),  # clocks go forward at 02:00
        (datetime(2027, 10, 31).date(), ["01:30", "01:40", "02:25"]),  # 02:25 of summer time, then winter
    ],
)
def test_the_timetable_counts_real_time_on_the_night_the_clocks_change(
    team_client, make_meeting, day, expected
):
    meeting = _timed_meeting(make_meeting, day, time(1, 30))
    page = team_client.get(f"/meetings/{meeting.id}/agenda").get_data(as_text=True)
    assert _start_times(page) == expected


def test_mails_show_the_timetable_in_the_readers_zone(app, make_meeting):
    meeting = _timed_meeting(make_meeting, clock.today() + timedelta(days=14), time(10, 0))
    with app.test_request_context():
        text = render_template_string(
            '{% include "email/_meeting.txt" %}', meeting=meeting, when="", zone_name="Europe/London", link=""
        )
    assert "09:00 1. Welcome (Carla Rossi), 10 min" in text
    assert "09:10 2. Budget (Carla Rossi), 45 min" in text
    assert "09:55 3. Open floor (Carla Rossi)\n4. AOB (Carla Rossi), 5 min" in text


def test_the_presenter_is_saved_and_members_are_offered(team_client, meeting_with_member, people):
    page = team_client.get(f"/meetings/{meeting_with_member.id}/agenda").get_data(as_text=True)
    assert f'<option value="{people["member"].full_name}">' in page
    team_client.post(
        f"/meetings/{meeting_with_member.id}/agenda", data={"title": "Budget", "presenter": "Guest from ISS"}
    )
    page = team_client.get(f"/meetings/{meeting_with_member.id}").get_data(as_text=True)
    assert "Guest from ISS" in page


@pytest.fixture
def meeting_with_member(make_meeting, people):
    return make_meeting("plenary", invitees=[people["member"]], status=MeetingStatus.CONFIRMED)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "Ok", "duration_minutes": "-15"}, "Number must be between 1 and 600."),
        ({"title": "Ok", "duration_minutes": "99999999999999999999"}, "Number must be between 1 and 600."),
        ({"title": "Ok", "presenter": "x" * 201}, "Field cannot be longer than 200 characters."),
    ],
)
def test_bad_durations_and_presenters_are_refused_under_the_form(
    team_client, meeting_with_member, data, message
):
    response = team_client.post(f"/meetings/{meeting_with_member.id}/agenda", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _item_count(meeting_with_member.id) == 0
