from datetime import date, time

import sqlalchemy as sa
from markupsafe import escape

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings import cadence
from nmg_ops.meetings.types import seed_meeting_types
from nmg_ops.minutes import actions, decisions, sections, writing
from nmg_ops.models import (
    ActionItem,
    ActionStatus,
    CoordinatorTerm,
    Invitation,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MeetingType,
    Member,
    Minutes,
    MinutesComment,
    MinutesStatus,
    Organisation,
    StakeholderType,
)
from tests.fixtures.database import IsolatedClient, _empty_tables, app_for


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


def test_demo_refuses_to_run_under_production(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("NMG_SECRET_KEY", "x" * 40)
    app = app_for(database_url, tmp_path, ENVIRONMENT="production")
    result = app.test_cli_runner().invoke(args=["demo"])
    with app.app_context():
        db.engine.dispose()
    assert result.exit_code != 0
    assert "production" in result.output


def test_demo_has_the_kick_off_held_and_each_year_planned(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
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


def test_demo_has_the_record_of_the_meetings_held(app, runner, client):
    assert runner.invoke(args=["demo", "--password", "a-test-password"]).exit_code == 0
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
