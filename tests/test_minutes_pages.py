"""The minutes pages as their users meet them: the team writes and circulates, two editors never overwrite
each other, an expired session or form keeps the text, members present comment, the coordinator approves."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.minutes import lifecycle, writing
from nmg_ops.models import (
    Attendance,
    Invitation,
    MeetingStatus,
    MinutesRevision,
    MinutesStatus,
    OutboundMessage,
)
from tests.fixtures.factories import PASSWORD


@pytest.fixture
def held(make_held):
    """A plenary held last week: the member was present; two agenda items."""
    return make_held("Plenaria di novembre", ["Benvenuto", "Piano annuale"])


#: what a browser sends with a form of our own pages
FROM_THE_SITE = {"Origin": "http://localhost"}


def _client(app, member):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": member.email, "password": PASSWORD}).status_code == 302
    return client


def _editor_fields(page: str) -> dict[str, str]:
    fields = dict(re.findall(r'<textarea[^>]*name="(section-[^"]+)"[^>]*>([^<]*)</textarea>', page))
    fields["base"] = re.search(r'name="base"[^>]*value="(\d+)"', page)[1]
    # The textarea widget starts its content with a line break, which browsers drop.
    return {name: html.unescape(value).removeprefix("\r\n") for name, value in fields.items()}


def _texts(meeting_id: int) -> dict[str, str]:
    db.session.expire_all()
    return writing.minutes_of(meeting_id).sections


def test_the_team_writes_minutes_section_by_section(app, held, people):
    team = _client(app, people["coordination_team"])
    page = team.get(f"/meetings/{held.id}/minutes/edit").get_data(as_text=True)
    fields = _editor_fields(page)
    assert list(fields)[:4] == [
        "section-opening",
        f"section-item-{held.agenda_items[0].id}",
        f"section-item-{held.agenda_items[1].id}",
        "section-aob",
    ]
    fields["section-opening"] = "La riunione si apre alle **10:05**."
    response = team.post(f"/meetings/{held.id}/minutes/edit", data={**fields, "then": "close"})
    assert response.status_code == 302
    page = team.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>10:05</strong>" in page
    assert "Paolo Member" in page.split('id="minutes-attendance"')[1].split("</section>")[0]


def test_markdown_in_minutes_is_sanitised(app, held, people):
    team = _client(app, people["coordination_team"])
    fields = _editor_fields(team.get(f"/meetings/{held.id}/minutes/edit").get_data(as_text=True))
    fields["section-opening"] = (
        "<script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    team.post(f"/meetings/{held.id}/minutes/edit", data=fields)
    page = team.get(f"/meetings/{held.id}/minutes").get_data(as_text=True)
    # Markup that is not allowed is shown as typed text, never run.
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page and "<img src" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_two_editors_saving_the_same_minutes_get_a_conflict_and_both_texts_survive(app, held, people):
    teresa, carla = _client(app, people["coordination_team"]), _client(app, people["coordinator"])
    first = _editor_fields(teresa.get(f"/meetings/{held.id}/minutes/edit").get_data(as_text=True))
    second = _editor_fields(carla.get(f"/meetings/{held.id}/minutes/edit").get_data(as_text=True))
    first["section-opening"] = "Teresa: opened at 10:05 by the coordinator."
    second["section-opening"] = "Carla: opened at 10:00 sharp."
    assert teresa.post(f"/meetings/{held.id}/minutes/edit", data=first).status_code == 302

    conflict = carla.post(f"/meetings/{held.id}/minutes/edit", data=second)
    page = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert "Someone else saved in the meantime" in page
    assert (
        _editor_fields(page)["section-opening"] == "Carla: opened at 10:00 sharp."
    )  # hers, kept in the form
    assert "Teresa" in page.split('id="conflict"')[1]  # theirs, shown beside it
    assert _texts(held.id) == {"opening": "Teresa: opened at 10:05 by the coordinator."}

    merged = _editor_fields(page)
    merged["section-opening"] = "Opened at 10:05 by the coordinator (Teresa, Carla)."
    assert carla.post(f"/meetings/{held.id}/minutes/edit", data=merged).status_code == 302
    saved = db.session.scalars(sa.select(MinutesRevision.sections).order_by(MinutesRevision.number)).all()
    assert [s["opening"] for s in saved] == [
        "Teresa: opened at 10:05 by the coordinator.",
        "Opened at 10:05 by the coordinator (Teresa, Carla).",
    ]


@pytest.fixture
def csrf_app(database_url, tmp_path):
    """The application with CSRF protection on, as in production; its engine closed afterwards."""
    from tests.fixtures.database import app_for

    app = app_for(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    yield app
    with app.app_context():
        db.engine.dispose()


def _csrf_client(app, member):
    client = app.test_client()
    token = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/sign-in").get_data(as_text=True)
    )[1]
    response = client.post(
        "/sign-in", data={"email": member.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def test_a_save_with_an_expired_form_keeps_the_text_and_saves_on_the_next_click(csrf_app, held, people):
    app, client = csrf_app, _csrf_client(csrf_app, people["coordination_team"])
    page = client.get(f"/meetings/{held.id}/minutes/edit").get_data(as_text=True)
    fields = _editor_fields(page)
    fields["section-opening"] = "Three hours of careful minutes."
    fields["csrf_token"] = "expired-token"
    kept = client.post(f"/meetings/{held.id}/minutes/edit", data=fields, headers=FROM_THE_SITE)
    page = kept.get_data(as_text=True)
    assert kept.status_code == 400
    assert "Three hours of careful minutes." in page and 'name="password"' not in page
    again = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', page))
    again["section-opening"] = "Three hours of careful minutes."
    assert (
        client.post(f"/meetings/{held.id}/minutes/edit", data=again, headers=FROM_THE_SITE).status_code == 302
    )
    with app.app_context():
        assert writing.minutes_of(held.id).sections == {"opening": "Three hours of careful minutes."}


def test_a_save_after_the_session_ended_keeps_the_text_and_asks_to_sign_in(csrf_app, held, people):
    app, client = csrf_app, _csrf_client(csrf_app, people["coordination_team"])
    fields = _editor_fields(client.get(f"/meetings/{held.id}/minutes/edit").get_data(as_text=True))
    fields["section-opening"] = "Written while the session expired."
    stranger = app.test_client()  # the same browser after the session ended: no cookie, no token
    kept = stranger.post(f"/meetings/{held.id}/minutes/edit", data=fields, headers=FROM_THE_SITE)
    page = kept.get_data(as_text=True)
    assert kept.status_code == 401
    assert "Written while the session expired." in page and 'name="password"' in page
    form = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    form |= {"section-opening": "Written while the session expired.", "email": "ct@example.org"}
    wrong = stranger.post(
        f"/meetings/{held.id}/minutes/edit", data={**form, "password": "wrong"}, headers=FROM_THE_SITE
    )
    assert wrong.status_code == 401 and "Written while the session expired." in wrong.get_data(as_text=True)
    saved = stranger.post(
        f"/meetings/{held.id}/minutes/edit", data={**form, "password": PASSWORD}, headers=FROM_THE_SITE
    )
    assert saved.status_code == 302
    with app.app_context():
        assert writing.minutes_of(held.id).sections == {"opening": "Written while the session expired."}


def test_the_kept_text_page_shows_nothing_of_the_meeting_to_a_stranger(app, held):
    kept = app.test_client().post(
        f"/meetings/{held.id}/minutes/edit", data={"section-opening": "mine"}, headers=FROM_THE_SITE
    )
    page = kept.get_data(as_text=True)
    assert kept.status_code == 401
    assert "Plenaria di novembre" not in page and "Piano annuale" not in page


def test_a_post_from_another_site_gets_no_text_back(csrf_app, held, people):
    """A page elsewhere cannot put its own text in front of a member, ready to be saved as theirs."""
    client = _csrf_client(csrf_app, people["coordination_team"])
    forged = {"section-opening": "Planted text", "base": "0", "csrf_token": "none"}
    elsewhere = {"Origin": "https://evil.example"}
    refused = client.post(f"/meetings/{held.id}/minutes/edit", data=forged, headers=elsewhere)
    assert refused.status_code == 400 and "Planted text" not in refused.get_data(as_text=True)
    signed_out = csrf_app.test_client().post(
        f"/meetings/{held.id}/minutes/edit", data=forged, headers=elsewhere
    )
    assert signed_out.status_code == 400 and "Planted text" not in signed_out.get_data(as_text=True)
    with csrf_app.app_context():
        assert writing.minutes_of(held.id) is None


def _circulate(client, meeting_id, circulation=0):
    return client.post(f"/meetings/{meeting_id}/minutes/circulate", data={"circulation": circulation})


def test_circulating_twice_from_the_same_page_mails_once(app, held, people, make_meeting):
    make_meeting("plenary", starts_at=clock.now() + timedelta(days=30), status=MeetingStatus.CONFIRMED)
    team = _client(app, people["coordination_team"])
    writing.save(held, {"opening": "Aperta."}, 0, people["coordination_team"].id)
    assert _circulate(team, held.id).status_code == 302
    assert _circulate(team, held.id).status_code == 302
    assert db.session.scalars(sa.select(OutboundMessage.recipient)).all() == ["plain@example.org"]
    page = team.get(f"/meetings/{held.id}/minutes").get_data(as_text=True)
    assert "Circulated on" in page


def test_circulating_says_so_once_with_the_count_and_where_the_approval_goes(app, held, people, make_meeting):
    make_meeting("plenary", starts_at=clock.now() + timedelta(days=30), status=MeetingStatus.CONFIRMED)
    team = _client(app, people["coordination_team"])
    writing.save(held, {"opening": "Aperta."}, 0, people["coordination_team"].id)
    _circulate(team, held.id)
    page = team.get(f"/meetings/{held.id}/minutes").get_data(as_text=True)
    alerts = re.findall(r'<(?:div|p)[^>]*class="alert[^"]*"[^>]*>(.*?)</(?:div|p)>', page, re.S)
    about_it = [" ".join(alert.split()) for alert in alerts if "irculated" in alert or "approval" in alert]
    assert len(about_it) == 2, about_it
    flash, line = sorted(about_it, key=lambda text: not text.startswith("Circulated to"))
    assert flash.startswith("Circulated to 1 person present. Their approval is on the agenda of ")
    assert line.startswith("Circulated on ") and "comments are open until" in line


def test_who_reads_and_comments_on_circulated_minutes(app, held, people, make_member):
    writing.save(held, {"opening": "Aperta."}, 0, people["coordination_team"].id)
    outsider = make_member(email="outsider@example.org", full_name="Olga Outsider")
    member, other = _client(app, people["member"]), _client(app, outsider)
    assert member.get(f"/meetings/{held.id}/minutes").status_code == 404  # a draft stays with the team
    lifecycle.circulate(held, writing.minutes_of(held.id))
    assert member.get(f"/meetings/{held.id}/minutes").status_code == 200
    assert other.get(f"/meetings/{held.id}/minutes").status_code == 404  # not present
    assert app.test_client().get(f"/meetings/{held.id}/minutes").status_code == 302
    response = member.post(
        f"/meetings/{held.id}/minutes/comments", data={"section": "opening", "body": "Aperta alle 10:10."}
    )
    assert response.status_code == 302
    team_page = (
        _client(app, people["coordination_team"]).get(f"/meetings/{held.id}/minutes").get_data(as_text=True)
    )
    assert "Aperta alle 10:10." in team_page and "Reply and resolve" in team_page


def test_the_meeting_page_links_its_minutes_for_those_who_may_read_them(app, held, people):
    def minutes_link(member) -> str | None:
        page = _client(app, member).get(f"/meetings/{held.id}").get_data(as_text=True)
        found = re.search(r'id="minutes".*?<a href="([^"]+)">([^<]+)</a>', page, re.DOTALL)
        return found and f"{found[2]} {found[1]}"

    minutes_page = f"/meetings/{held.id}/minutes"
    assert minutes_link(people["coordination_team"]) == f"Write the minutes {minutes_page}"
    assert minutes_link(people["member"]) is None, "nothing to read yet"
    writing.save(held, {"opening": "Aperta."}, 0, people["coordination_team"].id)
    lifecycle.circulate(held, writing.minutes_of(held.id))
    assert minutes_link(people["member"]) == f"Read the minutes {minutes_page}"


def test_the_coordinator_approves_at_the_plenary_and_members_then_read_them(app, held, people, make_meeting):
    writing.save(held, {"opening": "Aperta."}, 0, people["coordination_team"].id)
    lifecycle.circulate(held, writing.minutes_of(held.id), now=clock.now() - timedelta(days=1))
    plenary = make_meeting(
        "plenary", starts_at=clock.now() - timedelta(hours=2), status=MeetingStatus.CONFIRMED
    )
    team = _client(app, people["coordination_team"])
    assert team.get(f"/meetings/{held.id}/minutes/approve").status_code == 403
    coordinator = _client(app, people["coordinator"])
    page = coordinator.get(f"/meetings/{held.id}/minutes/approve").get_data(as_text=True)
    assert f'value="{plenary.id}"' in page
    response = coordinator.post(f"/meetings/{held.id}/minutes/approve", data={"at_meeting": plenary.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert writing.minutes_of(held.id).status is MinutesStatus.APPROVED
    page = _client(app, people["member"]).get(f"/meetings/{held.id}/minutes").get_data(as_text=True)
    assert "Approved on" in page and plenary.title in page
    locked = team.get(f"/meetings/{held.id}/minutes/edit")
    assert locked.status_code == 302


def test_approval_at_a_meeting_not_yet_held_is_refused_with_a_message(app, held, people, make_meeting):
    writing.save(held, {"opening": "Aperta."}, 0, people["coordination_team"].id)
    lifecycle.circulate(held, writing.minutes_of(held.id))
    future = make_meeting(
        "plenary", starts_at=clock.now() + timedelta(days=2), status=MeetingStatus.CONFIRMED
    )
    coordinator = _client(app, people["coordinator"])
    response = coordinator.post(f"/meetings/{held.id}/minutes/approve", data={"at_meeting": future.id})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)  # only held plenaries are offered
    db.session.expire_all()
    assert writing.minutes_of(held.id).status is MinutesStatus.CIRCULATED


def test_revisions_compare_side_by_side_and_restore(app, held, people):
    team_member = people["coordination_team"]
    writing.save(held, {"opening": "We agreed the plan."}, 0, team_member.id)
    writing.save(held, {"opening": "We adopted the plan."}, 1, team_member.id)
    team = _client(app, team_member)
    page = team.get(f"/meetings/{held.id}/minutes/compare?a=1&b=2").get_data(as_text=True)
    assert "<del>agreed</del>" in page and "<ins>adopted</ins>" in page
    assert team.post(f"/meetings/{held.id}/minutes/revisions/1/restore", data={"base": 2}).status_code == 302
    assert _texts(held.id) == {"opening": "We agreed the plan."}
    page = team.get(f"/meetings/{held.id}/minutes/revisions").get_data(as_text=True)
    assert "Restored" in page and page.count("<tr>") == 4


def test_a_decision_recorded_in_a_section_is_numbered_in_the_year(app, held, people):
    writing.save(held, {"opening": "Aperta."}, 0, people["coordination_team"].id)
    team = _client(app, people["coordination_team"])
    key = f"item-{held.agenda_items[1].id}"
    team.post(f"/meetings/{held.id}/minutes/decisions", data={"section": key, "text": "Il piano è adottato."})
    team.post(
        f"/meetings/{held.id}/minutes/decisions", data={"section": key, "text": "Il budget è approvato."}
    )
    page = team.get(f"/meetings/{held.id}/minutes").get_data(as_text=True)
    year = clock.local(held.starts_at).year
    section = page.split(f'id="section-{key}"')[1].split("</section>")[0]
    assert f"Decision {year}/01" in section and f"Decision {year}/02" in section


@pytest.mark.smtp
def test_circulation_reaches_each_person_present_once_across_repeated_ticks(
    app, smtp_sink, held, people, make_member, runner
):
    colleague = make_member(email="colleague@example.org", full_name="Chiara Colleague")
    db.session.add(Invitation(meeting_id=held.id, member_id=colleague.id, attendance=Attendance.PRESENT))
    db.session.commit()
    meeting = writing.meeting_for_minutes(held.id)
    writing.save(meeting, {"opening": "Aperta alle 10:05."}, 0, people["coordination_team"].id)
    team = _client(app, people["coordination_team"])
    _circulate(team, held.id)
    _circulate(team, held.id)  # the same page, clicked twice
    for _ in range(3):
        assert runner.invoke(args=["tick"]).exit_code == 0

    def delivered() -> list[str]:
        return sorted(r.rcpt_tos[0] for r in smtp_sink.received if "Draft minutes" in r.message["Subject"])

    assert delivered() == ["colleague@example.org", "plain@example.org"]
    [mail] = [r.message for r in smtp_sink.received if r.rcpt_tos == ["plain@example.org"]]
    text = mail.get_body(("plain",)).get_content()
    assert "Aperta alle 10:05." in text and f"/meetings/{held.id}/minutes" in text

    writing.save(
        writing.meeting_for_minutes(held.id), {"opening": "Aperta alle 10:10."}, 1, people["coordinator"].id
    )
    _circulate(team, held.id, circulation=1)
    runner.invoke(args=["tick"])
    assert delivered() == sorted(["colleague@example.org", "plain@example.org"] * 2)
