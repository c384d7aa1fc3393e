"""Anonymous surveys: the results reveal no small group, not even by subtraction, and only once the survey
has closed; nothing in the database lines up a member's participation with their answer."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.governance import consultations
from nmg_ops.governance.consultation_results import MIN_ANONYMOUS_GROUP, suppressed
from nmg_ops.governance.consultations import QuestionDraft, SurveyDraft
from nmg_ops.models import (
    QuestionKind,
    StakeholderType,
    SurveyAnswer,
    SurveyAudience,
    SurveyParticipation,
    SurveyResponse,
)


def anonymous_survey(audience=SurveyAudience.STAKEHOLDER_TYPE, **kw):
    survey = consultations.create_survey(
        SurveyDraft(
            title="Priorità",
            description=None,
            audience=audience,
            deadline_at=clock.now() + timedelta(days=10),
            is_anonymous=True,
            **kw,
        )
    )
    consultations.add_question(survey, QuestionDraft(QuestionKind.SINGLE, "Top priority?", ["Data", "Care"]))
    consultations.add_question(survey, QuestionDraft(QuestionKind.TEXT, "Barriers?"))
    consultations.open_survey(survey)
    return survey


def close(survey) -> None:
    survey.deadline_at = clock.now() - timedelta(minutes=1)
    db.session.commit()


def answer(survey, member, choice: str, text: str | None = None) -> None:
    first, second = (q.id for q in survey.questions)
    consultations.answer(survey, member, {first: [choice], second: [text] if text else []})


@pytest.fixture
def groups(make_member, make_org):
    """Four ministry members in Veneto, one researcher alone in Tuscany, three clinicians in Lazio."""
    ministry = make_org(name="Ministero", stakeholder_type=StakeholderType.MINISTRY)
    research = make_org(name="Università", stakeholder_type=StakeholderType.RESEARCH)
    clinical = make_org(name="Ospedale", stakeholder_type=StakeholderType.CLINICAL)
    return {
        "ministry": [make_member(organisation=ministry, region="Veneto") for _ in range(4)],
        "researcher": make_member(organisation=research, region="Toscana"),
        "clinical": [make_member(organisation=clinical, region="Lazio") for _ in range(3)],
    }


def visible_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def published(client, survey) -> tuple[str, str, list[tuple]]:
    page = client.get(f"/consultations/{survey.id}/results").get_data(as_text=True)
    csv_text = client.get(f"/consultations/{survey.id}/results.csv").get_data().decode("utf-8-sig")
    book = load_workbook(io.BytesIO(client.get(f"/consultations/{survey.id}/results.xlsx").data))
    return visible_text(page), csv_text, [tuple(row) for row in book.active.iter_rows(values_only=True)]


def test_the_researchers_answer_cannot_be_worked_out_by_subtracting_the_groups_shown(
    app, groups, people, sign_in, client
):
    """Two surveys in which the lone researcher and one clinician swap answers publish the same results."""
    ministry, researcher, clinical = groups["ministry"], groups["researcher"], groups["clinical"]
    surveys = []
    for researcher_says, clinician_says in (("Data", "Care"), ("Care", "Data")):
        survey = anonymous_survey(audience=SurveyAudience.ALL)
        for member, choice in zip(ministry, ["Data", "Data", "Care", "Care"], strict=True):
            answer(survey, member, choice)
        answer(survey, researcher, researcher_says)
        answer(survey, clinical[0], clinician_says)
        answer(survey, clinical[1], "Data")
        answer(survey, clinical[2], "Care")
        close(survey)
        surveys.append(survey)
    sign_in(people["coordination_team"])
    first, second = (published(client, survey) for survey in surveys)

    assert first == second, "the page, the CSV or the XLSX tells which way the researcher answered"
    page, csv_text, _sheet = first
    assert "8 of" in page, "the number of respondents is shown"
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    shown = {(r["Breakdown"], r["Group"], r["Answer"]): r["Count"] for r in rows if r["Count"]}
    assert shown[("Overall", "All respondents", "Data")] == "4"
    assert shown[("Stakeholder type", "Ministry/Agency/Executive/Policy Maker", "Data")] == "2"
    assert shown[("Region", "Veneto", "Care")] == "2"
    hidden = {(r["Breakdown"], r["Group"]) for r in rows if not r["Count"] and r["Breakdown"] != "Free text"}
    assert ("Stakeholder type", "Research/University") in hidden and ("Region", "Toscana") in hidden
    assert ("Stakeholder type", "Clinical communities") in hidden, "the complementary group is hidden too"
    assert all(int(r["Respondents"]) >= MIN_ANONYMOUS_GROUP for r in rows if r["Respondents"])


def test_suppressed_groups_are_always_at_least_two_and_the_minimum_together():
    assert suppressed({"a": 1, "b": 5, "c": 3, "d": 9}) == {"a", "c"}
    assert suppressed({"a": 1, "b": 1, "c": 4, "d": 7}) == {"a", "b", "c"}
    assert suppressed({"a": 1, "b": 4}) == {"a", "b"}
    assert suppressed({"a": 3, "b": 4}) == set()
    for sizes in ({"a": 1, "b": 2, "c": 3}, {"a": 2, "b": 3, "c": 3, "d": 10}, {"a": 1, "b": 1, "c": 1}):
        hidden = suppressed(sizes)
        assert len(hidden) >= 2 and sum(sizes[key] for key in hidden) >= MIN_ANONYMOUS_GROUP


def test_results_are_hidden_while_the_survey_is_open(app, groups, people, sign_in, client):
    survey = anonymous_survey(audience=SurveyAudience.ALL)
    for member in groups["ministry"]:
        answer(survey, member, "Data", "Too few nurses")
    sign_in(people["coordination_team"])

    page = client.get(f"/consultations/{survey.id}/results").get_data(as_text=True)
    assert "shown once it has closed" in page
    assert "Too few nurses" not in page and 'id="overall-' not in page and "Download CSV" not in page
    for extension in ("csv", "xlsx"):
        response = client.get(f"/consultations/{survey.id}/results.{extension}")
        assert response.status_code == 302 and response.headers["Location"].endswith("/results")

    close(survey)
    page = client.get(f"/consultations/{survey.id}/results").get_data(as_text=True)
    assert "Too few nurses" in page and 'id="overall-' in page


def test_with_fewer_respondents_than_the_minimum_no_number_is_shown(app, groups, people, sign_in, client):
    survey = anonymous_survey(audience=SurveyAudience.ALL)
    answer(survey, groups["ministry"][0], "Data", "Alone here")
    answer(survey, groups["ministry"][1], "Care")
    close(survey)
    sign_in(people["coordination_team"])
    page, csv_text, sheet = published(client, survey)
    assert f"Fewer than {MIN_ANONYMOUS_GROUP} of" in page and "Alone here" not in page
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert rows and all(not r["Respondents"] and not r["Count"] for r in rows)
    assert all(row[4] is None and row[6] is None for row in sheet[1:])


# --- the database -----------------------------------------------------------------------------------------

#: more respondents than a chance match of two orders would allow (1 in 12! ≈ 2·10⁻⁹)
RESPONDENTS = 12
#: each respondent's free text; its alphabetical order is not the order of answering
WORDS = ["kiwi", "apple", "lime", "fig", "date", "plum", "pear", "yuzu", "cherry", "mango", "grape", "banana"]


def _orders(table: sa.Table, backend: str) -> dict[str, sa.ColumnElement]:
    orders: dict[str, sa.ColumnElement] = {column.name: column for column in table.columns}
    if backend == "sqlite":
        orders["rowid"] = sa.literal_column("rowid")
    else:
        orders["ctid"] = sa.literal_column("ctid")
        orders["xmin"] = sa.literal_column("xmin::text::bigint")
    return orders


def test_no_column_nor_the_order_of_rows_links_a_participation_to_its_answer(
    app, backend, make_member, make_org
):
    research = make_org(stakeholder_type=StakeholderType.RESEARCH)
    members = [make_member(organisation=research, region="Veneto") for _ in range(RESPONDENTS)]
    survey = anonymous_survey(stakeholder_type=StakeholderType.RESEARCH)
    for member, word in zip(members, WORDS, strict=True):
        answer(survey, member, "Data", word)
    # Who answered, and in which order, is known (the rows below, and the server's access log).
    assert set(db.session.scalars(sa.select(SurveyParticipation.member_id))) == {m.id for m in members}
    answering_order = WORDS

    time_columns = [
        f"{table.name}.{column.name}"
        for table in (SurveyParticipation.__table__, SurveyResponse.__table__, SurveyAnswer.__table__)
        for column in table.columns
        if isinstance(column.type, sa.DateTime | sa.Date)
    ]
    assert time_columns == []

    texts = SurveyAnswer.__table__
    text_question = survey.questions[1].id
    word_of_response = dict(
        db.session.execute(
            sa.select(texts.c.response_id, texts.c.value).where(texts.c.question_id == text_question)
        ).all()
    )
    assert sorted(word_of_response.values()) == sorted(WORDS)
    lined_up = {}
    for name, order in _orders(SurveyResponse.__table__, backend).items():
        ids = db.session.scalars(sa.select(SurveyResponse.__table__.c.id).order_by(order)).all()
        lined_up[f"survey_response by {name}"] = [word_of_response[i] for i in ids]
    for name, order in _orders(texts, backend).items():
        words = db.session.scalars(
            sa.select(texts.c.value).where(texts.c.question_id == text_question).order_by(order)
        ).all()
        lined_up[f"survey_answer by {name}"] = list(words)
    for name, words in lined_up.items():
        assert words not in (answering_order, answering_order[::-1]), f"{name} gives the order of answering"
