"""Fixtures shared by every test: the app on SQLite and on a real PostgreSQL server, clients and factories."""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from nmg_ops import create_app
from nmg_ops.extensions import db
from nmg_ops.models import CoordinatorTerm, Member, MemberRole, Organisation, StakeholderType, WorkingGroup
from tests.pg_server import ENABLE_HINT, PostgresServer, find_bindir

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PASSWORD = "correct horse battery"
# Hashing with the default work factor would dominate the suite's run time; the algorithm is the same.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgresServer]:
    bindir = find_bindir()
    if bindir is None:
        if IN_CI:
            pytest.fail("CI=true but no PostgreSQL binaries were found; .ci/run installs them")
        pytest.skip(ENABLE_HINT)
    server = PostgresServer(bindir, Path(tempfile.mkdtemp(prefix="nmg-pg-")))
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgresql_url(postgresql_server: PostgresServer) -> str:
    return postgresql_server.create_database("nmg_test")


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'nmg_test.sqlite3'}"


_migrated: set[str] = set()


def _app_for(url: str, outbox: Path, **overrides: Any) -> Flask:
    config = {
        "ENVIRONMENT": "testing",
        "DATABASE_URL": url,
        "OUTBOX_DIR": str(outbox),
        "WTF_CSRF_ENABLED": False,
        **overrides,
    }
    app = create_app(config)
    if url not in _migrated:
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
        _migrated.add(url)
    return app


def _empty_tables(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            tables = list(reversed(db.metadata.sorted_tables))
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(request: pytest.FixtureRequest, backend: str) -> str:
    return request.getfixturevalue(f"{backend}_url")


class IsolatedClient(FlaskClient):
    """Serves each request in its own application context, as a real server would.

    The test itself runs inside an application context; Flask would otherwise reuse it for every request
    and share one database session and one `g` between the test and all its requests. Like a real server,
    it closes each response once sent, which runs the work registered to follow the response.
    """

    def open(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("buffered", True)
        db.session.commit()
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            db.session.expire_all()


@pytest.fixture
def app(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The application on the test's backend; tests marked `smtp` send through the `smtp_sink` server."""
    overrides: dict[str, Any] = {}
    if request.node.get_closest_marker("smtp"):
        sink = request.getfixturevalue("smtp_sink")
        overrides = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": sink.port}
    app = _app_for(database_url, tmp_path / "outbox", **overrides)
    app.test_client_class = IsolatedClient
    with app.app_context():
        # Tables are emptied after every test; the migration's seed of the configured types is redone.
        from nmg_ops.meetings.types import seed_meeting_types

        seed_meeting_types()
        yield app
    _empty_tables(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


# --- factories -------------------------------------------------------------------------------------------


@pytest.fixture
def make_org(app: Flask) -> Callable[..., Organisation]:
    counter = iter(range(1, 10_000))

    def make(
        name: str | None = None, stakeholder_type: StakeholderType = StakeholderType.MINISTRY, **kw
    ) -> Organisation:
        org = Organisation(
            name=name or f"Organisation {next(counter)}", stakeholder_type=stakeholder_type, **kw
        )
        db.session.add(org)
        db.session.commit()
        return org

    return make


@pytest.fixture
def make_member(app: Flask, make_org) -> Callable[..., Member]:
    counter = iter(range(1, 10_000))

    def make(
        email: str | None = None, organisation: Organisation | None = None, password: bool = True, **kw
    ) -> Member:
        n = next(counter)
        kw.setdefault("full_name", f"Member {n}")
        kw.setdefault("language", "en")
        kw.setdefault("joined_on", date(2024, 11, 12))
        member = Member(
            email=email or f"member{n}@example.org",
            organisation=organisation or make_org(),
            password_hash=PASSWORD_HASH if password else None,
            **kw,
        )
        db.session.add(member)
        db.session.commit()
        return member

    return make


@pytest.fixture
def make_term(app: Flask) -> Callable[..., CoordinatorTerm]:
    def make(
        member: Member, starts_on: date | None = None, days: int = 365, position: int = 1
    ) -> CoordinatorTerm:
        from nmg_ops import clock

        starts_on = starts_on or clock.today() - timedelta(days=30)
        term = CoordinatorTerm(
            member=member,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=days),
            rotation_position=position,
        )
        db.session.add(term)
        db.session.commit()
        return term

    return make


@pytest.fixture
def make_working_group(app: Flask) -> Callable[..., WorkingGroup]:
    def make(code: str, name: str = "") -> WorkingGroup:
        group = WorkingGroup(code=code, name=name or f"Work package {code}")
        db.session.add(group)
        db.session.commit()
        return group

    return make


@pytest.fixture
def sign_in(client: FlaskClient) -> Callable[[Member], Member]:
    """Sign a member in through the real sign-in form."""

    def do(member: Member) -> Member:
        response = client.post("/sign-in", data={"email": member.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return member

    return do


@pytest.fixture
def people(make_member, make_term) -> dict[str, Member | None]:
    """One member per role; the coordinator holds today's coordinator term."""
    coordinator = make_member(email="coordinator@example.org", full_name="Carla Coordinator")
    make_term(coordinator)
    return {
        "public": None,
        "member": make_member(email="plain@example.org", full_name="Paolo Member"),
        "coordination_team": make_member(
            email="ct@example.org", full_name="Teresa Team", is_coordination_team=True
        ),
        "coordinator": coordinator,
        "admin": make_member(
            email="admin@example.org", full_name="Ada Admin", is_admin=True, role=MemberRole.SECRETARIAT
        ),
    }


@pytest.fixture
def outbox(app: Flask) -> Callable[[], list[email.message.EmailMessage]]:
    """The mails written to the development outbox, parsed, oldest first."""

    def read() -> list[email.message.EmailMessage]:
        folder = Path(app.config["OUTBOX_DIR"])
        files = sorted(folder.glob("*.eml")) if folder.is_dir() else []
        return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]

    return read


@pytest.fixture
def count_queries(app: Flask):
    """Count the SQL statements a block runs: `with count_queries() as n: ...; n.count`."""
    from contextlib import contextmanager

    class Counter:
        count = 0
        statements: list[str] = []

    @contextmanager
    def counting():
        counter = Counter()
        counter.statements = []

        def before(conn, cursor, statement, *args):
            counter.count += 1
            counter.statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def smtp_sink():
    """A real SMTP server on 127.0.0.1; mark a test `smtp` to have the app send to it."""
    from tests.smtp_sink import SmtpSink

    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def make_meeting(app: Flask) -> Callable[..., Any]:
    """A meeting of a configured type, by default a draft plenary two weeks from now, 10:00–12:00 in Rome."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from nmg_ops import clock
    from nmg_ops.meetings.types import meeting_type
    from nmg_ops.models import Invitation, Meeting, MeetingStatus

    def make(
        type_code: str = "plenary",
        starts_at: datetime | None = None,
        hours: float = 2,
        invitees: list[Member] = (),
        status: MeetingStatus = MeetingStatus.DRAFT,
        **kw: Any,
    ) -> Meeting:
        kind = meeting_type(type_code)
        if starts_at is None:
            day = clock.today() + timedelta(days=14)
            starts_at = datetime.combine(day, time(10, 0), tzinfo=ZoneInfo("Europe/Rome"))
        kw.setdefault("title", f"{kind.name} {starts_at:%Y-%m-%d}")
        kw.setdefault("mode", kind.default_mode)
        kw.setdefault(
            "venue", "Ministero della Salute, Lungotevere Ripa 1, Roma" if kw["mode"] != "online" else ""
        )
        kw.setdefault("video_url", "https://meet.example.org/nmg" if kw["mode"] != "onsite" else "")
        meeting = Meeting(
            type=kind,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            status=status,
            invitations=[Invitation(member=m) for m in invitees],
            **kw,
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting

    return make
