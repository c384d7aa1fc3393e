"""Meeting times: entered in the NMG's zone (Europe/Rome), stored in UTC, shown back in local time.

The two 2027 daylight-saving changes in Rome: on 28 March the clocks go from 02:00 to 03:00 (02:30 does not
exist), on 31 October from 03:00 back to 02:00 (02:30 happens twice). A meeting is given neither: calendar
apps do not agree on which 02:30 a repeated time means.
"""

import html
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings import invitees, lifecycle, rules
from nmg_ops.meetings.types import meeting_type
from nmg_ops.models import Meeting, MeetingStatus


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- the clock, without the app ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        (date(2027, 3, 27), time(19, 0), _utc(2027, 3, 27, 18, 0)),
        (date(2027, 3, 28), time(19, 0), _utc(2027, 3, 28, 17, 0)),
        (date(2027, 3, 28), time(1, 59), _utc(2027, 3, 28, 0, 59)),
        (date(2027, 3, 28), time(3, 0), _utc(2027, 3, 28, 1, 0)),
        (date(2027, 10, 30), time(19, 0), _utc(2027, 10, 30, 17, 0)),
        (date(2027, 10, 31), time(19, 0), _utc(2027, 10, 31, 18, 0)),
        # Twice that night; the first occurrence is still summer time (UTC+2).
        (date(2027, 10, 31), time(2, 30), _utc(2027, 10, 31, 0, 30)),
    ],
)
def test_local_times_in_rome_become_the_right_utc_instant(day, at, expected):
    assert clock.from_local(day, at, "Europe/Rome") == expected


@pytest.mark.parametrize("at", [time(2, 0), time(2, 30), time(2, 59)])
def test_a_time_skipped_by_the_spring_change_is_refused(at):
    with pytest.raises(clock.NonexistentLocalTime) as caught:
        clock.from_local(date(2027, 3, 28), at, "Europe/Rome")
    assert caught.value.zone == "Europe/Rome"
    assert f"2027-03-28 {at:%H:%M}" in str(caught.value)


def test_the_repeated_hour_of_the_autumn_change_is_read_as_its_first_occurrence():
    first = clock.from_local(date(2027, 10, 31), time(2, 30), "Europe/Rome")
    assert clock.local(first, "Europe/Rome").utcoffset().total_seconds() == 2 * 3600
    # An hour after the first 02:30 is the second 02:30, in winter time.
    assert clock.local(_utc(2027, 10, 31, 1, 30), "Europe/Rome").strftime("%H:%M") == "02:30"


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        (date(2027, 10, 31), time(1, 59), (_utc(2027, 10, 30, 23, 59),)),
        (date(2027, 10, 31), time(2, 0), (_utc(2027, 10, 31, 0, 0), _utc(2027, 10, 31, 1, 0))),
        (date(2027, 10, 31), time(2, 30), (_utc(2027, 10, 31, 0, 30), _utc(2027, 10, 31, 1, 30))),
        (date(2027, 10, 31), time(2, 59), (_utc(2027, 10, 31, 0, 59), _utc(2027, 10, 31, 1, 59))),
        (date(2027, 10, 31), time(3, 0), (_utc(2027, 10, 31, 2, 0),)),
        (date(2027, 3, 28), time(2, 30), ()),
        (date(2027, 3, 28), time(3, 0), (_utc(2027, 3, 28, 1, 0),)),
    ],
)
def test_a_wall_time_names_no_one_or_two_instants(day, at, expected):
    assert clock.occurrences(day, at, "Europe/Rome") == expected
    assert clock.is_repeated(expected[0], "Europe/Rome") is (len(expected) == 2) if expected else True


# --- the service ----------------------------------------------------------------------------------------


def _data(day: date, start: time, **overrides) -> rules.MeetingData:
    values = {
        "type_id": meeting_type("plenary").id,
        "title": "Plenary meeting",
        "day": day,
        "start_time": start,
        "end_time": None,
        "duration_minutes": 120,
    }
    values.update(overrides)
    return rules.MeetingData(**values)


@pytest.mark.parametrize(
    ("day", "expected_start"),
    [
        (date(2027, 3, 27), _utc(2027, 3, 27, 18, 0)),
        (date(2027, 3, 28), _utc(2027, 3, 28, 17, 0)),
        (date(2027, 10, 30), _utc(2027, 10, 30, 17, 0)),
        (date(2027, 10, 31), _utc(2027, 10, 31, 18, 0)),
    ],
)
def test_meetings_on_either_side_of_a_change_are_stored_in_utc(app, people, day, expected_start):
    meeting = lifecycle.create_meeting(_data(day, time(19, 0), end_time=time(21, 0)), None)
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert stored.starts_at == expected_start
    assert stored.ends_at == expected_start.replace(hour=expected_start.hour + 2)


def test_a_duration_across_the_spring_change_counts_real_time(app, people):
    meeting = lifecycle.create_meeting(_data(date(2027, 3, 28), time(1, 0), duration_minutes=180), None)
    # 01:00 CET plus three hours is 05:00 CEST: the hour that the clocks skip is not counted.
    assert meeting.ends_at - meeting.starts_at == _utc(2027, 1, 1, 3) - _utc(2027, 1, 1, 0)
    assert clock.local(meeting.ends_at).strftime("%H:%M") == "05:00"


REPEATED = (
    "02:30 on 2027-10-31 happens twice in Europe/Rome: the clocks go back from 03:00 to 02:00 that night, "
    "so it could be 02:30 CEST (UTC+02:00) or 02:30 CET (UTC+01:00). Choose a time before 02:00 or from "
    "03:00 on."
)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(time(2, 30), time(4, 0), "start_time"), (time(1, 30), time(2, 30), "end_time")],
)
def test_a_time_in_the_repeated_hour_is_refused_naming_both_readings(app, people, start, end, field):
    with pytest.raises(rules.MeetingError) as caught:
        lifecycle.create_meeting(_data(date(2027, 10, 31), start, end_time=end, duration_minutes=None), None)
    assert caught.value.field == field
    assert str(caught.value) == REPEATED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0


def test_the_hours_around_the_repeated_one_are_taken_as_they_are(app, people):
    meeting = lifecycle.create_meeting(
        _data(date(2025, 10, 26), time(1, 59), end_time=time(3, 0), duration_minutes=None), None
    )
    # 01:59 summer time to 03:00 winter time: the repeated hour passes in between, two hours and a minute.
    assert meeting.starts_at == _utc(2025, 10, 25, 23, 59)
    assert meeting.ends_at == _utc(2025, 10, 26, 2, 0)


def test_a_duration_may_end_in_the_repeated_hour(app, people):
    meeting = lifecycle.create_meeting(_data(date(2027, 10, 31), time(1, 30), duration_minutes=120), None)
    # 01:30 summer time plus two hours is the second 02:30, in winter time.
    assert meeting.ends_at == _utc(2027, 10, 31, 1, 30)
    assert clock.local(meeting.ends_at).strftime("%H:%M %Z") == "02:30 CET"


def _stored_in_the_repeated_hour() -> Meeting:
    """A meeting from 01:30 to the second 02:30, as a duration or an earlier version of the app stored it."""
    return lifecycle.create_meeting(_data(date(2027, 10, 31), time(1, 30), duration_minutes=120), None)


def test_a_meeting_that_ends_in_the_repeated_hour_keeps_its_end_when_edited(app, people):
    meeting = _stored_in_the_repeated_hour()
    lifecycle.update_meeting(
        meeting,
        _data(date(2027, 10, 31), time(1, 30), title="Renamed", end_time=time(2, 30), duration_minutes=None),
    )
    assert meeting.title == "Renamed"
    assert meeting.ends_at == _utc(2027, 10, 31, 1, 30)


def test_moving_a_meeting_that_ends_in_the_repeated_hour_keeps_its_length(app, people):
    meeting = _stored_in_the_repeated_hour()
    lifecycle.update_meeting(
        meeting, _data(date(2027, 10, 31), time(10, 0), end_time=time(2, 30), duration_minutes=None)
    )
    assert (meeting.starts_at, meeting.ends_at) == (_utc(2027, 10, 31, 9, 0), _utc(2027, 10, 31, 11, 0))


def test_a_start_in_the_spring_gap_is_refused_with_a_message_naming_it(app, people):
    with pytest.raises(rules.MeetingError) as caught:
        lifecycle.create_meeting(_data(date(2027, 3, 28), time(2, 30)), None)
    assert caught.value.field == "start_time"
    assert "02:30 on 2027-03-28 does not exist in Europe/Rome" in str(caught.value)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0


def test_an_end_in_the_spring_gap_is_refused_too(app, people):
    with pytest.raises(rules.MeetingError) as caught:
        lifecycle.create_meeting(
            _data(date(2027, 3, 28), time(1, 0), end_time=time(2, 15), duration_minutes=None), None
        )
    assert caught.value.field == "end_time"


# --- through the pages ----------------------------------------------------------------------------------


def _form(**overrides) -> dict:
    data = {
        "type_id": str(meeting_type("plenary").id),
        "title": "Plenary meeting",
        "day": "2027-03-28",
        "start_time": "19:00",
        "end_time": "21:00",
        "mode": "online",
        "video_url": "https://meet.example.org/nmg",
    }
    data.update(overrides)
    return data


def _only_meeting() -> Meeting:
    return db.session.scalars(sa.select(Meeting)).one()


def test_the_form_stores_utc_and_shows_the_rome_time_back(client, people, sign_in):
    sign_in(people["coordinator"])
    response = client.post("/meetings/new", data=_form())
    assert response.status_code == 302
    meeting = _only_meeting()
    assert meeting.starts_at == _utc(2027, 3, 28, 17, 0)
    assert meeting.ends_at == _utc(2027, 3, 28, 19, 0)

    detail = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Sunday, 28 March 2027, 19:00–21:00 (Central European Summer Time)" in detail
    edit = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="2027-03-28"' in edit
    assert 'value="19:00"' in edit
    assert 'value="21:00"' in edit


def test_the_day_before_the_change_reads_as_winter_time(client, people, sign_in):
    sign_in(people["coordinator"])
    client.post("/meetings/new", data=_form(day="2027-03-27"))
    meeting = _only_meeting()
    assert meeting.starts_at == _utc(2027, 3, 27, 18, 0)
    detail = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Saturday, 27 March 2027, 19:00–21:00 (Central European Standard Time)" in detail


def test_the_form_refuses_a_start_in_the_spring_gap(client, people, sign_in):
    sign_in(people["coordinator"])
    response = client.post("/meetings/new", data=_form(start_time="02:30", end_time="04:00"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "02:30 on 2027-03-28 does not exist in Europe/Rome" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0


def test_the_form_refuses_a_start_in_the_repeated_hour_naming_both_readings(client, people, sign_in):
    sign_in(people["coordinator"])
    form = _form(day="2027-10-31", start_time="02:30", end_time="03:30")
    response = client.post("/meetings/new", data=form)
    assert response.status_code == 200
    assert html.escape(REPEATED) in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0


def test_the_form_in_italian_names_both_readings_too(client, people, sign_in):
    people["coordinator"].language = "it"
    db.session.commit()
    sign_in(people["coordinator"])
    form = _form(day="2027-10-31", start_time="01:00", end_time="02:15")
    response = client.post("/meetings/new", data=form)
    page = html.unescape(response.get_data(as_text=True))
    assert (
        "L'ora 02:15 del 2027-10-31 capita due volte nel fuso orario Europe/Rome: quella notte gli orologi "
        "tornano indietro dalle 03:00 alle 02:00, quindi può voler dire 02:15 CEST (UTC+02:00) oppure "
        "02:15 CET (UTC+01:00). Scegli un orario prima delle 02:00 o dalle 03:00 in poi." in page
    )


def test_a_member_in_another_zone_sees_their_time_and_the_nmg_time(app, client, people, sign_in, make_member):
    meeting = lifecycle.create_meeting(_data(date(2027, 3, 28), time(19, 0)), None)
    london = make_member(email="london@example.org", timezone="Europe/London")
    invitees.invite_members(meeting, [london.id], clock.today())
    # Invitees are told of a meeting once it is confirmed.
    meeting.status = MeetingStatus.CONFIRMED
    db.session.commit()
    sign_in(london)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Sunday, 28 March 2027, 18:00–20:00 (British Summer Time)" in page
    assert "2027-03-28 19:00 Europe/Rome" in page
