"""The start page: my next meetings, and for the organisers what is left to do."""

import re
from datetime import timedelta

import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings import planning
from nmg_ops.models import Invitation, MeetingStatus, Rsvp
from tests.fixtures.pages import answer_buttons


def rsvp_of(meeting, member):
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Invitation.rsvp).where(
            Invitation.meeting_id == meeting.id, Invitation.member_id == member.id
        )
    )


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


def test_a_member_answers_from_the_start_page_and_comes_back_to_it(client, people, sign_in, make_meeting):
    member = people["member"]
    plenary = make_meeting(invitees=[member], status=MeetingStatus.CONFIRMED, title="Plenary 3/6")
    plenary.invitations[0].rsvp = Rsvp.MAYBE
    db.session.commit()
    sign_in(member)
    html = client.get("/").get_data(as_text=True)
    assert answer_buttons(html) == {
        "Yes (I will attend Plenary 3/6)": False,
        "Maybe (I may attend Plenary 3/6)": True,
        "No (I will not attend Plenary 3/6)": False,
    }
    assert "Your answer: <strong>Maybe</strong>" in html
    action = re.search(
        rf'<form method="post" action="(/meetings/{plenary.id}/rsvp\?next=[^"]+)"', html
    ).group(1)

    response = client.post(action.replace("&amp;", "&"), data={"answer": "yes"})
    assert response.headers["Location"] == f"/#meeting-{plenary.id}"
    assert rsvp_of(plenary, member) is Rsvp.YES
    html = client.get("/").get_data(as_text=True)
    assert "Your answer to “Plenary 3/6” has been recorded: I will attend." in html
    assert answer_buttons(html)["Yes (I will attend Plenary 3/6)"] is True
    assert answer_buttons(html)["Maybe (I may attend Plenary 3/6)"] is False


def test_no_answer_buttons_once_the_meeting_has_started(client, people, sign_in, make_meeting):
    member = people["member"]
    make_meeting(
        invitees=[member],
        status=MeetingStatus.CONFIRMED,
        title="Plenary under way",
        starts_at=clock.now() - timedelta(minutes=30),
    )
    make_meeting("thematic", invitees=[member], status=MeetingStatus.CONFIRMED, title="Thematic ahead")
    sign_in(member)
    html = client.get("/").get_data(as_text=True)
    assert "Plenary under way" in html, "still listed until it ends"
    assert set(answer_buttons(html)) == {
        "Yes (I will attend Thematic ahead)",
        "Maybe (I may attend Thematic ahead)",
        "No (I will not attend Thematic ahead)",
    }


def test_an_answer_sent_with_a_foreign_next_returns_to_the_meeting(client, people, sign_in, make_meeting):
    member = people["member"]
    plenary = make_meeting(invitees=[member], status=MeetingStatus.CONFIRMED)
    sign_in(member)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            f"/meetings/{plenary.id}/rsvp", query_string={"next": target}, data={"answer": "no"}
        )
        assert response.headers["Location"] == f"/meetings/{plenary.id}#rsvp", target
    assert rsvp_of(plenary, member) is Rsvp.NO
