"""People are told at the start: an opened consultation reaches its audience by mail, once, in each
reader's language, and waits on their start page until they answer."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.governance import consultation_mails, consultations
from nmg_ops.models import OutboundMessage, QuestionKind, SurveyAudience
from tests.test_start_page_todo import todo


def _built_survey(days: int = 10):
    survey = consultations.create_survey(
        consultations.SurveyDraft(
            title="Priorità 2031",
            description="Five minutes, no more.",
            audience=SurveyAudience.ALL,
            deadline_at=clock.now() + timedelta(days=days),
            is_anonymous=False,
        )
    )
    consultations.add_question(survey, consultations.QuestionDraft(QuestionKind.TEXT, "Why?"))
    return survey


def test_opening_a_consultation_mails_its_audience_once_and_shows_it_on_their_start_page(
    app, client, runner, people, make_member, sign_in, outbox
):
    italian = make_member(email="lucia@example.org", full_name="Lucia Rossi", language="it")
    survey = _built_survey()
    sign_in(people["coordinator"])
    assert client.post(f"/consultations/{survey.id}/open").status_code == 302
    for _run in range(2):
        assert runner.invoke(args=["tick"]).exit_code == 0

    mails = [m for m in outbox() if "Priorità 2031" in m["Subject"]]
    audience = [*(p for p in people.values() if p), italian]
    assert sorted(m["To"].addresses[0].addr_spec for m in mails) == sorted(p.email for p in audience)
    to_lucia = next(m for m in mails if "lucia@example.org" in m["To"])
    assert to_lucia["Subject"] == "Nuovo questionario: Priorità 2031"
    assert f"/consultations/{survey.id}" in to_lucia.get_body(("plain",)).get_content()
    to_paolo = next(m for m in mails if "plain@example.org" in m["To"])
    assert to_paolo["Subject"] == "New survey: Priorità 2031"

    client.post("/sign-out")
    sign_in(people["member"])
    assert f"/consultations/{survey.id}" in todo(client.get("/").get_data(as_text=True))["survey-to-answer"]


def test_a_member_who_joins_the_audience_later_is_told_by_the_next_run(app, people, make_member):
    survey = _built_survey()
    consultations.open_survey(survey)
    newcomer = make_member(email="new@example.org")
    consultation_mails.send_reminders(clock.now())
    consultation_mails.send_reminders(clock.now() + timedelta(minutes=15))
    keys = set(
        db.session.scalars(
            sa.select(OutboundMessage.dedupe_key).where(OutboundMessage.recipient == newcomer.email)
        )
    )
    assert keys == {f"survey_opened:{survey.id}:{newcomer.id}"}


def test_a_short_survey_is_announced_at_once_and_reminded_only_two_days_before(app, people):
    survey = _built_survey(days=5)
    consultations.open_survey(survey)
    member = people["member"]

    def purposes(now):
        consultation_mails.send_reminders(now)
        return list(
            db.session.scalars(
                sa.select(OutboundMessage.dedupe_key)
                .where(OutboundMessage.recipient == member.email)
                .order_by(OutboundMessage.id)
            )
        )

    assert purposes(clock.now() + timedelta(minutes=1)) == [f"survey_opened:{survey.id}:{member.id}"]
    assert purposes(survey.deadline_at - timedelta(days=2)) == [
        f"survey_opened:{survey.id}:{member.id}",
        f"survey_reminder:{survey.id}:{member.id}:2",
    ]
