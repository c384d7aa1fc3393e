"""The self-assessment in its open format: the document and its schema, the years the coordinator publishes
at a public address, and the import of earlier years from a file."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa

from nmg_ops import demo as demo_package
from nmg_ops.extensions import db
from nmg_ops.governance.self_assessment.definitions import QUESTIONS
from nmg_ops.governance.self_assessment.document import SCHEMA_FILE
from nmg_ops.governance.self_assessment.trend import assessment_for
from nmg_ops.models import AuditEntry, Member, SelfAssessmentAnswer, StakeholderType
from tests.fixtures.demo import DEMO_PASSWORD

COMMITTED_SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def _sign_in(client, email: str, password: str, language: str = "en") -> None:
    """Sign a demo member in, reading the pages in `language` (the demo's members read Italian)."""
    db.session.scalar(sa.select(Member).where(Member.email == email)).language = language
    db.session.commit()
    assert client.post("/sign-in", data={"email": email, "password": password}).status_code == 302


@pytest.fixture
def demo(demo_loaded, client):
    return client


def _document(client, year: int) -> dict:
    response = client.get(f"/governance/{year}.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_the_demo_groups_document_is_valid_and_holds_every_measure_the_app_defines(app, demo):
    _sign_in(demo, "member@demo.nmg", DEMO_PASSWORD)
    doc = _document(demo, 2025)

    jsonschema.validate(doc, COMMITTED_SCHEMA, cls=jsonschema.Draft202012Validator)
    with app.test_request_context():
        defined = {measure.key for measure in assessment_for(2025)} | {m.value for m in QUESTIONS}
    assert defined <= set(doc["measures"])
    # The schema asks for every one of them, so a document without one is not valid.
    assert set(COMMITTED_SCHEMA["properties"]["measures"]["required"]) == defined
    assert doc["group"] == {
        "name": "Italian National Mirror Group",
        "country": "IT",
        "partnership": "THCS",
        "public_site": "http://localhost/",
    }
    assert doc["schema"] == "http://localhost/self-assessment/schema/1.json"
    assert doc["year"] == 2025 and doc["year_complete"] is True and doc["as_of"] == "2025-12-31"
    assert doc["measures"]["funding"] == {
        "light": "amber",
        "source": "coordinator",
        "choice": "in_kind",
        "note": "Il tempo degli esperti è messo a disposizione dagli enti; ProMIS sostiene la segreteria.",
    }
    assert set(doc["measures"]["stakeholders"]["by_stakeholder_type"]) == {t.value for t in StakeholderType}
    # No member is named anywhere in the document.
    assert "Coordinator" not in json.dumps(doc) and "@demo.nmg" not in json.dumps(doc)


def test_the_app_serves_the_schema_committed_with_the_code(client):
    response = client.get("/self-assessment/schema/1.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == COMMITTED_SCHEMA
    jsonschema.Draft202012Validator.check_schema(response.get_json())


def test_counts_of_fewer_than_three_members_are_left_out(app, client, people, make_member, sign_in):
    for region, n in (("Lazio", 4), ("Toscana", 3)):
        for _ in range(n):
            make_member(region=region, gender="female")
    make_member(region="Molise", gender="male")
    sign_in(people["member"])
    year = datetime.now(UTC).year
    doc = _document(client, year)
    regions = {entry["region"]: entry["members"] for entry in doc["measures"]["regions"]["by_region"]}
    # Molise's one member is hidden, and so is the next smallest region, so that neither can be told.
    assert regions == {"Lazio": 4, "Molise": None, "Toscana": None}
    gender = doc["measures"]["gender"]
    assert gender["by_gender"]["male"] is None and gender["smaller_share"] is None
    jsonschema.validate(doc, COMMITTED_SCHEMA, cls=jsonschema.Draft202012Validator)


def test_a_published_year_answers_anyone_with_validators_and_304(app, demo):
    _sign_in(demo, "coordinator@demo.nmg", DEMO_PASSWORD)
    assert demo.get("/self-assessment/2025.json").status_code == 404
    page = demo.get("/governance?year=2025").get_data(as_text=True)
    assert "is not published" in page
    assert demo.post("/governance/2025/publish").status_code == 302
    page = demo.get("/governance?year=2025").get_data(as_text=True)
    assert "/self-assessment/2025.json" in page
    demo.post("/sign-out")

    visitor = app.test_client()
    response = visitor.get("/self-assessment/2025.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    jsonschema.validate(response.get_json(), COMMITTED_SCHEMA, cls=jsonschema.Draft202012Validator)
    etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    for validator in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        assert visitor.get("/self-assessment/2025.json", headers=validator).status_code == 304
    assert visitor.get("/self-assessment/latest.json").get_json()["year"] == 2025
    assert visitor.get("/self-assessment/2024.json").status_code == 404

    _sign_in(demo, "coordinator@demo.nmg", DEMO_PASSWORD)
    assert demo.post("/governance/2025/unpublish").status_code == 302
    assert visitor.get("/self-assessment/2025.json").status_code == 404
    assert visitor.get("/self-assessment/latest.json").status_code == 404
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.subject_type == "published_self_assessment")
    ).all()
    assert sorted(actions) == ["published", "unpublished"]


def test_a_member_cannot_publish(app, demo):
    _sign_in(demo, "member@demo.nmg", DEMO_PASSWORD)
    assert demo.post("/governance/2025/publish").status_code == 403
    assert app.test_client().get("/self-assessment/2025.json").status_code == 404


# --- import -------------------------------------------------------------------------------------------


def _earlier(doc: dict, year: int, **answers: str) -> dict:
    earlier = json.loads(json.dumps(doc))
    earlier["year"], earlier["as_of"] = year, f"{year}-12-31"
    for measure, choice in answers.items():
        earlier["measures"][measure].update(choice=choice, note=f"Noted in {year}.")
    return earlier


def _upload(client, content: bytes, name: str = "earlier.json"):
    return client.post(
        "/governance/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def _answers() -> dict[tuple[int, str], str]:
    rows = db.session.scalars(sa.select(SelfAssessmentAnswer))
    return {(row.year, row.measure.value): row.choice for row in rows}


@pytest.fixture
def coordinator(demo):
    _sign_in(demo, "coordinator@demo.nmg", DEMO_PASSWORD)
    return demo


def test_earlier_years_kept_elsewhere_are_imported_as_the_coordinators_answers(coordinator):
    doc = _document(coordinator, 2025)
    files = [
        _earlier(doc, 2022, funding="none", nomination_process="invitation"),
        _earlier(doc, 2023, funding="dedicated", organisational_model="starting"),
    ]
    response = _upload(coordinator, json.dumps(files).encode())
    assert response.status_code == 302, response.get_data(as_text=True)
    answers = _answers()
    assert answers[(2022, "funding")] == "none"
    assert answers[(2022, "nomination_process")] == "invitation"
    assert answers[(2023, "organisational_model")] == "starting"
    page = coordinator.get("/governance?year=2022").get_data(as_text=True)
    assert "Noted in 2022." in page
    assert "imported" in db.session.scalars(sa.select(AuditEntry.action)).all()


def test_a_year_that_has_answers_is_replaced_only_once_confirmed(coordinator):
    doc = _earlier(_document(coordinator, 2025), 2025, funding="dedicated")
    before = _answers()
    response = _upload(coordinator, json.dumps(doc).encode())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "These years already have answers" in page and "2025" in page
    assert _answers() == before

    content = page.split('name="content" value="')[1].split('"')[0]
    confirmed = coordinator.post("/governance/import/confirm", data={"content": content})
    assert confirmed.status_code == 302
    assert _answers()[(2025, "funding")] == "dedicated"
    # The question the file left unanswered keeps its answer.
    assert _answers()[(2025, "nomination_process")] == before[(2025, "nomination_process")]


def _refused(client, content: bytes) -> str:
    before = _answers()
    response = _upload(client, content)
    assert response.status_code == 400
    assert _answers() == before, "nothing is written from a refused file"
    return response.get_data(as_text=True)


def test_a_file_that_is_not_json_is_refused(coordinator):
    assert "The file is not JSON" in _refused(coordinator, b"year;funding\n2023;none\n")
    assert "not text in UTF-8" in _refused(coordinator, b"\xff\xfe{")
    assert "too deeply" in _refused(coordinator, b"[" * 100_000 + b"]" * 100_000)


def test_a_document_off_the_schema_is_refused_with_each_error_where_it_is(coordinator):
    doc = _document(coordinator, 2025)
    wrong = _earlier(doc, 2023, funding="lots")
    del wrong["measures"]["stage"]
    wrong["year"] = "2023"
    page = _refused(coordinator, json.dumps([doc | {"year": 2024}, wrong]).encode())
    assert "$[1].measures.funding.choice: should be one of &#34;dedicated&#34;, " in page
    assert "not &#34;lots&#34;." in page
    assert "$[1].measures: “stage” is missing." in page
    assert "$[1].year: should be a whole number, not &#34;2023&#34;." in page
    assert "nothing was imported" in page


def test_an_oversized_file_is_refused(app, coordinator):
    app.config["SELF_ASSESSMENT_IMPORT_MAX_BYTES"] = 2048
    doc = json.dumps(_earlier(_document(coordinator, 2025), 2023, funding="none"), indent=2).encode()
    assert len(doc) > 2048
    assert "larger than 2 KB" in _refused(coordinator, doc)


def test_another_groups_self_assessment_is_refused(coordinator):
    doc = _earlier(_document(coordinator, 2025), 2023, funding="none")
    doc["group"].update(name="Slovenian NMG", country="SI")
    page = _refused(coordinator, json.dumps(doc).encode())
    assert (
        "$.group: this is the self-assessment of Slovenian NMG (SI, THCS), not of this group (IT, THCS)"
    ) in page


def test_the_import_page_shows_in_the_coordinators_hands_only(app, demo):
    _sign_in(demo, "member@demo.nmg", DEMO_PASSWORD)
    assert demo.get("/governance/import").status_code == 403
    assert "Import earlier years" not in demo.get("/governance").get_data(as_text=True)


def test_the_errors_are_said_in_the_coordinators_language(demo):
    _sign_in(demo, "coordinator@demo.nmg", DEMO_PASSWORD, language="it")
    doc = _earlier(_document(demo, 2025), 2023, funding="none")
    del doc["measures"]["stage"]
    doc["year"] = "2023"
    page = _refused(demo, json.dumps(doc).encode())
    assert "$.measures: manca “stage”." in page
    assert "$.year: dovrebbe essere un numero intero, non &#34;2023&#34;." in page
    assert "non è stato importato nulla" in page


def test_the_demo_ships_other_nmgs_self_assessments_valid_against_the_schema():
    files = sorted((Path(demo_package.__file__).parent / "partnership").glob("*.json"))
    assert 4 <= len(files) <= 5
    checker = jsonschema.Draft202012Validator(
        COMMITTED_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    countries = set()
    for path in files:
        docs = json.loads(path.read_text(encoding="utf-8"))
        for doc in docs:
            assert list(checker.iter_errors(doc)) == [], f"{path.name} {doc['year']}"
        (country,) = {doc["group"]["country"] for doc in docs}
        countries.add(country)
    # One NMG per file, none of them the Italian one.
    assert len(countries) == len(files) and "IT" not in countries
