"""Building a survey's questions: until it opens, the coordinator writes a question again and moves it up or
down; a 1–5 scale says what its ends mean, on the answer form, the public page and the results."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.governance import consultations
from nmg_ops.models import QuestionKind, Survey, SurveyAudience


@pytest.fixture
def survey_path(people, sign_in, client) -> str:
    sign_in(people["coordinator"])
    last_day = (clock.today() + timedelta(days=5)).isoformat()
    path = client.post(
        "/consultations/new", data={"title": "Kick-off", "audience": "all", "deadline_on": last_day}
    ).headers["Location"]
    for text in ("First?", "Second?", "Third?"):
        assert client.post(f"{path}/questions", data={"text": text, "kind": "text"}).status_code == 302
    return path


def _order(survey: Survey) -> list[tuple[int, str]]:
    db.session.expire_all()
    return [(q.position, q.text) for q in survey.questions]


def test_a_question_is_written_again_and_moved_until_the_survey_opens(client, survey_path):
    survey = db.session.scalar(sa.select(Survey))
    second = next(q for q in survey.questions if q.text == "Second?")
    form = client.get(f"{survey_path}/questions/{second.id}").get_data(as_text=True)
    assert 'value="Second?"' in form
    saved = client.post(
        f"{survey_path}/questions/{second.id}",
        data={
            "text": "How ready is your region?",
            "kind": "scale",
            "scale_low": "Not ready",
            "is_required": "y",
        },
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"#question-{second.id}")
    db.session.expire_all()
    assert (second.kind, second.is_required) == (QuestionKind.SCALE, True)
    assert second.scale_ends == ("Not ready", "Completely")

    assert client.post(f"{survey_path}/questions/{second.id}/move/up").status_code == 302
    assert _order(survey) == [(1, "How ready is your region?"), (2, "First?"), (3, "Third?")]
    client.post(f"{survey_path}/questions/{second.id}/move/up")  # at the top already: it stays
    third = next(q for q in survey.questions if q.text == "Third?")
    client.post(f"{survey_path}/questions/{third.id}/move/up")
    assert _order(survey) == [(1, "How ready is your region?"), (2, "Third?"), (3, "First?")]
    page = client.get(survey_path).get_data(as_text=True)
    assert "Move question 2 up" in page and "Move question 1 up" not in page
    assert "Move question 3 down" not in page and "Edit question 3" in page

    client.post(f"{survey_path}/open")
    refused = client.post(f"{survey_path}/questions/{third.id}", data={"text": "Changed?", "kind": "text"})
    assert refused.status_code == 302
    client.post(f"{survey_path}/questions/{third.id}/move/down")
    assert _order(survey) == [(1, "How ready is your region?"), (2, "Third?"), (3, "First?")]
    assert "its questions can no longer change" in client.get(survey_path).get_data(as_text=True)


def test_a_choice_question_written_again_still_needs_two_choices(client, survey_path):
    survey = db.session.scalar(sa.select(Survey))
    first = survey.questions[0]
    refused = client.post(
        f"{survey_path}/questions/{first.id}",
        data={"text": "Which?", "kind": "single", "options": "Only one"},
    )
    assert refused.status_code == 400
    assert "Give at least two choices, one per line." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert (first.text, first.kind) == ("First?", QuestionKind.TEXT)


def test_a_question_of_another_survey_is_not_found(client, survey_path):
    other = consultations.create_survey(
        consultations.SurveyDraft(
            title="Other",
            description=None,
            audience=SurveyAudience.ALL,
            deadline_at=clock.now() + timedelta(days=3),
            is_anonymous=False,
        )
    )
    question = consultations.add_question(other, consultations.QuestionDraft(QuestionKind.TEXT, "Elsewhere?"))
    assert client.get(f"{survey_path}/questions/{question.id}").status_code == 404
    client.post(f"{survey_path}/questions/{question.id}/move/up")
    db.session.expire_all()
    assert question.position == 1 and question.survey_id == other.id


def test_the_scale_s_ends_are_named_where_people_answer_and_read_results(
    client, survey_path, people, sign_in
):
    survey = db.session.scalar(sa.select(Survey))
    client.post(
        f"{survey_path}/questions",
        data={"text": "How useful is the group?", "kind": "scale", "scale_high": "Indispensable"},
    )
    client.post(f"{survey_path}/open")
    page = client.get(survey_path).get_data(as_text=True)
    radios = re.findall(r'<label[^>]*for="q\d+-\d"[^>]*>\s*([^<]+?)\s*</label>', page)
    assert radios[-5:] == ["1 – Not at all", "2", "3", "4", "5 – Indispensable"]
    scale = survey.questions[-1]
    assert client.post(f"{survey_path}/answer", data={f"q{scale.id}": "5"}).status_code == 302
    results = client.get(f"{survey_path}/results").get_data(as_text=True)
    assert "5 – Indispensable</th>" in results and "1 – Not at all</th>" in results
