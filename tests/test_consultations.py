"""Consultations: building a survey, answering it once, anonymity, results, exports and reminders."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy.exc import IntegrityError

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.governance import consultation_mails, consultation_results, consultations
from nmg_ops.governance.consultations import ConsultationError, QuestionDraft, SurveyDraft
from nmg_ops.models import (
    DeliveryStatus,
    OutboundMessage,
    QuestionKind,
    StakeholderType,
    Survey,
    SurveyAudience,
    SurveyParticipation,
    SurveyResponse,
)


@pytest.fixture
def build(app):
    """An open survey with a single-choice, a scale and a free-text question."""

    def make(*, anonymous: bool = False, days: int = 10, **audience):
        survey = consultations.create_survey(
            SurveyDraft(
                title="Priorità THCS",
                description=None,
                audience=audience.pop("audience", SurveyAudience.ALL),
                deadline_at=clock.now() + timedelta(days=days),
                is_anonymous=anonymous,
                **audience,
            )
        )
        consultations.add_question(
            survey, QuestionDraft(QuestionKind.SINGLE, "Top priority?", ["Data", "Care"], is_required=True)
        )
        consultations.add_question(survey, QuestionDraft(QuestionKind.SCALE, "How ready?"))
        consultations.add_question(survey, QuestionDraft(QuestionKind.TEXT, "Barriers?"))
        consultations.open_survey(survey)
        return survey

    return make


@pytest.fixture
def respondents(make_member, make_org):
    """Three ministry members in Veneto, one research member in Tuscany."""
    ministry = make_org(name="Ministero", stakeholder_type=StakeholderType.MINISTRY)
    research = make_org(name="Università", stakeholder_type=StakeholderType.RESEARCH)
    ministry_people = [make_member(organisation=ministry, region="Veneto") for _ in range(3)]
    return [*ministry_people, make_member(organisation=research, region="Toscana")]


def questions(survey):
    return {q.text: q.id for q in survey.questions}


def test_a_member_answers_and_changes_a_named_answer_until_the_deadline(build, respondents):
    survey = build()
    member = respondents[0]
    q = questions(survey)
    consultations.answer(survey, member, {q["Top priority?"]: ["Data"], q["How ready?"]: ["4"]})
    consultations.answer(survey, member, {q["Top priority?"]: ["Care"]})
    assert consultations.named_answers(survey, member) == {q["Top priority?"]: ["Care"]}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 1

    survey.deadline_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(ConsultationError, match="closed"):
        consultations.answer(survey, member, {q["Top priority?"]: ["Data"]})
    assert consultations.named_answers(survey, member) == {q["Top priority?"]: ["Care"]}


def test_required_questions_and_unknown_choices_are_refused(build, respondents):
    survey = build()
    q = questions(survey)
    with pytest.raises(ConsultationError) as missing:
        consultations.answer(survey, respondents[0], {q["How ready?"]: ["3"]})
    assert missing.value.field == f"q{q['Top priority?']}"
    with pytest.raises(ConsultationError):
        consultations.answer(survey, respondents[0], {q["Top priority?"]: ["Data"], q["How ready?"]: ["9"]})
    assert not consultations.has_answered(survey, respondents[0])


def test_the_database_refuses_a_second_participation_of_a_member(build, respondents):
    survey = build()
    db.session.add(SurveyParticipation(survey_id=survey.id, member_id=respondents[0].id))
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.insert(SurveyParticipation).values(survey_id=survey.id, member_id=respondents[0].id)
        )
    db.session.rollback()


def test_an_anonymous_answer_is_stored_without_any_link_to_the_member(build, respondents):
    survey = build(anonymous=True)
    member = respondents[3]
    consultations.answer(survey, member, {questions(survey)["Top priority?"]: ["Data"]})

    columns = {c.name for c in SurveyResponse.__table__.columns}
    assert columns == {"id", "survey_id", "member_id", "stakeholder_type", "region"}
    row = db.session.execute(sa.select(SurveyResponse.__table__)).one()._asdict()
    assert row["member_id"] is None
    assert row["stakeholder_type"] == StakeholderType.RESEARCH and row["region"] == "Toscana"
    assert str(member.id) not in {str(value) for key, value in row.items() if key != "survey_id"}
    # Who answered is known (for the reminders), but not which answer is theirs, nor when.
    assert {c.name for c in SurveyParticipation.__table__.columns} == {"survey_id", "member_id"}
    assert consultations.has_answered(survey, member)
    with pytest.raises(ConsultationError, match="cannot be changed"):
        consultations.answer(survey, member, {questions(survey)["Top priority?"]: ["Care"]})


def test_results_count_by_stakeholder_type_and_region(build, respondents):
    survey = build()
    q = questions(survey)
    for member, choice in zip(respondents, ["Data", "Data", "Care", "Care"], strict=True):
        consultations.answer(survey, member, {q["Top priority?"]: [choice], q["Barriers?"]: [f"{choice}!"]})
    result = consultation_results.results(survey)
    first = result.questions[0]
    assert result.respondents == 4
    assert first.overall.counts == {"Data": 2, "Care": 2}
    types = {g.label: g.counts for g in first.by_stakeholder_type}
    assert types == {
        "Ministry/Agency/Executive/Policy Maker": {"Data": 2, "Care": 1},
        "Research/University": {"Data": 0, "Care": 1},
    }
    regions = {g.label: g.counts for g in first.by_region}
    assert regions == {"Toscana": {"Data": 0, "Care": 1}, "Veneto": {"Data": 2, "Care": 1}}
    assert result.questions[2].texts == ["Care!", "Care!", "Data!", "Data!"]


def test_an_anonymous_survey_hides_groups_smaller_than_three_and_their_complement(build, respondents):
    survey = build(anonymous=True)
    q = questions(survey)
    for member in respondents:
        consultations.answer(survey, member, {q["Top priority?"]: ["Data"]})
    survey.deadline_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    first = consultation_results.results(survey).questions[0]
    regions = {g.label: g for g in first.by_region}
    assert regions["Toscana"].is_hidden and regions["Toscana"].counts == {}
    assert regions["Toscana"].respondents is None
    # All respondents minus Veneto would be Toscana's one answer: Veneto is hidden with it.
    assert regions["Veneto"].is_hidden and regions["Veneto"].counts == {}
    assert first.overall.counts == {"Data": 4, "Care": 0}


def test_a_survey_for_a_stakeholder_type_is_refused_to_the_others(build, respondents):
    survey = build(audience=SurveyAudience.STAKEHOLDER_TYPE, stakeholder_type=StakeholderType.RESEARCH)
    with pytest.raises(ConsultationError, match="not addressed"):
        consultations.answer(survey, respondents[0], {questions(survey)["Top priority?"]: ["Data"]})
    consultations.answer(survey, respondents[3], {questions(survey)["Top priority?"]: ["Data"]})


def test_the_results_download_as_csv_and_xlsx_with_formulas_defused(
    build, respondents, people, sign_in, client
):
    survey = build()
    q = questions(survey)
    consultations.answer(
        survey, respondents[0], {q["Top priority?"]: ["Data"], q["Barriers?"]: ["=HYPERLINK(1)"]}
    )
    sign_in(people["coordination_team"])
    csv_text = client.get(f"/consultations/{survey.id}/results.csv").get_data().decode("utf-8-sig")
    assert "1,Top priority?,Overall,All respondents,1,Data,1" in csv_text.replace("\r", "")
    assert "'=HYPERLINK(1)" in csv_text
    book = load_workbook(io.BytesIO(client.get(f"/consultations/{survey.id}/results.xlsx").data))
    values = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert values[0][:2] == ["Question number", "Question"]
    assert any(row[5] == "=HYPERLINK(1)" for row in values)
    (typed,) = [row[5] for row in book.active.iter_rows() if row[5].value == "=HYPERLINK(1)"]
    assert typed.data_type == "s" and typed.quotePrefix, "text, not a formula, with no apostrophe shown"


def test_members_answer_through_the_page_but_do_not_see_results(build, people, sign_in, client):
    survey = build()
    q = questions(survey)
    sign_in(people["member"])
    page = client.get(f"/consultations/{survey.id}").get_data(as_text=True)
    assert "Top priority?" in page
    response = client.post(f"/consultations/{survey.id}/answer", data={f"q{q['Top priority?']}": "Care"})
    assert response.status_code == 302
    assert consultations.named_answers(survey, people["member"]) == {q["Top priority?"]: ["Care"]}
    assert client.get(f"/consultations/{survey.id}/results").status_code == 403


def test_the_coordinator_builds_and_opens_a_survey_through_the_pages(people, sign_in, client):
    sign_in(people["coordinator"])
    last_day = (clock.today() + timedelta(days=5)).isoformat()
    response = client.post(
        "/consultations/new",
        data={"title": "Kick-off", "audience": "all", "deadline_on": last_day, "is_anonymous": "y"},
    )
    assert response.status_code == 302
    survey_path = response.headers["Location"]
    response = client.post(
        f"{survey_path}/questions", data={"text": "Which?", "kind": "multiple", "options": "A\nB\nC"}
    )
    assert response.status_code == 302
    assert client.post(f"{survey_path}/open").status_code == 302
    page = client.get(survey_path).get_data(as_text=True)
    assert "cannot be changed once sent" in page


def test_a_question_can_be_removed_until_the_survey_opens(people, sign_in, client):
    sign_in(people["coordinator"])
    last_day = (clock.today() + timedelta(days=5)).isoformat()
    survey_path = client.post(
        "/consultations/new", data={"title": "Kick-off", "audience": "all", "deadline_on": last_day}
    ).headers["Location"]
    for text in ("First?", "Second?", "Third?"):
        client.post(f"{survey_path}/questions", data={"text": text, "kind": "text"})
    survey = db.session.scalar(sa.select(Survey))
    second = next(q for q in survey.questions if q.text == "Second?")
    assert client.post(f"{survey_path}/questions/{second.id}/remove").status_code == 302
    db.session.expire_all()
    assert [(q.position, q.text) for q in survey.questions] == [(1, "First?"), (2, "Third?")]
    page = client.get(survey_path).get_data(as_text=True)
    assert "Question removed." in page and "Second?" not in page

    client.post(f"{survey_path}/open")
    first = survey.questions[0]
    client.post(f"{survey_path}/questions/{first.id}/remove")
    db.session.expire_all()
    assert len(survey.questions) == 2, "an open survey keeps its questions"


def test_reminders_go_once_per_offset_to_non_respondents_only(build, respondents, people):
    survey = build(days=10)
    consultations.answer(survey, respondents[0], {questions(survey)["Top priority?"]: ["Data"]})

    def keys():
        return set(
            db.session.scalars(
                sa.select(OutboundMessage.dedupe_key).where(OutboundMessage.purpose == "survey_reminder")
            )
        )

    consultation_mails.send_reminders(survey.deadline_at - timedelta(days=8))
    assert keys() == set()
    week = survey.deadline_at - timedelta(days=6)
    consultation_mails.send_reminders(week)
    consultation_mails.send_reminders(week + timedelta(hours=1))
    first = keys()
    asked = {m.id for m in [*respondents, *[p for p in people.values() if p]]} - {respondents[0].id}
    assert first == {f"survey_reminder:{survey.id}:{member_id}:7" for member_id in asked}
    reminders = sa.select(OutboundMessage).where(OutboundMessage.purpose == "survey_reminder")
    assert {m.status for m in db.session.scalars(reminders)} == {DeliveryStatus.PENDING}
    assert {m.subject for m in db.session.scalars(reminders)} == {"Reminder: Priorità THCS"}
    consultation_mails.send_reminders(survey.deadline_at - timedelta(days=1))
    assert len(keys() - first) == len(asked)
    consultation_mails.send_reminders(survey.deadline_at + timedelta(minutes=1))
    assert len(keys()) == 2 * len(asked)


def test_the_demo_holds_the_kick_off_survey_with_answers_from_several_types_and_regions(demo_loaded, client):
    from nmg_ops.demo.consultations import TITLE
    from nmg_ops.models import Survey

    survey = db.session.scalar(sa.select(Survey).where(Survey.title == TITLE))
    result = consultation_results.results(survey)
    assert result.respondents >= 10
    first = result.questions[0]
    assert len(first.by_stakeholder_type) >= 3 and len(first.by_region) >= 3
    assert sum(first.overall.counts.values()) == result.respondents
    client.post("/sign-in", data={"email": "coordinator@demo.nmg", "password": "a-test-password"})
    page = client.get(f"/consultations/{survey.id}/results").get_data(as_text=True)
    assert "Trasformazione digitale" in page
