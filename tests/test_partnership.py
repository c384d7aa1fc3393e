"""The partnership view: the NMGs' self-assessments side by side, on where the setting turns it on."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from nmg_ops import clock
from nmg_ops import demo as demo_package
from nmg_ops.extensions import db

DEMO_FOLDER = Path(demo_package.__file__).parent / "partnership"


@pytest.fixture
def member(make_member, sign_in):
    return sign_in(make_member())


@pytest.fixture
def folder(app, tmp_path):
    """A copy of the demo's other NMGs' files, which a test may add broken files to."""
    copy = tmp_path / "partnership"
    shutil.copytree(DEMO_FOLDER, copy)
    app.config["PARTNERSHIP_DIR"] = str(copy)
    return copy


def _table(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start : html.index("</table>", start)]


def test_the_view_is_not_found_where_the_setting_is_off(app, client, member, folder):
    app.config["PARTNERSHIP_VIEW"] = False

    assert client.get("/partnership").status_code == 404
    assert client.get("/partnership.csv").status_code == 404
    assert 'id="partnership-link"' not in client.get("/governance").get_data(as_text=True)


def test_the_self_assessment_links_to_the_view_where_it_is_on(client, member, folder):
    html = client.get("/governance").get_data(as_text=True)

    assert (
        'id="partnership-link" href="/partnership"' in html
        or 'href="/partnership" id="partnership-link"' in html
    )


def test_each_demo_nmg_shows_with_its_country_and_latest_stage(client, member, folder):
    response = client.get("/partnership")

    assert response.status_code == 200
    rows = _table(response.get_data(as_text=True), "nmgs").split("<tr>")[2:]
    by_country = {row.split("</th>")[0].split(">")[-1]: row for row in rows}
    expected = {
        "Czechia": "Operational",
        "Estonia": "Planning",
        "Finland": "Operational",
        "Portugal": "Operational",
        "Spain": "Under construction",
        "Italy": None,
    }
    assert set(by_country) == set(expected)
    for country, stage in expected.items():
        if stage:
            assert f"<div>{stage}</div>" in by_country[country], country
    assert 'href="https://nmg-cz.example.org/"' in by_country["Czechia"]
    # Every light is a word beside its colour.
    assert "Not met" in by_country["Estonia"]


def test_the_country_names_follow_the_readers_language(client, member, folder):
    member.language = "it"
    db.session.commit()

    html = client.get("/partnership").get_data(as_text=True)

    assert ">Spagna</th>" in _table(html, "nmgs")
    assert ">Cechia</th>" in _table(html, "nmgs")


def test_files_that_cannot_be_read_are_named_and_the_others_still_show(client, member, folder):
    (folder / "broken.json").write_text("{ not json", encoding="utf-8")
    off_schema = json.loads((folder / "spain.json").read_text(encoding="utf-8"))
    del off_schema[0]["measures"]["funding"]
    (folder / "off-schema.json").write_text(json.dumps(off_schema), encoding="utf-8")

    html = client.get("/partnership").get_data(as_text=True)

    unreadable = html[html.index('id="unreadable"') : html.index("</section>", html.index('id="unreadable"'))]
    assert "broken.json</span>: The file is not JSON: Expecting property name" in unreadable
    assert "off-schema.json</span>: $[0].measures: “funding” is missing." in unreadable
    nmgs = _table(html, "nmgs")
    for country in ("Czechia", "Estonia", "Finland", "Portugal", "Spain", "Italy"):
        assert f">{country}</th>" in nmgs


def test_the_tally_counts_the_nmgs_by_light(client, member, folder):
    html = client.get("/partnership").get_data(as_text=True)

    tally = _table(html, "tally")
    stage_row = tally[tally.index("Stage of development") :].split("</tr>")[0]
    counts = [int(cell.split(">")[-1]) for cell in stage_row.split("</td>")[:-1]]
    assert sum(counts) == 6


def test_the_csv_has_one_row_per_nmg(client, member, folder):
    response = client.get("/partnership.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["Country", "NMG", "Public site", "Year"]
    countries = sorted(row[0] for row in rows[1:])
    assert countries == ["Czechia", "Estonia", "Finland", "Italy", "Portugal", "Spain"]
    spain = next(row for row in rows if row[0] == "Spain")
    assert spain[4:6] == ["Under construction", "Partly met"]


def test_each_measure_shows_the_b1mg_recommendation_the_self_assessment_shows(client, member, folder):
    html = client.get("/partnership").get_data(as_text=True)

    tally = _table(html, "tally")
    nomination = tally[tally.index("Nomination process") :].split("</tr>")[0]
    assert "Develop a way to add experts chosen for knowledge and experience" in nomination
    stage = tally[tally.index("Stage of development") :].split("</tr>")[0]
    assert "Operational: the NMG is filled with nominated experts" in stage
    assert "Operational: the NMG is filled with nominated experts" in client.get("/governance").get_data(
        as_text=True
    )


def test_the_trend_counts_the_nmgs_by_light_year_by_year(client, member, folder):
    html = client.get("/partnership").get_data(as_text=True)

    trend = _table(html, "trend")
    header = trend.split("</thead>")[0]
    this_year = clock.local(clock.now()).year
    assert [f">{year}</th>" in header for year in (2024, 2025, this_year)] == [True] * 3
    stage = trend[trend.index("Stage of development") :].split("</tr>")[0]
    cells = {cell.split('data-year="')[1][:4]: cell for cell in stage.split("</td>")[:-1]}
    # Czechia, Finland and Portugal describe 2024; every demo NMG 2025; this group alone the current year.
    counted = {
        year: sum(int(n) for n in re.findall(r"</span> (\d+)</div>", cell)) for year, cell in cells.items()
    }
    assert counted == {"2024": 3, "2025": 5, str(this_year): 1}


def test_a_single_year_shows_no_trend(app, client, member, tmp_path):
    app.config["PARTNERSHIP_DIR"] = str(tmp_path / "empty")

    html = client.get("/partnership").get_data(as_text=True)

    assert 'id="trend"' not in html
    assert ">Italy</th>" in _table(html, "nmgs")


def test_the_xlsx_has_the_same_rows_as_the_page(client, member, folder):
    response = client.get("/partnership.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Country", "NMG", "Public site", "Year")
    assert sorted(row[0] for row in rows[1:]) == [
        "Czechia",
        "Estonia",
        "Finland",
        "Italy",
        "Portugal",
        "Spain",
    ]
    spain = next(row for row in rows if row[0] == "Spain")
    assert spain[3:6] == (2025, "Under construction", "Partly met")


def test_the_pdf_holds_the_nmgs_the_counts_and_the_trend(client, member, folder):
    response = client.get("/partnership.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for country in ("Czechia", "Estonia", "Finland", "Italy", "Portugal", "Spain"):
        assert country in text
    assert "Develop a way to add experts chosen for knowledge" in text
    assert "Year by year" in text
