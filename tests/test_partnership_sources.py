"""The partnership view's sources: another NMG's instance publishes its self-assessment on loopback, and this
instance's scheduler fetches it (200, then 304 while nothing changed); a server that stalls, an answer too
long and an invalid document are shown with their reason while the last good document still shows."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.governance.self_assessment import publishing
from nmg_ops.models import (
    Member,
    Organisation,
    PartnershipDocument,
    PartnershipSource,
    SourceOutcome,
    StakeholderType,
)
from nmg_ops.scheduler import run_job
from tests.fixtures.database import app_for

LATEST = "/self-assessment/latest.json"


@dataclass
class OtherNmg:
    """Spain's NMG on its own instance and database, served over HTTP on loopback; `mode` makes it
    misbehave ("stall", "endless", "invalid"), `seen` holds each request's conditional headers and status."""

    url: str
    app: object
    mode: str = "normal"
    seen: list[tuple[str | None, int]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture(scope="module")
def other_app(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("other-nmg")
    app = app_for(
        f"sqlite:///{folder / 'spain.sqlite3'}",
        folder / "outbox",
        NMG_COUNTRY="ES",
        NMG_NAME="Grupo Espejo Nacional",
        PUBLIC_URL="https://nmg-es.example.org",
        PARTNERSHIP_VIEW=False,
    )
    with app.app_context():
        org = Organisation(name="Ministerio de Sanidad", stakeholder_type=StakeholderType.MINISTRY)
        member = Member(
            email="coordinadora@example.org",
            full_name="Coordinadora",
            organisation=org,
            joined_on=date(2024, 1, 8),
        )
        db.session.add(member)
        db.session.commit()
        publishing.publish(clock.local(clock.now()).year, member)
        db.session.commit()
    return app


@pytest.fixture
def other(other_app) -> Iterator[OtherNmg]:
    nmg = OtherNmg(url="", app=other_app)
    with other_app.app_context():
        broken = json.loads(publishing.latest().document)
    del broken["measures"]["funding"]

    def served(environ, start_response):
        if nmg.mode == "stall":
            nmg.release.wait(10)
        if nmg.mode == "endless":
            start_response("200 OK", [("Content-Type", "application/json")])
            return iter([b" " * 4096] * 1000)
        if nmg.mode == "invalid":
            start_response("200 OK", [("Content-Type", "application/json"), ("ETag", '"broken"')])
            return [json.dumps(broken).encode()]

        def recorded(status, headers, *args):
            nmg.seen.append((environ.get("HTTP_IF_NONE_MATCH"), int(status.split()[0])))
            return start_response(status, headers, *args)

        return other_app.wsgi_app(environ, recorded)

    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    nmg.url = f"http://127.0.0.1:{server.server_port}{LATEST}"
    try:
        yield nmg
    finally:
        nmg.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def coordinator(people, client, sign_in):
    return sign_in(people["coordinator"])


def _add(client, url: str):
    return client.post("/partnership/sources", data={"source-url": url})


def _fetch() -> PartnershipSource:
    run_job("fetch_partnership", clock.now())
    db.session.expire_all()
    return db.session.scalars(sa.select(PartnershipSource)).one()


def _section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


def _nmgs(html: str) -> str:
    start = html.index('id="nmgs"')
    return html[start : html.index("</table>", start)]


def test_the_scheduler_fetches_another_instances_self_assessment_then_gets_a_304(client, coordinator, other):
    assert _add(client, other.url).status_code == 302
    assert ">Spain</th>" not in _nmgs(client.get("/partnership").get_data(as_text=True))

    source = _fetch()

    assert source.outcome is SourceOutcome.READ
    assert source.etag and source.country == "ES"
    html = client.get("/partnership").get_data(as_text=True)
    assert '<a href="https://nmg-es.example.org/">Grupo Espejo Nacional</a>' in _nmgs(html)
    assert 'id="unreadable"' not in html

    source = _fetch()

    assert source.outcome is SourceOutcome.UNCHANGED
    assert other.seen == [(None, 200), (source.etag, 304)]
    assert db.session.scalar(sa.select(sa.func.count(PartnershipDocument.id))) == 1
    assert ">Spain</th>" in _nmgs(client.get("/partnership").get_data(as_text=True))


def _first_fetched(client, other) -> None:
    assert _add(client, other.url).status_code == 302
    assert _fetch().outcome is SourceOutcome.READ


def test_a_server_that_stalls_is_reported_and_the_last_document_still_shows(app, client, coordinator, other):
    _first_fetched(client, other)
    app.config["PARTNERSHIP_FETCH_TIMEOUT_SECONDS"] = 1
    other.mode = "stall"

    started = clock.now()
    source = _fetch()

    assert (clock.now() - started).total_seconds() < 5
    assert source.outcome is SourceOutcome.FAILED
    html = client.get("/partnership").get_data(as_text=True)
    assert f"{other.url}</span>: The server did not answer within 1 seconds." in _section(html, "unreadable")
    assert ">Spain</th>" in _nmgs(html)


def test_an_answer_longer_than_the_limit_is_cut_off_and_refused(app, client, coordinator, other):
    _first_fetched(client, other)
    app.config["PARTNERSHIP_FETCH_MAX_BYTES"] = 100_000
    other.mode = "endless"

    source = _fetch()

    assert source.outcome is SourceOutcome.FAILED
    assert source.error == "The answer is larger than 97 KB."
    assert ">Spain</th>" in _nmgs(client.get("/partnership").get_data(as_text=True))


def test_an_invalid_document_is_reported_by_json_path_and_the_last_valid_one_kept(client, coordinator, other):
    _first_fetched(client, other)
    other.mode = "invalid"

    source = _fetch()

    assert source.outcome is SourceOutcome.FAILED
    html = client.get("/partnership").get_data(as_text=True)
    unreadable = _section(html, "unreadable")
    assert f"{other.url}</span>: $.measures: “funding” is missing.</li>" in unreadable
    assert ">Spain</th>" in _nmgs(html)
    # The validators of the last valid document are kept, so the next run may still get a 304.
    assert source.etag != '"broken"'


def test_addresses_on_this_machine_or_a_private_network_are_refused_unless_the_setting_allows(
    app, client, coordinator
):
    app.config["PARTNERSHIP_FETCH_PRIVATE_ADDRESSES"] = False

    for url in ("http://127.0.0.1:8000/x.json", "https://10.1.2.3/x.json", "http://localhost/x.json"):
        response = _add(client, url)
        assert response.status_code == 400
        assert "names this server or a private network" in response.get_data(as_text=True)
    response = _add(client, "file:///etc/passwd")
    assert response.status_code == 400
    assert "Give an address that starts with https://" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PartnershipSource.id))) == 0


def test_a_name_that_resolves_to_this_machine_is_not_fetched(app, client, coordinator, other):
    app.config["PARTNERSHIP_FETCH_PRIVATE_ADDRESSES"] = False
    db.session.add(PartnershipSource(url=other.url.replace("127.0.0.1", "localhost")))
    db.session.commit()

    source = _fetch()

    assert source.outcome is SourceOutcome.FAILED
    assert "private network" in source.error
    assert other.seen == []


def test_a_removed_source_takes_its_nmg_off_the_view(client, coordinator, other):
    _first_fetched(client, other)
    source_id = db.session.scalar(sa.select(PartnershipSource.id))

    assert client.post(f"/partnership/sources/{source_id}/remove").status_code == 302

    assert ">Spain</th>" not in _nmgs(client.get("/partnership").get_data(as_text=True))
    assert db.session.scalar(sa.select(sa.func.count(PartnershipDocument.id))) == 0


def test_the_same_address_is_added_once(client, coordinator, other):
    assert _add(client, other.url).status_code == 302
    response = _add(client, other.url)

    assert response.status_code == 400
    assert "This address is already read." in response.get_data(as_text=True)


def test_a_member_sees_the_view_but_not_the_sources(people, client, sign_in, other):
    sign_in(people["member"])

    html = client.get("/partnership").get_data(as_text=True)

    assert 'id="sources"' not in html
    assert client.post("/partnership/sources", data={"source-url": other.url}).status_code == 403
