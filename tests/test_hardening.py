"""The holes found when the app was attacked as an outsider and as a malicious insider, each pinned."""

from __future__ import annotations

import logging
import re
import statistics
import time
from datetime import timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from nmg_ops import create_app
from nmg_ops.auth.services import LinkError, LinkPurpose, make_link_token, member_for_token
from nmg_ops.extensions import db
from nmg_ops.members.mapping.planning import plan_import
from nmg_ops.models import (
    AuditEntry,
    DeliveryStatus,
    Invitation,
    MeetingStatus,
    Member,
    OutboundMessage,
    Rsvp,
)
from nmg_ops.scheduler import run_due_jobs
from tests.fixtures.factories import PASSWORD
from tests.test_expert_mapping import MINISTRY, csv_text
from tests.test_members import _form

POISON = "Multi\r\nBcc: x@evil.example"


# --- 1. an admin's account cannot be taken over through its e-mail ---------------------------------------


def test_a_coordinator_cannot_change_an_admins_email(client, people, sign_in, outbox):
    admin = people["admin"]
    sign_in(people["coordinator"])
    response = client.post(
        f"/members/{admin.id}/edit",
        data=_form(
            admin.organisation, full_name=admin.full_name, email="mine@attacker.example", role="secretariat"
        ),
    )
    assert response.status_code == 200
    assert "Only an administrator can change an administrator" in response.get_data(as_text=True)
    assert db.session.get(Member, admin.id).email == "admin@example.org"
    client.post("/sign-out")
    client.post("/password/forgot", data={"email": "mine@attacker.example"})
    assert outbox() == []


def test_changing_an_email_voids_mailed_links_and_tells_the_old_address(
    client, people, sign_in, outbox, make_meeting
):
    from nmg_ops.calendar.feeds import new_feed_token
    from nmg_ops.calendar.rsvp_links import rsvp_links

    target = people["member"]
    reset = make_link_token(target, LinkPurpose.PASSWORD_RESET)
    invitation = make_link_token(target, LinkPurpose.INVITATION)
    meeting = make_meeting("plenary", status=MeetingStatus.CONFIRMED, invitees=[target])
    answer_link = rsvp_links(meeting.invitations[0])[Rsvp.YES].removeprefix("http://localhost")
    feed = f"/calendar/{new_feed_token(target)}.ics"
    assert client.get(answer_link).status_code == 200 and client.get(feed).status_code == 200
    sign_in(people["admin"])
    response = client.post(
        f"/members/{target.id}/edit",
        data=_form(target.organisation, full_name=target.full_name, email="new.address@example.org"),
    )
    assert response.status_code == 302
    for token, purpose in ((reset, LinkPurpose.PASSWORD_RESET), (invitation, LinkPurpose.INVITATION)):
        with pytest.raises(LinkError):
            member_for_token(token, purpose)
    assert client.get(f"/password/reset/{reset}").status_code == 400
    assert client.get(answer_link).status_code == 404
    assert client.get(feed).status_code == 404
    run_due_jobs(__import__("nmg_ops").clock.now())
    [notice] = [mail for mail in outbox() if mail["To"].addresses[0].addr_spec == "plain@example.org"]
    assert "new.address@example.org" in notice.get_body(("plain",)).get_content()


# --- 2. no open redirect after sign-in -------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d/evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/%5cevil.example",
        " //evil.example",
        "javascript:alert(1)",
    ],
)
def test_sign_in_never_redirects_off_site(client, people, target):
    member = people["member"]
    response = client.post(f"/sign-in?next={target}", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_follows_a_path_on_this_site(client, people):
    member = people["member"]
    response = client.post("/sign-in?next=/meetings/my", data={"email": member.email, "password": PASSWORD})
    assert response.headers["Location"] == "/meetings/my"


# --- 3. one visibility rule for a meeting and its video link ----------------------------------------------


@pytest.fixture
def public_meetings(make_meeting, people):
    invited = [people["member"]]
    return {
        status: make_meeting(
            "plenary",
            status=status,
            is_public=True,
            invitees=invited,
            mode="online",
            video_url="https://meet.example.org/secret-room",
            title=f"Public {status.value}",
        )
        for status in (MeetingStatus.DRAFT, MeetingStatus.CONFIRMED)
    }


def test_a_public_draft_downloads_for_its_organisers_only(client, public_meetings, people, sign_in):
    draft = public_meetings[MeetingStatus.DRAFT]
    assert client.get(f"/meetings/{draft.id}.ics").status_code == 404
    # Nobody is told of a draft until it is confirmed, not even its invitees.
    sign_in(people["member"])
    assert client.get(f"/meetings/{draft.id}.ics").status_code == 404
    client.post("/sign-out")
    sign_in(people["coordination_team"])
    assert client.get(f"/meetings/{draft.id}.ics").status_code == 200


def test_the_video_link_goes_only_to_invitees_and_organisers(
    client, public_meetings, people, sign_in, make_member
):
    confirmed = public_meetings[MeetingStatus.CONFIRMED]
    anonymous = client.get(f"/meetings/{confirmed.id}.ics").get_data(as_text=True)
    assert "BEGIN:VEVENT" in anonymous and "secret-room" not in anonymous
    assert "secret-room" not in client.get("/calendar/public.ics").get_data(as_text=True)
    outsider = make_member(email="outsider@example.org")
    sign_in(outsider)
    assert "secret-room" not in client.get(f"/meetings/{confirmed.id}.ics").get_data(as_text=True)
    assert "secret-room" not in client.get(f"/meetings/{confirmed.id}").get_data(as_text=True)
    client.post("/sign-out")
    for who in ("member", "coordination_team"):
        sign_in(people[who])
        assert "secret-room" in client.get(f"/meetings/{confirmed.id}.ics").get_data(as_text=True), who
        assert "secret-room" in client.get(f"/meetings/{confirmed.id}").get_data(as_text=True), who
        client.post("/sign-out")


# --- 4. the sign-in brake behind a proxy ------------------------------------------------------------------


def _sign_in_from(client, address: str, email: str, password: str) -> int:
    return client.post(
        "/sign-in", data={"email": email, "password": password}, headers={"X-Forwarded-For": address}
    ).status_code


def test_behind_a_trusted_proxy_a_flood_from_one_client_locks_out_only_that_client(
    app, people, database_url, tmp_path
):
    proxied = create_app(
        {
            "ENVIRONMENT": "testing",
            "DATABASE_URL": database_url,
            "OUTBOX_DIR": str(tmp_path / "outbox"),
            "WTF_CSRF_ENABLED": False,
            "TRUSTED_PROXIES": 1,
        }
    )
    proxied.test_client_class = type(app.test_client())
    attacker = proxied.test_client()
    for _ in range(100):
        _sign_in_from(attacker, "203.0.113.9", "plain@example.org", "wrong password")
    assert _sign_in_from(attacker, "203.0.113.9", "plain@example.org", PASSWORD) == 429
    assert _sign_in_from(proxied.test_client(), "198.51.100.7", "plain@example.org", PASSWORD) == 302
    assert _sign_in_from(proxied.test_client(), "198.51.100.8", "ct@example.org", PASSWORD) == 302
    with proxied.app_context():
        db.engine.dispose()


def test_without_a_trusted_proxy_forwarded_addresses_are_ignored(client, people):
    for n in range(5):
        _sign_in_from(client, f"192.0.2.{n}", "plain@example.org", "wrong password")
    assert _sign_in_from(client, "192.0.2.99", "plain@example.org", PASSWORD) == 429


# --- 5. a poisoned name stops nothing ---------------------------------------------------------------------


def test_every_way_in_refuses_a_name_with_a_line_break(client, people, sign_in, make_org, runner):
    plan = plan_import(csv_text(f",expert,{MINISTRY},MdS,{POISON.replace(chr(13) + chr(10), ' ')},,,,a@b.it"))
    assert plan.errors == []
    plan = plan_import(csv_text(f',expert,{MINISTRY},MdS,"{POISON}",,,,a@b.it'))
    assert [message for _line, message in plan.errors] and "single line" in plan.errors[0][1]
    result = runner.invoke(
        args=["create-admin", "--email", "x@example.org", "--name", POISON, "--organisation", "MdS"]
    )
    assert result.exit_code != 0 and "--name" in result.output
    sign_in(people["coordinator"])
    org = make_org()
    for name in (POISON, "Line\u2028Separator", "Next\x85Line", "Tab\x0bbed", "Form\x0cfeed"):
        response = client.post("/members/new", data=_form(org, full_name=name, email="new@example.org"))
        assert response.status_code == 200 and "single line" in response.get_data(as_text=True), repr(name)
    assert db.session.scalar(sa.select(Member).where(Member.email == "new@example.org")) is None


@pytest.fixture
def poisoned(make_member, make_meeting, people):
    """A member whose name came in with a line break before the rules refused it, invited to a meeting."""
    victim = make_member(email="poisoned@example.org", full_name=POISON)
    soon = __import__("nmg_ops").clock.now() + timedelta(hours=20)
    meeting = make_meeting(
        "plenary", starts_at=soon, status=MeetingStatus.CONFIRMED, invitees=[victim, people["member"]]
    )
    return victim, meeting


def test_a_tick_with_a_poisoned_record_delivers_every_other_mail(
    app, poisoned, people, outbox, client, sign_in
):
    victim, _meeting = poisoned
    report = run_due_jobs(__import__("nmg_ops").clock.now())
    assert "1 could not be built" in str(report["sweep_reminders"])
    delivered = {m["To"].addresses[0].addr_spec for m in outbox()}
    assert "plain@example.org" in delivered and victim.email not in delivered
    failed = db.session.scalar(sa.select(OutboundMessage).where(OutboundMessage.recipient == victim.email))
    assert failed.status is DeliveryStatus.FAILED and "line break" in failed.last_error
    # A second tick neither crashes nor tries the poisoned mail again.
    rows = db.session.scalar(sa.select(sa.func.count(OutboundMessage.id)))
    run_due_jobs(__import__("nmg_ops").clock.now())
    assert db.session.scalar(sa.select(sa.func.count(OutboundMessage.id))) == rows
    sign_in(people["coordinator"])
    page = client.get("/deliveries?status=failed").get_data(as_text=True)
    assert "poisoned@example.org" in page and "line break" in page


def test_a_poisoned_member_answers_every_request_without_a_500(
    app, poisoned, people, client, sign_in, make_meeting
):
    victim, _meeting = poisoned
    forgot = client.post("/password/forgot", data={"email": victim.email})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert (forgot.status_code, forgot.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    sign_in(people["coordinator"])
    assert client.post(f"/members/{victim.id}/invite").status_code == 302
    other = make_meeting("plenary", status=MeetingStatus.CONFIRMED, invitees=[people["member"]])
    response = client.post(
        f"/meetings/{other.id}/invitees",
        data={"members-member_ids": [str(victim.id)], "members-submit": "y"},
    )
    assert response.status_code in (200, 302)
    assert db.session.scalar(
        sa.select(Invitation).where(Invitation.meeting_id == other.id, Invitation.member_id == victim.id)
    )


# --- 6. no timing oracle on sign-in -----------------------------------------------------------------------


def test_sign_in_takes_as_long_for_an_unknown_address_as_for_a_member(client, make_member):
    # A real work factor: the point is that the unknown address pays it too.
    make_member(email="timed@example.org", password=False).password_hash = generate_password_hash(PASSWORD)
    db.session.commit()

    def median_seconds(email: str) -> float:
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            client.post(
                "/sign-in",
                data={"email": email, "password": "wrong password"},
                headers={"X-Forwarded-For": "ignored"},
            )
            samples.append(time.perf_counter() - start)
        db.session.execute(sa.text("DELETE FROM sign_in_attempt"))
        db.session.commit()
        return statistics.median(samples)

    known, unknown = median_seconds("timed@example.org"), median_seconds("nobody@example.org")
    assert 0.5 < unknown / known < 2, (known, unknown)


def test_forgot_password_answers_a_member_as_fast_as_a_stranger(client, people):
    def ask(address: str) -> float:
        start = time.perf_counter()
        # The answer is timed as the client sees it: the mail leaves once it has gone.
        response = client.post("/password/forgot", data={"email": address}, buffered=False)
        answered = time.perf_counter() - start
        response.close()
        return answered

    for address in ("plain@example.org", "nobody@example.org"):
        ask(address)  # templates compiled and connections opened for both, before anything is timed
    # Interleaved, so that whatever else the machine does falls on both alike; the brake's limit of three
    # mails is not reached, so every member's request below queues a mail.
    known, unknown = [], []
    for _ in range(2):
        known.append(ask("plain@example.org"))
        unknown.append(ask("nobody@example.org"))
    assert 0.5 < min(unknown) / min(known) < 2, (known, unknown)


# --- 7. sign-out ends the session on the server ----------------------------------------------------------


def test_replaying_cookies_after_sign_out_opens_nothing(app, client, people):
    member = people["member"]
    client.post("/sign-in", data={"email": member.email, "password": PASSWORD, "remember": "y"})
    stolen = {cookie.key: cookie.value for cookie in client._cookies.values()}
    assert {"session", "remember_token"} <= set(stolen)
    assert client.get("/profile").status_code == 200
    client.post("/sign-out")
    replay = app.test_client()
    for key, value in stolen.items():
        replay.set_cookie(key, value)
    assert replay.get("/profile").status_code == 302
    only_remember = app.test_client()
    only_remember.set_cookie("remember_token", stolen["remember_token"])
    assert only_remember.get("/profile").status_code == 302


def test_signing_out_everywhere_ends_every_browser(app, people):
    member = people["member"]
    laptop, phone = app.test_client(), app.test_client()
    for browser in (laptop, phone):
        browser.post("/sign-in", data={"email": member.email, "password": PASSWORD, "remember": "y"})
    laptop.post("/sign-out")
    assert phone.get("/profile").status_code == 200  # signing out of one browser leaves the others
    phone.post("/profile/sign-out-everywhere")
    assert phone.get("/profile").status_code == 302
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "signed_out_everywhere"))
    assert entry.subject_id == member.id


# --- 8. forgot-password is throttled ----------------------------------------------------------------------


def test_twenty_reset_requests_send_three_mails_and_answer_alike(client, people, outbox):
    answers = {
        client.post("/password/forgot", data={"email": "plain@example.org"}).headers["Location"]
        for _ in range(20)
    }
    assert answers == {"/sign-in"}
    assert len(outbox()) == 3


# --- 9. no token in the access log ------------------------------------------------------------------------


def test_no_link_token_is_logged_in_full(app, people, caplog, confirmed_meeting_token):
    from nmg_ops.logs import redact

    token = make_link_token(people["member"], LinkPurpose.INVITATION)
    lines = [
        f'"GET /invitation/{token} HTTP/1.1" 200',
        f'"POST /password/reset/{token} HTTP/1.1" 302',
        f'"GET /rsvp/{confirmed_meeting_token}/yes HTTP/1.1" 200',
    ]
    for line in lines:
        assert token not in redact(line) and confirmed_meeting_token not in redact(line)
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logging.getLogger("werkzeug").info('127.0.0.1 - - "GET /invitation/%s HTTP/1.1" 400 -', token)
    assert token not in caplog.text
    assert client.get(f"/invitation/{token}").status_code == 200


#: the string variables of routes that are no secret
_NOT_SECRET = {
    ("governance.answer_measure", "measure"),
    ("auth.choose_language", "code"),
    ("minutes.add_action", "section_key"),
    ("minutes.add_decision", "section_key"),
    # An e-news picture's address goes out in every mail and on the public archive: it is public.
    ("news.image", "public_key"),
    ("static", "filename"),
    ("bootstrap.static", "filename"),
}
#: what followed a token in the lines the attack found logged in full, and the usual ends
_ENDINGS = [")", "%3E", "%20", ";", ",", "", "?next=/", "#top", '"', "'", "%2F..", ".", "~"]


def _token_paths(app, secret: str) -> list[tuple[str, str]]:
    """(endpoint, path) for every route carrying a secret, the secret in its place."""
    from werkzeug.routing import AnyConverter

    paths = []
    for rule in app.url_map.iter_rules():
        strings = [
            name
            for name, converter in rule._converters.items()
            if type(converter).__name__ == "UnicodeConverter" or type(converter).__name__ == "PathConverter"
        ]
        for name in strings:
            if (rule.endpoint, name) in _NOT_SECRET:
                continue
            values = {name: secret}
            for other, converter in rule._converters.items():
                if isinstance(converter, AnyConverter):
                    values[other] = next(iter(converter.items))
            path = rule.rule
            for key, value in values.items():
                path = re.sub(rf"<[^>]*\b{key}>", value, path)
            paths.append((rule.endpoint, path))
    return paths


def test_every_token_route_is_redacted_in_the_access_log_whatever_follows_the_token(app, caplog):
    from nmg_ops.logs import SECRET_ROUTES

    secret = "Zq9xK2mW7vB4nR8tL1pY6cH3jD5fG0sA_-.QwErTy"
    paths = _token_paths(app, secret)
    # A route added with a string in its path is a secret until it is named as none above.
    assert {endpoint for endpoint, _ in paths} == set(SECRET_ROUTES)
    caplog.set_level(logging.INFO)
    for _, path in paths:
        for ending in _ENDINGS:
            written = path.replace(secret, secret + ending, 1)
            # As the development server and gunicorn write them, the referrer naming the same page.
            logging.getLogger("werkzeug").info('127.0.0.1 - - "GET %s HTTP/1.1" 404 -', written)
            logging.getLogger("gunicorn.access").info(
                '10.0.0.1 - - "POST %s HTTP/1.1" 302 0 "https://nmg.example%s" "Mozilla/5.0"',
                written,
                written,
            )
            # The router also takes a path with doubled or percent-encoded slashes and letters.
            disguised = written.replace("/", "//", 1).replace("/", "%2F", 2).replace("e", "%65", 1)
            logging.getLogger("gunicorn.access").info('"GET %s HTTP/1.1" 308', disguised)
    assert caplog.records
    assert secret[:6] in caplog.text, "the first characters stay, to tell requests apart"
    assert secret[6:] not in caplog.text
    assert secret[6:16] not in caplog.text


@pytest.fixture
def confirmed_meeting_token(make_meeting, people):
    from nmg_ops.calendar.rsvp_links import rsvp_links

    meeting = make_meeting("plenary", status=MeetingStatus.CONFIRMED, invitees=[people["member"]])
    link = rsvp_links(meeting.invitations[0])[Rsvp.YES]
    return link.rsplit("/rsvp/", 1)[1].split("/")[0]


# --- 10. bad input answers 4xx, never 500 -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/members/9223372036854775808",
        "/members/99999999999999999999999",
        "/meetings/9223372036854775808.ics",
        "/members/\u0663",
    ],
)
def test_ids_no_column_holds_are_not_found(client, people, sign_in, path):
    sign_in(people["admin"])
    assert client.get(path).status_code == 404


def test_arabic_digits_do_not_address_a_record(client, people, sign_in):
    sign_in(people["admin"])
    assert people["coordinator"].id == 1
    assert client.get("/members/\u0661").status_code == 404


@pytest.mark.parametrize(
    "path", ["/members/?page=9223372036854775807", "/audit?actor=99999999999999999999", "/deliveries?page=-1"]
)
def test_overflowing_pages_and_filters_show_the_page(client, people, sign_in, path):
    sign_in(people["admin"])
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "10000-01-01", "0001-01-01"])
def test_far_dates_on_the_coordinator_term_form_are_refused_with_a_message(client, people, sign_in, day):
    sign_in(people["admin"])
    before = db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("coordinator_term")))
    response = client.post(
        "/coordinators/new",
        data={
            "member_id": str(people["member"].id),
            "starts_on": day,
            "last_day": day,
            "rotation_position": "2",
        },
        follow_redirects=True,
    )
    assert response.status_code in (200, 400)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("coordinator_term"))) == before


def test_a_file_sent_for_a_text_field_is_a_form_error(client, people):
    response = client.post(
        "/sign-in",
        data={"email": (BytesIO(b"x"), "x.txt"), "password": PASSWORD},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 400, 401)
    assert "This field is required" in response.get_data(as_text=True)


def test_huge_ids_in_a_checkbox_list_are_a_form_error(client, people, sign_in, make_meeting):
    meeting = make_meeting("plenary")
    sign_in(people["coordinator"])
    response = client.post(
        f"/meetings/{meeting.id}/invitees",
        data={"members-member_ids": ["99999999999999999999", "\u0663"], "members-submit": "y"},
    )
    assert response.status_code == 200
    assert "could not be coerced" in response.get_data(as_text=True) or "Not a valid" in response.get_data(
        as_text=True
    )


# --- 11. headers, control characters, held agendas ------------------------------------------------------


def test_guest_names_refuse_every_kind_of_line_break(client, people, sign_in, make_meeting):
    meeting = make_meeting("plenary")
    sign_in(people["coordinator"])
    for name in ("Line\u2028Sep", "Para\u2029Sep", "Next\x85Line", "V\x0btab", "Form\x0cfeed"):
        response = client.post(
            f"/meetings/{meeting.id}/invitees",
            data={"guest-name": name, "guest-email": "g@guest.example", "guest-submit": "y"},
        )
        assert "single line" in response.get_data(as_text=True), repr(name)
    assert (
        db.session.scalar(sa.select(sa.func.count(Invitation.id)).where(Invitation.meeting_id == meeting.id))
        == 0
    )


def test_production_sends_hsts_and_a_strict_csp(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("NMG_SECRET_KEY", "x" * 40)
    app = create_app(
        {
            "ENVIRONMENT": "production",
            "DATABASE_URL": database_url,
            "OUTBOX_DIR": str(tmp_path / "outbox"),
            "PUBLIC_URL": "https://nmg.example.org",
        }
    )
    response = app.test_client().get("/sign-in", base_url="https://nmg.example.org")
    with app.app_context():
        db.engine.dispose()
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    csp = response.headers["Content-Security-Policy"]
    assert "base-uri 'none'" in csp and "form-action 'self'" in csp


def test_a_held_agenda_is_locked_for_the_team_and_corrected_by_the_coordinator(
    client, people, sign_in, make_meeting
):
    from nmg_ops.models import AgendaItem, Attendance

    meeting = make_meeting("plenary", invitees=[people["member"]], status=MeetingStatus.CONFIRMED)
    db.session.add(AgendaItem(meeting_id=meeting.id, position=1, title="Welcome"))
    meeting.invitations[0].attendance = Attendance.PRESENT
    db.session.commit()
    item_id = meeting.agenda_items[0].id
    sign_in(people["coordination_team"])
    client.post(f"/meetings/{meeting.id}/agenda/{item_id}/delete")
    client.post(f"/meetings/{meeting.id}/agenda", data={"title": "Added afterwards"})
    assert [item.title for item in db.session.get(type(meeting), meeting.id).agenda_items] == ["Welcome"]
    client.post("/sign-out")
    sign_in(people["coordinator"])
    client.post(f"/meetings/{meeting.id}/agenda", data={"title": "Any other business"})
    assert [i.title for i in db.session.get(type(meeting), meeting.id).agenda_items] == [
        "Welcome",
        "Any other business",
    ]
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.subject_type == "agenda_item").order_by(AuditEntry.id.desc())
    )
    assert entry.action == "corrected"


def test_an_announcement_with_a_poisoned_invitee_still_invites_everyone_else(app, poisoned, people):
    from nmg_ops.meetings.announcements import announce_soon
    from nmg_ops.models import Announcement

    victim, meeting = poisoned
    announce_soon(meeting)  # outside a request: made at once, as the scheduler's job would
    rows = {row.recipient: row for row in db.session.scalars(sa.select(OutboundMessage))}
    assert rows[people["member"].email].status is DeliveryStatus.SENT
    assert (
        rows[victim.email].status is DeliveryStatus.FAILED and "line break" in rows[victim.email].last_error
    )
    (announcement,) = db.session.scalars(sa.select(Announcement))
    assert announcement.done_at is not None and announcement.last_error is None
