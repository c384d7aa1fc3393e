import re
import shutil
from datetime import date, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from markupsafe import escape

from nmg_ops import clock
from nmg_ops.documents import library
from nmg_ops.extensions import db
from nmg_ops.meetings import cadence
from nmg_ops.meetings.types import seed_meeting_types
from nmg_ops.minutes import actions, decisions, sections, writing
from nmg_ops.models import (
    ActionItem,
    ActionStatus,
    ConsentEvent,
    CoordinatorTerm,
    DocumentKind,
    Invitation,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MeetingType,
    Member,
    Minutes,
    MinutesComment,
    MinutesStatus,
    NewsConsent,
    NewsEdition,
    NewsIssue,
    NewsIssueStatus,
    NewsSectionKind,
    NewsSubscriber,
    NewsSuppression,
    Organisation,
    OutboundMessage,
    StakeholderType,
    SubscriberStatus,
)
from nmg_ops.news import drafting
from nmg_ops.news.recipients import recipients
from tests.fixtures.database import IsolatedClient, _empty_tables, app_for
from tests.fixtures.demo import put_demo


def test_demo_loads_the_italian_nmg_as_of_its_kick_off(app, runner, client):
    result = runner.invoke(args=["demo", "--password", "a-test-password"])
    assert result.exit_code == 0, result.output

    members = db.session.scalars(sa.select(Member)).all()
    experts = [m for m in members if not m.is_admin]
    assert len(experts) == 22  # 21 experts and ProMIS's representative
    acronyms = set(db.session.scalars(sa.select(Organisation.acronym)))
    assert {
        "DPE",
        "DTD",
        "AGENAS",
        "AIFA",
        "ISS",
        "MUR",
        "MoH",
        "Regione Toscana",
        "Regione Veneto",
        "Regione Lombardia",
        "INMP",
        "ProMIS",
    } <= acronyms

    terms = db.session.scalars(sa.select(CoordinatorTerm).order_by(CoordinatorTerm.starts_on)).all()
    assert terms[0].starts_on == date(2024, 11, 12)
    assert terms[0].member.organisation.acronym == "ProMIS"
    current = next(t for t in terms if t.covers(clock.today()))
    assert current.member.email == "coordinator@demo.nmg"
    assert terms[-1].starts_on > clock.today(), "the next rotation is planned"

    for email in ("coordinator@demo.nmg", "ct@demo.nmg", "member@demo.nmg", "admin@demo.nmg"):
        response = client.post("/sign-in", data={"email": email, "password": "a-test-password"})
        assert response.status_code == 302, email
        assert client.get("/members/").status_code == 200
        client.post("/sign-out")


def test_demo_visitors_find_the_published_consultation_results_on_the_landing_page(demo_loaded, client):
    landing = client.get("/").get_data(as_text=True)
    (link,) = re.findall(r'href="(/consultations/\d+/published)"', landing)
    page = client.get(link).get_data(as_text=True)
    assert "integrazione tra assistenza sanitaria e sociale" in page
    assert "Free-text answers are not published." in page


def test_demo_refuses_a_second_load_unless_asked_to_skip(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    again = runner.invoke(args=["demo"])
    assert again.exit_code != 0
    assert "already has members" in again.output
    skipped = runner.invoke(args=["demo", "--if-empty"])
    assert skipped.exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 23


def test_demo_scale_adds_synthetic_members_of_every_stakeholder_type(app, runner):
    result = runner.invoke(args=["demo", "--scale", "40"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 23 + 40
    types = set(db.session.scalars(sa.select(Organisation.stakeholder_type)))
    assert types == set(StakeholderType)
    confirmed = sa.select(sa.func.count()).where(NewsSubscriber.status == SubscriberStatus.CONFIRMED)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NewsSubscriber)) == 40 + 10_000
    assert db.session.scalar(confirmed) == 27 + 10_000


def test_demo_refuses_to_run_under_production(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("NMG_SECRET_KEY", "x" * 40)
    app = app_for(database_url, tmp_path, ENVIRONMENT="production", PUBLIC_URL="https://nmg.example.org")
    result = app.test_cli_runner().invoke(args=["demo"])
    with app.app_context():
        db.engine.dispose()
    assert result.exit_code != 0
    assert "production" in result.output


def test_demo_has_the_kick_off_held_and_each_year_planned(demo_loaded):
    kick_off = db.session.scalar(sa.select(Meeting).order_by(Meeting.starts_at))
    assert clock.local(kick_off.starts_at).date() == date(2024, 11, 12)
    assert (kick_off.status, kick_off.mode, kick_off.type.code) == (
        MeetingStatus.HELD,
        MeetingMode.ONSITE,
        "plenary",
    )
    assert len(kick_off.invitations) == 22 and all(i.attendance for i in kick_off.invitations)
    assert len(kick_off.agenda_items) >= 5

    (year_2025,) = cadence.cadence([2025], clock.now())
    rows = {row.kind.code: row for row in year_2025.rows}
    assert (rows["plenary"].planned, rows["plenary"].onsite, rows["thematic"].planned) == (6, 2, 3)
    if clock.today().year > 2025:
        assert rows["plenary"].held == 6 and year_2025.warnings == []
        assert cadence.attendance(2025).overall.rate > 0.5
    upcoming = db.session.scalars(sa.select(Meeting).where(Meeting.starts_at > clock.now())).all()
    assert upcoming and {m.status for m in upcoming} == {MeetingStatus.CONFIRMED}
    assert all(m.video_url or m.venue for m in upcoming)


def test_demo_scale_adds_a_thousand_meetings_across_years(app, runner):
    result = runner.invoke(args=["demo", "--scale", "30"])
    assert result.exit_code == 0, result.output
    synthetic = db.session.scalars(sa.select(Meeting).where(Meeting.title.like("Synthetic %"))).all()
    assert len(synthetic) == 1000
    assert len({clock.local(m.starts_at).year for m in synthetic}) >= 7
    assert len({m.calendar_uid for m in synthetic}) == 1000
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) >= 10_000

    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionItem)) >= 10_000
    held = db.session.scalar(
        sa.select(sa.func.count()).select_from(Meeting).where(Meeting.status == MeetingStatus.HELD)
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Minutes)) == held
    last = db.session.scalar(sa.select(ActionItem).order_by(ActionItem.id.desc()).limit(1))
    found = actions.register_query(actions.ActionFilter(q=f"A-{last.id}"), clock.today())
    assert db.session.scalars(found).all() == [last]
    assert all(owner.is_current for owner in last.owners)


def test_demo_has_the_record_of_the_meetings_held(demo_loaded, client):
    kick_off = db.session.scalar(sa.select(Meeting).order_by(Meeting.starts_at).limit(1))
    first_2025_plenary = db.session.scalar(
        sa.select(Meeting)
        .join(Meeting.type)
        .where(MeetingType.code == "plenary", Meeting.starts_at > clock.from_local(date(2025, 1, 1), time()))
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    minutes = writing.minutes_of(kick_off.id)
    assert minutes.status is MinutesStatus.APPROVED
    assert minutes.approved_at_meeting_id == first_2025_plenary.id
    assert minutes.approved_on == clock.local(first_2025_plenary.starts_at).date()
    assert minutes.approval_item.meeting_id == first_2025_plenary.id
    assert all(sections.item_key(item) in minutes.sections for item in kick_off.agenda_items)
    assert 2 <= len(decisions.of_meeting(kick_off.id)) <= 4
    assert actions.of_meeting(kick_off.id)

    assert set(db.session.scalars(sa.select(Minutes.status))) == set(MinutesStatus)
    assert db.session.scalar(sa.select(sa.func.max(Minutes.version))) >= 3, "revisions to compare"
    circulated = db.session.scalar(sa.select(Minutes).where(Minutes.status == MinutesStatus.CIRCULATED))
    comments = db.session.scalars(sa.select(MinutesComment).where(MinutesComment.minutes_id == circulated.id))
    assert sorted(comment.resolved_at is None for comment in comments) == [False, True]

    today = clock.today()
    assert set(db.session.scalars(sa.select(ActionItem.status))) == set(ActionStatus)
    assert actions.overdue_count(today) >= 1
    assert db.session.scalar(sa.select(ActionItem).where(ActionItem.is_team_owned).limit(1))
    member = db.session.scalar(sa.select(Member).where(Member.email == "member@demo.nmg"))
    own = actions.mine(member.id)
    assert any(action.status is ActionStatus.OPEN and not action.is_overdue(today) for action in own)
    assert any(action.is_overdue(today) for action in own)

    client.post("/sign-in", data={"email": "member@demo.nmg", "password": "a-test-password"})
    page = client.get(f"/meetings/{kick_off.id}/minutes").get_data(as_text=True)
    assert "rotazione annuale" in page
    mine = client.get("/actions/mine").get_data(as_text=True)
    assert all(escape(action.title) in mine for action in own)


def test_the_italian_demo_names_its_meeting_types_in_italian(database_url, tmp_path):
    app = app_for(database_url, tmp_path / "outbox", DEFAULT_LANGUAGE="it")
    app.test_client_class = IsolatedClient
    try:
        with app.app_context():
            seed_meeting_types()
            assert app.test_cli_runner().invoke(args=["demo", "--password", "a-test-password"]).exit_code == 0
            names = dict(db.session.execute(sa.select(MeetingType.code, MeetingType.name)).tuples().all())
            assert names == {
                "plenary": "Riunione plenaria",
                "thematic": "Riunione tematica",
                "bilateral": "Riunione bilaterale tecnico-scientifica",
                "partnership_event": "Evento della partnership",
            }
            year = clock.today().year
            titles = set(db.session.scalars(sa.select(Meeting.title)))
            assert f"Riunione plenaria 1/{year}" in titles

            client = app.test_client()
            client.post("/sign-in", data={"email": "member@demo.nmg", "password": "a-test-password"})
            listed = client.get("/meetings/?when=past").get_data(as_text=True)
            assert "Riunione plenaria" in listed and "Plenary meeting" not in listed
            db.session.remove()
    finally:
        _empty_tables(app)
        with app.app_context():
            # An application of this test alone: its pooled connections close now, not whenever the
            # collector finds them (a PostgreSQL connection left to it warns in whichever test runs then).
            db.engine.dispose()


def test_demo_has_a_year_of_e_news_sent_and_next_month_drafted(demo_loaded):
    issues = db.session.scalars(sa.select(NewsIssue).order_by(NewsIssue.number)).all()
    assert [issue.number for issue in issues] == list(range(1, 14))
    assert [issue.status for issue in issues] == [NewsIssueStatus.SENT] * 12 + [NewsIssueStatus.DRAFT]
    this_month = clock.today().replace(day=1)
    months = [issue.month for issue in issues]
    # This month's issue is the twelfth once its sending day (the first Tuesday, at ten) has passed.
    first_tuesday = this_month + timedelta(days=(1 - this_month.weekday()) % 7)
    expected = [this_month]
    if clock.from_local(first_tuesday, time(10, 0)) > clock.now():
        expected = [(this_month - timedelta(days=1)).replace(day=1)]
    while len(expected) < 12:
        expected.insert(0, (expected[0] - timedelta(days=1)).replace(day=1))
    assert months[:12] == expected
    assert months[12] == drafting.first_of_next_month(this_month)
    assert len({(month.year, month.month) for month in months[:12]}) == 12
    for issue in issues[:12]:
        assert issue.send_started_at <= issue.queued_at <= issue.sent_at < clock.now()
        assert clock.local(issue.send_started_at).date().replace(day=1) == issue.month
        assert issue.recipient_count >= 21
        bodies = {section.kind: section.body for section in issue.sections}
        assert bodies[NewsSectionKind.EDITORIAL] and bodies[NewsSectionKind.NEWS]
    assert issues[11].recipient_count > issues[0].recipient_count, "the public audience grew"
    draft = {section.kind: section.body for section in issues[12].sections}
    assert draft[NewsSectionKind.EDITORIAL] and not draft[NewsSectionKind.CALLS]
    assert not db.session.scalar(
        sa.select(sa.func.count()).where(OutboundMessage.purpose.like("enews:%")).select_from(OutboundMessage)
    ), "a year of copies is not kept in the outbox"


def test_demo_has_subscribers_in_every_state_with_their_consents(demo_loaded):
    subscribers = db.session.scalars(sa.select(NewsSubscriber)).all()
    assert len(subscribers) == 40
    by_status = {status: [s for s in subscribers if s.status is status] for status in SubscriberStatus}
    assert {status: len(found) for status, found in by_status.items()} == {
        SubscriberStatus.CONFIRMED: 27,
        SubscriberStatus.PENDING: 5,
        SubscriberStatus.INVITED: 4,
        SubscriberStatus.UNSUBSCRIBED: 4,
    }
    assert all(s.email.endswith(("@example.org", ".example.it", "@example.it")) for s in subscribers)
    expected = {
        SubscriberStatus.CONFIRMED: [ConsentEvent.REQUESTED, ConsentEvent.GIVEN],
        SubscriberStatus.PENDING: [ConsentEvent.REQUESTED],
        SubscriberStatus.INVITED: [ConsentEvent.REQUESTED],
        SubscriberStatus.UNSUBSCRIBED: [ConsentEvent.REQUESTED, ConsentEvent.GIVEN, ConsentEvent.WITHDRAWN],
    }
    for subscriber in subscribers:
        lines = db.session.scalars(
            sa.select(NewsConsent).where(NewsConsent.email == subscriber.email).order_by(NewsConsent.at)
        ).all()
        assert [line.event for line in lines] == expected[subscriber.status], subscriber.email
        assert all(line.edition is NewsEdition.PUBLIC and line.wording and line.source for line in lines)
        assert all(line.at <= clock.now() for line in lines)
        if subscriber.status in (SubscriberStatus.PENDING, SubscriberStatus.INVITED):
            assert subscriber.confirm_nonce and subscriber.confirmed_at is None

    suppressed = db.session.scalars(sa.select(NewsSuppression)).all()
    assert len(suppressed) == 2 and all(s.reason.startswith("550 ") and s.issue_id for s in suppressed)
    assert {s.email for s in suppressed} <= {s.email for s in by_status[SubscriberStatus.CONFIRMED]}

    opted_out = db.session.scalars(sa.select(Member).where(Member.news_opt_out)).all()
    assert len(opted_out) == 2
    for member in opted_out:
        (line,) = db.session.scalars(sa.select(NewsConsent).where(NewsConsent.email == member.email))
        assert (line.edition, line.event, line.source) == (
            NewsEdition.MEMBERS,
            ConsentEvent.WITHDRAWN,
            "profile",
        )

    members = db.session.scalars(sa.select(Member).where(Member.current_clause(clock.today()))).all()
    member_addresses = {m.email.lower() for m in members}
    suppressed_addresses = {s.email for s in suppressed}
    public = [
        s
        for s in by_status[SubscriberStatus.CONFIRMED]
        if s.email not in member_addresses and s.email not in suppressed_addresses
    ]
    assert len(public) == 27 - 2 - 1, "one confirmed address is a member's"
    found = recipients()
    assert len(found) == len([m for m in members if not m.news_opt_out]) + len(public)
    assert len({r.email.lower() for r in found}) == len(found)


def test_what_a_test_changes_in_the_demo_no_later_test_finds(demo_loaded, tmp_path_factory):
    member = db.session.scalar(sa.select(Member).where(Member.email == "member@demo.nmg"))
    member.full_name = "Changed by a test"
    db.session.execute(sa.delete(NewsSuppression))
    db.session.commit()
    documents = demo_loaded.config["DOCUMENTS_DIR"]
    shutil.rmtree(documents)

    # As between two tests: the tables emptied after one, the demo put in for the next.
    _empty_tables(demo_loaded)
    put_demo(demo_loaded, tmp_path_factory)
    member = db.session.scalar(sa.select(Member).where(Member.email == "member@demo.nmg"))
    assert member.full_name != "Changed by a test"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NewsSuppression)) == 2
    assert library.current_approved(DocumentKind.TERMS_OF_REFERENCE) is not None
    assert any(path.is_file() for path in Path(documents).rglob("*")), "the demo's files are back"
    # A new row takes an id after the demo's, as it would after a load.
    db.session.add(Organisation(name="Added after the demo", stakeholder_type=StakeholderType.RESEARCH))
    db.session.commit()
