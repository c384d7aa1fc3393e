"""The start page: my next meetings, and for the organisers what is left to do."""

from datetime import timedelta

from nmg_ops import clock
from nmg_ops.meetings import planning
from nmg_ops.models import MeetingStatus


def test_a_member_starts_with_their_next_meetings(client, people, sign_in, make_meeting):
    member = people["member"]
    soon = make_meeting("plenary", invitees=[member], status=MeetingStatus.CONFIRMED, title="Plenary soon")
    make_meeting(
        "thematic",
        starts_at=clock.now() - timedelta(days=3),
        invitees=[member],
        status=MeetingStatus.HELD,
        title="Thematic gone",
    )
    make_meeting("bilateral", status=MeetingStatus.CONFIRMED, title="Bilateral without me")
    sign_in(member)
    html = client.get("/").get_data(as_text=True)
    assert "Plenary soon" in html and f"/meetings/{soon.id}" in html
    assert "Thematic gone" not in html and "Bilateral without me" not in html
    assert "not given yet" in html
    assert "To do" not in html, "members have nothing to organise"


def test_the_coordinator_is_told_what_is_left_to_do(client, people, sign_in, make_meeting):
    next_year = clock.today().year + 1
    draft = make_meeting("bilateral", title="Draft bilateral")
    over = make_meeting(
        "thematic",
        starts_at=clock.now() - timedelta(days=2),
        status=MeetingStatus.CONFIRMED,
        title="Thematic to record",
    )
    sign_in(people["coordinator"])
    html = client.get("/").get_data(as_text=True)
    assert f"The meetings of {next_year} are not planned yet." in html
    assert f"/meetings/plan?year={next_year}" in html
    assert "Draft bilateral" in html and f"/meetings/{draft.id}" in html
    assert "Thematic to record" in html and f"/meetings/{over.id}/attendance" in html
    assert f"{next_year} – Plenary meeting: only 0 planned, 6 agreed." in html

    planning.commit(planning.propose(next_year, clock.today()), people["coordinator"].id, clock.today())
    html = client.get("/").get_data(as_text=True)
    assert "are not planned yet" not in html
    assert f"{next_year} – Plenary meeting" not in html


def test_the_team_sees_attendance_to_record_but_not_planning(client, people, sign_in, make_meeting):
    make_meeting(
        "thematic",
        starts_at=clock.now() - timedelta(days=2),
        status=MeetingStatus.CONFIRMED,
        title="To record",
    )
    make_meeting("bilateral", title="Draft only organisers confirm")
    sign_in(people["coordination_team"])
    html = client.get("/").get_data(as_text=True)
    assert "To record" in html
    assert "Draft only organisers confirm" not in html
    assert "are not planned yet" not in html


def test_the_start_page_runs_a_fixed_number_of_statements(
    client, people, sign_in, make_meeting, count_queries
):
    sign_in(people["coordinator"])
    client.get("/")
    with count_queries() as few:
        client.get("/")
    for day in range(1, 13):
        make_meeting(
            "bilateral", starts_at=clock.now() + timedelta(days=day), invitees=[people["coordinator"]]
        )
        make_meeting("thematic", starts_at=clock.now() - timedelta(days=day), status=MeetingStatus.CONFIRMED)
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count
