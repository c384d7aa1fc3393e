"""The coordinator uploads another NMG's self-assessment on the partnership page: checked against the
schema with every error by JSON path, nothing kept on any error, kept like a fetched document otherwise."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from nmg_ops import demo as demo_package
from nmg_ops.extensions import db
from nmg_ops.models import PartnershipDocument, PartnershipSource, SourceOutcome

DEMO_FOLDER = Path(demo_package.__file__).parent / "partnership"


@pytest.fixture
def coordinator(app, people, client, sign_in, tmp_path):
    # No folder of files: what the page shows comes from the uploads.
    app.config["PARTNERSHIP_DIR"] = str(tmp_path / "none")
    return sign_in(people["coordinator"])


def _upload(client, content: bytes, name: str = "nmg.json"):
    return client.post(
        "/partnership/upload",
        data={"upload-file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def _demo(name: str) -> bytes:
    return (DEMO_FOLDER / name).read_bytes()


def _documents() -> list[tuple[str | None, int]]:
    return list(
        db.session.execute(
            sa.select(PartnershipSource.country, PartnershipDocument.year)
            .join(PartnershipDocument.source)
            .order_by(PartnershipSource.country, PartnershipDocument.year)
        ).all()
    )


def test_an_uploaded_file_shows_beside_the_others(client, coordinator):
    response = _upload(client, _demo("finland.json"))

    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The self-assessment is uploaded (Finland)." in html
    assert ">Finland</th>" in html
    assert "Uploaded file (FI)" in html
    assert [tuple(row) for row in _documents()] == [("FI", 2024), ("FI", 2025)]
    source = db.session.scalars(sa.select(PartnershipSource)).one()
    assert source.outcome is SourceOutcome.READ and source.url is None


def test_uploading_the_same_nmg_again_replaces_its_years(client, coordinator):
    _upload(client, _demo("finland.json"))
    later = json.loads(_demo("finland.json"))[1]
    later["group"]["name"] = "Suomen kansallinen peiliryhmä"

    assert _upload(client, json.dumps(later).encode()).status_code == 302

    assert [tuple(row) for row in _documents()] == [("FI", 2024), ("FI", 2025)]
    assert "Suomen kansallinen peiliryhmä" in client.get("/partnership").get_data(as_text=True)


def test_an_invalid_file_is_refused_with_each_error_where_it_is_and_nothing_kept(client, coordinator):
    documents = json.loads(_demo("czechia.json"))
    del documents[1]["measures"]["funding"]
    documents[0]["year"] = "2024"

    response = _upload(client, json.dumps(documents).encode())

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    problems = html[html.index('id="upload-problems"') :]
    assert "<code>$[0].year: " in problems
    assert "<code>$[1].measures: “funding” is missing.</code>" in problems
    assert _documents() == []


def test_a_file_that_is_not_json_is_refused(client, coordinator):
    response = _upload(client, b"{ not json")

    assert response.status_code == 400
    assert "The file is not JSON: " in response.get_data(as_text=True)
    assert _documents() == []


def test_a_file_of_two_nmgs_is_refused(client, coordinator):
    both = [*json.loads(_demo("spain.json")), *json.loads(_demo("estonia.json"))]
    both[1]["year"] = 2024

    response = _upload(client, json.dumps(both).encode())

    assert response.status_code == 400
    assert "upload one NMG’s at a time" in response.get_data(as_text=True)
    assert _documents() == []


def test_a_file_past_the_limit_is_refused(app, client, coordinator):
    app.config["PARTNERSHIP_FETCH_MAX_BYTES"] = 2048

    response = _upload(client, _demo("spain.json"))

    assert response.status_code == 400
    assert "The file is larger than 2 KB" in response.get_data(as_text=True)
