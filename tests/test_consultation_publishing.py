"""Published consultation results: the coordinator publishes a closed survey's results with a summary, to
the members or to anyone, after a second look; the page and its downloads hide small groups and free texts;
unpublished and members-only results are not there for visitors; the e-news draft links to public ones."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.governance import consultations
from nmg_ops.governance.consultation_publishing import Publication, PublishingError, publish
from nmg_ops.i18n import format_until
from nmg_ops.models import (
    AuditEntry,
    NewsSectionKind,
    QuestionKind,
    StakeholderType,
    Survey,
    SurveyAudience,
    SurveyReach,
)
from nmg_ops.news import drafting

CONFIRMED = {"confirmed": "yes"}
SUMMARY = "Data comes **first**. <script>alert(1)</script>"


@pytest.fixture
def survey(app, make_member, make_org) -> Survey:
    """A named survey answered by three ministry members in Veneto and one research member in Tuscany:
    Tuscany and the research group are a group of one."""
    ministry = make_org(name="Ministero", stakeholder_type=StakeholderType.MINISTRY)
    research = make_org(name="Università", stakeholder_type=StakeholderType.RESEARCH)
    people = [make_member(organisation=ministry, region="Veneto") for _ in range(3)]
    people.append(make_member(organisation=research, region="Toscana"))
    made = consultations.create_survey(
        consultations.SurveyDraft(
            title="Priorità THCS",
            description=None,
            audience=SurveyAudience.ALL,
            deadline_at=clock.now() + timedelta(days=3),
            is_anonymous=False,
        )
    )
    consultations.add_question(
        made, consultations.QuestionDraft(QuestionKind.SINGLE, "Top?", ["Data", "Care"])
    )
    consultations.add_question(made, consultations.QuestionDraft(QuestionKind.TEXT, "Barriers?"))
    consultations.open_survey(made)
    top, barriers = (q.id for q in made.questions)
    for person, choice in zip(people, ["Data", "Data", "Care", "Care"], strict=True):
        consultations.answer(made, person, {top: [choice], barriers: [f"Ask Dr Rossi about {choice}"]})
    return made


def close(survey: Survey) -> None:
    survey.deadline_at = clock.now() - timedelta(minutes=1)
    db.session.commit()


def visitor(app):
    return app.test_client()


def test_a_draft_or_open_survey_cannot_be_published(survey, people, sign_in, client):
    draft = consultations.create_survey(
        consultations.SurveyDraft("Draft", None, SurveyAudience.ALL, clock.now() + timedelta(days=3), False)
    )
    for unfinished in (draft, survey):
        with pytest.raises(PublishingError):
            publish(unfinished, Publication("Too early", is_public=True))
    sign_in(people["coordinator"])
    response = client.post(
        f"/consultations/{survey.id}/publish", data={"summary": "Early", "readers": "public", **CONFIRMED}
    )
    assert response.status_code == 302
    db.session.refresh(survey)
    assert survey.results_published_at is None
    assert 'id="publication"' not in client.get(f"/consultations/{survey.id}/results").get_data(as_text=True)


def test_publishing_asks_once_then_publishes_to_anyone_with_a_safe_summary(
    app, survey, people, sign_in, client
):
    close(survey)
    sign_in(people["coordinator"])
    fields = {"summary": SUMMARY, "readers": "public"}
    second_look = client.post(f"/consultations/{survey.id}/publish", data=fields)
    assert second_look.status_code == 200
    assert "Anyone reads the results page" in second_look.get_data(as_text=True)
    db.session.refresh(survey)
    assert survey.results_published_at is None, "the first post changes nothing"

    response = client.post(f"/consultations/{survey.id}/publish", data={**fields, **CONFIRMED})
    assert response.headers["Location"] == f"/consultations/{survey.id}/published"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.subject_type == "consultation"))
    assert entry.action == "published" and entry.actor_id == people["coordinator"].id
    assert entry.changes["published"] == [None, "public"]

    page = visitor(app).get(f"/consultations/{survey.id}/published")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<strong>first</strong>" in html and "<script>alert" not in html
    landing = visitor(app).get("/").get_data(as_text=True)
    assert f'href="/consultations/{survey.id}/published"' in landing


def test_published_results_show_no_small_group_nor_its_complement_nor_free_text(app, survey):
    close(survey)
    publish(survey, Publication("Summary", is_public=True))
    html = visitor(app).get(f"/consultations/{survey.id}/published").get_data(as_text=True)
    # The team's own page of a named survey shows every group; the published page shows none here: each
    # breakdown has a group of one, and the other group would give it away as the total minus itself.
    assert html.count("Not shown: it would reveal a group of fewer than 3 respondents.") == 4
    assert "Dr Rossi" not in html and "Free-text answers are not published." in html

    rows = list(csv.reader(io.StringIO(visitor(app).get(f"/consultations/{survey.id}/published.csv").text)))
    by_group = [row for row in rows[1:] if row[2] != "Overall"]
    assert by_group and all(row[4] == "" and row[6] == "" for row in by_group)
    assert not any("Dr Rossi" in cell for row in rows for cell in row)
    book = load_workbook(io.BytesIO(visitor(app).get(f"/consultations/{survey.id}/published.xlsx").data))
    cells = [cell for row in book.active.iter_rows(values_only=True) for cell in row]
    assert "Toscana" in cells and not any("Dr Rossi" in str(cell) for cell in cells)


def test_groups_of_three_or_more_are_shown_on_the_published_page(app, survey, make_member, make_org):
    research = make_org(name="Politecnico", stakeholder_type=StakeholderType.RESEARCH)
    top = survey.questions[0].id
    for _ in range(2):
        consultations.answer(survey, make_member(organisation=research, region="Toscana"), {top: ["Data"]})
    close(survey)
    publish(survey, Publication("Summary", is_public=True))
    rows = list(csv.reader(io.StringIO(visitor(app).get(f"/consultations/{survey.id}/published.csv").text)))
    counted = {(row[2], row[3], row[5]): row[6] for row in rows[1:] if row[1] == "Top?"}
    assert counted[("Region", "Toscana", "Data")] == "2"
    assert counted[("Region", "Veneto", "Care")] == "1"
    assert counted[("Overall", "All respondents", "Data")] == "4"


def test_results_for_members_are_not_public_nor_their_downloads(app, survey, people, sign_in, client):
    close(survey)
    publish(survey, Publication("For us", is_public=False))
    for path in ("", ".csv", ".xlsx"):
        assert visitor(app).get(f"/consultations/{survey.id}/published{path}").status_code == 404
    assert f"/consultations/{survey.id}/published" not in visitor(app).get("/").get_data(as_text=True)
    sign_in(people["member"])
    survey_page = client.get(f"/consultations/{survey.id}").get_data(as_text=True)
    assert f'href="/consultations/{survey.id}/published"' in survey_page
    assert "For us" in client.get(f"/consultations/{survey.id}/published").get_data(as_text=True)
    assert client.get(f"/consultations/{survey.id}/published.csv").status_code == 200


def test_taken_back_results_are_reachable_by_nobody(app, survey, people, sign_in, client):
    close(survey)
    publish(survey, Publication("Summary", is_public=True))
    sign_in(people["coordinator"])
    assert client.post(f"/consultations/{survey.id}/unpublish").status_code == 200
    assert visitor(app).get(f"/consultations/{survey.id}/published").status_code == 200
    client.post(f"/consultations/{survey.id}/unpublish", data=CONFIRMED)
    for path in ("", ".csv", ".xlsx"):
        assert visitor(app).get(f"/consultations/{survey.id}/published{path}").status_code == 404
        assert client.get(f"/consultations/{survey.id}/published{path}").status_code == 404
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["published", "unpublished"]
    db.session.refresh(survey)
    assert survey.results_summary == "Summary", "kept for a later publication"


def test_a_publication_without_summary_is_refused_on_the_form(survey, people, sign_in, client):
    close(survey)
    sign_in(people["coordinator"])
    response = client.post(f"/consultations/{survey.id}/publish", data={"summary": " ", "readers": "public"})
    assert response.status_code == 400
    assert 'id="summary-error"' in response.get_data(as_text=True)
    db.session.refresh(survey)
    assert survey.results_published_at is None


def test_the_e_news_draft_links_results_published_to_anyone(app, survey):
    close(survey)
    publish(survey, Publication("Data comes **first** for " + "most members " * 40, is_public=True))
    kept = consultations.create_survey(
        consultations.SurveyDraft(
            "Internal poll", None, SurveyAudience.ALL, clock.now() + timedelta(days=1), False
        )
    )
    consultations.add_question(kept, consultations.QuestionDraft(QuestionKind.SCALE, "How?"))
    consultations.open_survey(kept)
    close(kept)
    publish(kept, Publication("Only for us", is_public=False))

    issue = drafting.draft_issue(drafting.first_of_next_month(clock.local(clock.now()).date()))
    (section,) = [s for s in issue.sections if s.kind is NewsSectionKind.RESULTS]
    assert not section.members_only
    base = app.config["PUBLIC_URL"].rstrip("/")
    assert section.body.startswith(f"- [Priorità THCS]({base}/consultations/{survey.id}/published): ")
    assert "Data comes first for most members" in section.body and section.body.endswith("…")
    assert len(section.body) < 400
    assert "Internal poll" not in section.body


@pytest.mark.parametrize(
    "fields",
    [
        {"summary": "x" * 4001, "readers": "public"},
        {"summary": "Fine", "readers": "everyone"},
        {"summary": "Fine\x00", "readers": "public", **CONFIRMED},
        {},
    ],
)
def test_a_bad_publication_is_refused_with_a_message_and_publishes_nothing(
    survey, people, sign_in, client, fields
):
    close(survey)
    sign_in(people["coordinator"])
    response = client.post(f"/consultations/{survey.id}/publish", data=fields)
    assert response.status_code == 400 and response.get_data(as_text=True).strip()
    db.session.refresh(survey)
    assert survey.results_published_at is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_the_e_news_draft_invites_the_public_to_consultations_still_open(app):
    month = drafting.first_of_next_month(clock.local(clock.now()).date())
    issue_out = clock.from_local(month, time(0, 0))

    def opened(title: str, reach: SurveyReach, deadline: datetime) -> Survey:
        draft = consultations.SurveyDraft(title, None, SurveyAudience.ALL, deadline, False, reach=reach)
        survey = consultations.create_survey(draft)
        consultations.add_question(survey, consultations.QuestionDraft(QuestionKind.TEXT, "Why?"))
        consultations.open_survey(survey)
        return survey

    to_answer = opened("Data for research", SurveyReach.PUBLIC, issue_out + timedelta(days=20))
    opened("Members' priorities", SurveyReach.MEMBERS, issue_out + timedelta(days=20))
    opened("Over before the issue", SurveyReach.BOTH, issue_out - timedelta(hours=1))
    issue = drafting.draft_issue(month)
    (calls,) = [s for s in issue.sections if s.kind is NewsSectionKind.CALLS]
    base = app.config["PUBLIC_URL"].rstrip("/")
    last_day = format_until(clock.local(to_answer.deadline_at), rebase=False)
    link = f"{base}/public-consultations/{to_answer.id}"
    assert calls.body == f"- [Data for research]({link}): answers until {last_day}"
    assert not calls.members_only
