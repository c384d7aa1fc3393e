"""Browser tests: the real application on 127.0.0.1, driven through Playwright by the system's Chromium.

Playwright's own browser downloads are never used; the tests need Chromium from the system's packages
(`apt-get install chromium`) and skip without it, except on CI where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from nmg_ops import clock, create_app, demo
from nmg_ops.extensions import db
from nmg_ops.models import CoordinatorTerm, Language, Member, Organisation, StakeholderType
from tests.fixtures import IN_CI
from tests.fixtures.factories import PASSWORD, PASSWORD_HASH

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ENABLE_HINT = "browser tests need Chromium from the system packages: apt-get install chromium"


def _chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium()
    if path is None:
        if IN_CI:
            pytest.fail(f"CI=true but Chromium is missing; {ENABLE_HINT}")
        pytest.skip(ENABLE_HINT)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class LiveServer:
    app: Flask
    url: str
    #: the loopback SMTP server the app sends to, for a test marked `smtp`; otherwise mail goes to files
    sink: Any = None


def _browser_app(
    database: Path, tmp_path: Path, documents: Path | None = None, mail: dict[str, Any] | None = None
) -> Flask:
    return create_app(
        {
            "ENVIRONMENT": "testing",
            "DATABASE_URL": f"sqlite:///{database}",
            "OUTBOX_DIR": str(tmp_path / "outbox"),
            "DOCUMENTS_DIR": str(documents or tmp_path / "documents"),
            "WTF_CSRF_ENABLED": True,
            **(mail or {}),
        }
    )


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database migrated once for the run, which each live server starts from a copy of."""
    from flask_migrate import upgrade

    folder = tmp_path_factory.mktemp("migrated")
    app = _browser_app(folder / "migrated.sqlite3", folder)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return folder / "migrated.sqlite3"


@contextmanager
def _serve(
    source: Path, tmp_path: Path, documents: Path | None = None, sink: Any = None
) -> Iterator[LiveServer]:
    """The application on a copy of `source`, served over real HTTP with CSRF protection on; with a
    `sink`, sending its mail there over SMTP."""
    database = tmp_path / "browser.sqlite3"
    with sqlite3.connect(source) as original, sqlite3.connect(database) as copy:
        original.backup(copy)
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": sink.port} if sink is not None else None
    app = _browser_app(database, tmp_path, documents, mail)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval lets the shutdown at the end of each test return quickly.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", sink)
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def live_server(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_sqlite: Path
) -> Iterator[LiveServer]:
    """The application on its own empty database; a test marked `smtp` has it send to `smtp_sink`."""
    sink = request.getfixturevalue("smtp_sink") if request.node.get_closest_marker("smtp") else None
    with _serve(migrated_sqlite, tmp_path, sink=sink) as server:
        yield server


@pytest.fixture(scope="session")
def demo_sqlite(migrated_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo NMG loaded once for the run, which each demo server starts from a copy of."""
    folder = tmp_path_factory.mktemp("demo")
    database = folder / "demo.sqlite3"
    with sqlite3.connect(migrated_sqlite) as original, sqlite3.connect(database) as copy:
        original.backup(copy)
    app = _browser_app(database, folder)
    with app.app_context():
        demo.load(clock.today(), demo.DEFAULT_PASSWORD)
        db.session.remove()
        db.engine.dispose()
    return database


@pytest.fixture
def demo_server(tmp_path: Path, demo_sqlite: Path) -> Iterator[LiveServer]:
    """The application on its own copy of the demo NMG, reading the demo's documents."""
    with _serve(demo_sqlite, tmp_path, demo_sqlite.parent / "documents") as server:
        yield server


@pytest.fixture
def coordinator(live_server: LiveServer) -> str:
    """The e-mail of a member holding today's coordinator term, with a password to sign in with."""
    with live_server.app.app_context():
        org = Organisation(
            name="Agenzia Nazionale per i Servizi Sanitari Regionali",
            acronym="AGENAS",
            stakeholder_type=StakeholderType.MINISTRY,
        )
        member = Member(
            full_name="Carla Coordinator",
            email="coordinator@example.org",
            organisation=org,
            language=Language.EN,
            password_hash=PASSWORD_HASH,
        )
        today = clock.today()
        db.session.add(
            CoordinatorTerm(
                member=member,
                starts_on=today - timedelta(days=30),
                ends_on=today + timedelta(days=335),
                rotation_position=1,
            )
        )
        db.session.commit()
    return "coordinator@example.org"


@pytest.fixture
def browser_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh page (own cookies) on the live server; relative URLs resolve against it."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    # A page after signing in may take longer than 5 s on a machine busy with other test workers.
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def sign_in_page(browser_page: Any) -> Any:
    """Sign a member in through the real sign-in page."""

    def sign_in(email: str) -> None:
        browser_page.goto("/sign-in")
        browser_page.get_by_label("E-mail").fill(email)
        browser_page.get_by_label("Password").fill(PASSWORD)
        browser_page.get_by_role("button", name="Sign in").click()
        browser_page.wait_for_url(lambda url: "/sign-in" not in url)

    return sign_in
