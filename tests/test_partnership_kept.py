"""The partnership view is kept between requests: whatever changes what it shows (an upload, a removed
source, a file of the folder, this group's own answers, the reader's language) shows at the next request,
and the page runs as many statements for 40 NMGs as for one."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel import Locale

from nmg_ops import clock
from nmg_ops import demo as demo_package
from nmg_ops.extensions import db
from nmg_ops.models import PartnershipSource

DEMO_FOLDER = Path(demo_package.__file__).parent / "partnership"
#: countries Babel names, other than this group's and the demo files'
COUNTRIES = [
    code
    for code in sorted(Locale("en").territories)
    if code.isalpha() and len(code) == 2 and code not in {"IT", "ES", "CZ", "EE", "FI", "PT"}
][:40]


@pytest.fixture
def coordinator(app, people, sign_in, tmp_path):
    app.config["PARTNERSHIP_DIR"] = str(tmp_path / "partnership")
    return sign_in(people["coordinator"])


def _nmgs(client) -> str:
    html = client.get("/partnership").get_data(as_text=True)
    start = html.index('id="nmgs"')
    return html[start : html.index("</table>", start)]


def _upload(client, content: bytes):
    response = client.post(
        "/partnership/upload",
        data={"upload-file": (io.BytesIO(content), "nmg.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    return response


def _nmg(country: str, name: str) -> bytes:
    """Spain's demo years, as the NMG of `country`."""
    years = json.loads((DEMO_FOLDER / "spain.json").read_text(encoding="utf-8"))
    for doc in years:
        doc["group"].update(name=name, country=country, public_site=f"https://{country.lower()}.example.org/")
    return json.dumps(years).encode()


def test_an_nmg_uploaded_after_the_page_was_seen_shows_at_once(client, coordinator):
    assert ">Finland</th>" not in _nmgs(client)

    _upload(client, (DEMO_FOLDER / "finland.json").read_bytes())

    assert ">Finland</th>" in _nmgs(client)
    assert "Finland" in client.get("/partnership.csv").get_data(as_text=True)
    renamed = json.loads((DEMO_FOLDER / "finland.json").read_text(encoding="utf-8"))
    renamed[-1]["group"]["name"] = "Suomen kansallinen peiliryhmä"
    _upload(client, json.dumps(renamed).encode())
    assert "Suomen kansallinen peiliryhmä" in _nmgs(client)


def test_a_source_removed_after_the_page_was_seen_disappears(client, coordinator):
    _upload(client, (DEMO_FOLDER / "finland.json").read_bytes())
    assert ">Finland</th>" in _nmgs(client)
    source_id = db.session.scalar(sa.select(PartnershipSource.id))

    assert client.post(f"/partnership/sources/{source_id}/remove").status_code == 302

    assert ">Finland</th>" not in _nmgs(client)
    assert "Finland" not in client.get("/partnership.csv").get_data(as_text=True)


def test_a_file_added_rewritten_or_removed_in_the_folder_shows_at_once(app, client, coordinator):
    folder = Path(app.config["PARTNERSHIP_DIR"])
    folder.mkdir()
    assert ">Spain</th>" not in _nmgs(client)

    shutil.copy(DEMO_FOLDER / "spain.json", folder / "spain.json")
    assert ">Spain</th>" in _nmgs(client)

    # Rewritten in place with the same size and times, as a copy that keeps the original's times leaves it.
    stat = (folder / "spain.json").stat()
    text = (folder / "spain.json").read_text(encoding="utf-8")
    name = json.loads(text)[-1]["group"]["name"]
    (folder / "spain.json").write_text(text.replace(name, name[::-1]), encoding="utf-8")
    os.utime(folder / "spain.json", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    (folder / "broken.json").write_text("{ not json", encoding="utf-8")
    html = client.get("/partnership").get_data(as_text=True)
    assert name[::-1] in html
    assert "broken.json</span>: The file is not JSON" in html

    (folder / "spain.json").unlink()
    (folder / "broken.json").unlink()
    html = client.get("/partnership").get_data(as_text=True)
    assert ">Spain</th>" not in html
    assert 'id="unreadable"' not in html


def test_this_groups_own_answer_shows_at_the_next_request(client, coordinator):
    def own_funding() -> str:
        row = _nmgs(client).split(">Italy</th>")[1].split("</tr>")[0]
        return row.split("<td")[-4]  # the columns' order: ..., funding, experts, stakeholders, cadence

    assert "Not answered" in own_funding()

    response = client.post(
        "/governance/answers/funding",
        data={"funding-year": str(clock.local(clock.now()).year), "funding-choice": "in_kind"},
    )

    assert response.status_code == 302
    assert "In-kind contributions only" in own_funding()


def test_the_same_view_follows_each_readers_language(client, coordinator):
    _upload(client, (DEMO_FOLDER / "spain.json").read_bytes())
    assert ">Spain</th>" in _nmgs(client)

    coordinator.language = "it"
    db.session.commit()
    italian = _nmgs(client)
    assert ">Spagna</th>" in italian
    assert "Stadio di sviluppo" in client.get("/partnership").get_data(as_text=True)

    coordinator.language = "en"
    db.session.commit()
    assert ">Spain</th>" in _nmgs(client)


def test_the_page_runs_as_many_statements_for_forty_nmgs_as_for_one(
    client, coordinator, count_queries, monkeypatch
):
    # One minute throughout: this group's own document of the current year is made again every minute.
    now = clock.now()
    monkeypatch.setattr(clock, "now", lambda: now)

    def statements() -> tuple[int, int]:
        """The first answer after an upload, which makes the view again, and the next, which reuses it."""
        with count_queries() as first:
            assert client.get("/partnership").status_code == 200
        with count_queries() as next_one:
            assert client.get("/partnership").status_code == 200
        return first.count, next_one.count

    client.get("/partnership")
    _upload(client, _nmg(COUNTRIES[0], "NMG 0"))
    one = statements()
    for n, country in enumerate(COUNTRIES[1:], start=1):
        _upload(client, _nmg(country, f"NMG {n}"))

    assert statements() == one
    assert f">NMG {len(COUNTRIES) - 1}</a>" in _nmgs(client)
