"""A visitor answers a consultation open to the public from the home page, without an account, confirms
by the link mailed to them (received by a real SMTP server), and their answer counts once; a second
confirmed answer replaces it, and the link mailed with it withdraws it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.governance import consultations
from nmg_ops.governance.consultations import QuestionDraft, SurveyDraft
from nmg_ops.models import PublicAnswer, PublicResponse, QuestionKind, SurveyAudience, SurveyReach
from tests.browser.mailbox import path_of, wait_for_mail

pytestmark = [pytest.mark.browser, pytest.mark.smtp]

TITLE = "Health data and integrated care"


@pytest.fixture
def public_consultation(live_server) -> None:
    with live_server.app.app_context():
        survey = consultations.create_survey(
            SurveyDraft(
                title=TITLE,
                description="Tell us how health data should serve care.",
                audience=SurveyAudience.ALL,
                deadline_at=clock.now() + timedelta(days=14),
                is_anonymous=False,
                reach=SurveyReach.PUBLIC,
            )
        )
        consultations.add_question(
            survey, QuestionDraft(QuestionKind.SINGLE, "Share data for research?", ["Yes", "No"], True)
        )
        consultations.open_survey(survey)


def _counted(live_server) -> list[str]:
    with live_server.app.app_context():
        return list(db.session.scalars(sa.select(PublicAnswer.value).join(PublicResponse)))


def _answer_and_confirm(page, live_server, choice: str, mails: int) -> tuple[str, str]:
    """Answer from the home page and confirm from the mail; the confirmation and withdrawal links."""
    page.goto("/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("Tell us how health data should serve care.")).to_be_visible()
    expect(page.get_by_role("link", name="Privacy notice")).to_be_visible()
    page.get_by_role("group", name="Share data for research?").get_by_label(choice, exact=True).check()
    page.get_by_role("group", name="You answer as").get_by_label("Patient or carer").check()
    page.get_by_label("Your region").select_option("Veneto")
    page.get_by_label("Your e-mail address").fill("visitor@example.org")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
    assert _counted(live_server) == ([] if mails == 1 else ["Yes"]), "nothing counts before confirmation"

    text = wait_for_mail(live_server, "visitor@example.org", count=mails).get_body(("plain",)).get_content()
    link = path_of(re.search(r"https?://\S+/public-consultations/confirm/\S+", text)[0])
    page.goto(link)
    page.get_by_role("button", name="Confirm my answer").click()
    expect(page.get_by_role("heading", name="Answer confirmed")).to_be_visible()
    return link, path_of(re.search(r"https?://\S+/public-consultations/withdraw/\S+", text)[0])


def test_a_visitor_answers_confirms_by_mail_and_a_second_answer_replaces_the_first(
    browser_page, live_server, public_consultation
):
    page = browser_page
    link, _ = _answer_and_confirm(page, live_server, "Yes", mails=1)
    assert _counted(live_server) == ["Yes"]
    sent = live_server.sink.handler.count_for("visitor@example.org")
    assert sent == 1, "the mail went through the SMTP server"

    page.goto(link)
    expect(page.locator("#link-problem")).to_contain_text("already been used")
    assert _counted(live_server) == ["Yes"], "a second use of the link counts nothing"

    _, withdraw = _answer_and_confirm(page, live_server, "No", mails=2)
    expect(page.locator("#answer-confirmed")).to_contain_text("in place of the one you sent before")
    assert _counted(live_server) == ["No"]

    page.goto(withdraw)
    page.get_by_role("button", name="Withdraw my answer").click()
    expect(page.get_by_role("heading", name="Answer withdrawn")).to_be_visible()
    assert _counted(live_server) == []
