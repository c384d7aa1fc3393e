"""Consultations open to the public: the public page, answers confirmed by mail, one per address, the
brakes on abuse, the retention of unconfirmed answers, withdrawing a confirmed answer, and the results by
capacity and region, on the team's page and published."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.governance import consultation_results, consultations, public_answers
from nmg_ops.governance.consultation_publishing import Publication, publish
from nmg_ops.governance.consultations import QuestionDraft, SurveyDraft
from nmg_ops.models import (
    OutboundMessage,
    PublicAnswer,
    PublicAnswerAttempt,
    PublicAnswerRequest,
    PublicCapacity,
    PublicResponse,
    QuestionKind,
    SurveyAudience,
    SurveyReach,
)
from nmg_ops.scheduler import run_job


@pytest.fixture
def public_survey(app):
    def make(reach: SurveyReach = SurveyReach.PUBLIC, days: int = 10):
        survey = consultations.create_survey(
            SurveyDraft(
                title="Dati sanitari e cittadini",
                description="Tell us how health data should serve care.",
                audience=SurveyAudience.ALL,
                deadline_at=clock.now() + timedelta(days=days),
                is_anonymous=False,
                reach=reach,
            )
        )
        consultations.add_question(
            survey, QuestionDraft(QuestionKind.SINGLE, "Share data for research?", ["Yes", "No"], True)
        )
        consultations.add_question(survey, QuestionDraft(QuestionKind.TEXT, "Why?"))
        consultations.open_survey(survey)
        return survey

    return make


def answer(client, survey, email: str, choice: str = "Yes", remote: str = "198.51.100.7", **fields):
    first, why = (q.id for q in survey.questions)
    data = {
        f"q{first}": choice,
        f"q{why}": "Because.",
        "capacity": "citizen",
        "region": "Veneto",
        "email": email,
        "website": "",
        "shown": public_answers.shown_stamp(survey),
        **fields,
    }
    return client.post(f"/public-consultations/{survey.id}", data=data, environ_base={"REMOTE_ADDR": remote})


def link_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return urlsplit(re.search(r"https?://\S+/public-consultations/confirm/\S+", text)[0]).path


def confirmed(client, outbox, survey, email: str, **fields):
    answer(client, survey, email, **fields)
    link = link_in(outbox()[-1])
    assert "Confirm my answer" in client.get(link).get_data(as_text=True)
    return link, client.post(link)


def counted(survey) -> dict[str, int]:
    first = survey.questions[0].id
    rows = db.session.execute(
        sa.select(PublicAnswer.value, sa.func.count())
        .join(PublicResponse)
        .where(PublicResponse.survey_id == survey.id, PublicAnswer.question_id == first)
        .group_by(PublicAnswer.value)
    )
    return dict(rows.all())


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_public_page_shows_the_introduction_privacy_notice_and_questions_and_the_landing_links_it(
    client, public_survey
):
    survey = public_survey()
    members_only = public_survey(SurveyReach.MEMBERS)
    page = client.get(f"/public-consultations/{survey.id}").get_data(as_text=True)
    assert "Tell us how health data should serve care." in page
    assert "/privacy" in page and "Share data for research?" in page and "Patient or carer" in page
    assert "withdraw a confirmed answer" in page
    assert "Valle d&#39;Aosta" in page
    landing = client.get("/").get_data(as_text=True)
    assert f"/public-consultations/{survey.id}" in landing
    assert f"/public-consultations/{members_only.id}" not in landing
    assert client.get(f"/public-consultations/{members_only.id}").status_code == 404


def test_an_answer_counts_only_once_confirmed_and_a_second_one_replaces_the_first(
    client, outbox, public_survey
):
    survey = public_survey()
    answer(client, survey, "Anna@Example.org", choice="Yes")
    assert counted(survey) == {}, "not counted before confirmation"
    assert db.session.scalar(sa.select(PublicAnswerRequest.email)) == "anna@example.org"

    link, page = confirmed(client, outbox, survey, "anna@example.org", choice="No")
    assert page.status_code == 200 and "now counts" in page.get_data(as_text=True)
    assert counted(survey) == {"No": 1}
    # The first, unconfirmed answer still waits; confirming it later replaces the counted one.
    first_link = link_in(outbox()[0])
    replaced = client.post(first_link).get_data(as_text=True)
    assert "in place of the one you sent before" in replaced
    assert counted(survey) == {"Yes": 1}
    assert count(PublicResponse) == 1
    stored = db.session.execute(sa.select(PublicResponse.__table__)).one()._asdict()
    assert "anna" not in str(stored), "a confirmed answer keeps no address"
    assert count(PublicAnswerRequest) == 0, "the addresses go with their confirmation"

    again = client.post(link)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    assert counted(survey) == {"Yes": 1}


def test_an_expired_or_forged_link_and_a_closed_consultation_are_refused(
    client, outbox, public_survey, monkeypatch
):
    survey = public_survey()
    answer(client, survey, "late@example.org")
    link = link_in(outbox()[-1])
    later = clock.now() + timedelta(days=3)
    monkeypatch.setattr(clock, "now", lambda: later)
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later.timestamp())
    expired = client.post(link)
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    assert client.post(link[:-3] + "abc").status_code == 404
    monkeypatch.undo()

    answer(client, survey, "closing@example.org")
    link = link_in(outbox()[-1])
    survey.deadline_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    closed = client.post(link)
    assert closed.status_code == 410 and "closed" in closed.get_data(as_text=True)
    refused = answer(client, survey, "after@example.org")
    assert refused.status_code == 410 and "closed" in refused.get_data(as_text=True)
    assert count(PublicResponse) == 0


def test_bad_answers_are_refused_with_a_message_and_write_nothing(client, outbox, public_survey, app):
    survey = public_survey()
    first, why = (q.id for q in survey.questions)
    cases = [
        ({f"q{first}": "Maybe"}, "Not a valid choice"),
        ({f"q{why}": "x" * 2001}, "2000"),
        ({"capacity": "alien"}, "Not a valid choice"),
        ({"region": "Atlantis"}, "Not a valid choice"),
        ({"website": "https://spam.example"}, "filled in by a program"),
        ({"shown": "forged"}, "could not be read back"),
    ]
    for fields, message in cases:
        page = answer(client, survey, "bad@example.org", **fields)
        assert page.status_code == 400 and message in page.get_data(as_text=True), fields
    page = answer(client, survey, "not-an-address")
    assert page.status_code == 400 and "not an e-mail address" in page.get_data(as_text=True)
    app.config["PUBLIC_CONSULTATION_MIN_SECONDS"] = 5
    fast = answer(client, survey, "fast@example.org")
    assert fast.status_code == 400 and "too fast" in fast.get_data(as_text=True)
    assert count(PublicAnswerRequest) == count(PublicAnswerAttempt) == 0 and outbox() == []


def test_the_limits_treat_known_and_unknown_addresses_alike_per_address_and_per_network(
    app, client, outbox, public_survey
):
    app.config["PUBLIC_CONSULTATION_MAX_PER_ADDRESS"] = 2
    app.config["PUBLIC_CONSULTATION_MAX_PER_HOUR"] = 5
    survey = public_survey()
    confirmed(client, outbox, survey, "known@example.org", remote="192.0.2.1")
    db.session.execute(sa.delete(PublicAnswerAttempt))
    db.session.commit()
    seen = {}
    for state, email in (("unknown", "new@example.org"), ("known", "known@example.org")):
        before = len(outbox())
        statuses = [
            answer(app.test_client(), survey, email, remote=f"203.0.113.{n}").status_code for n in range(3)
        ]
        seen[state] = (statuses, len(outbox()) - before)
    assert seen["unknown"] == seen["known"] == ([200, 200, 429], 2)

    flood = [answer(app.test_client(), survey, f"p{n}@example.org", remote="198.51.100.9") for n in range(6)]
    assert [page.status_code for page in flood] == [200] * 5 + [429]
    assert "Too many answers" in flood[-1].get_data(as_text=True)
    marks = db.session.scalars(sa.select(PublicAnswerAttempt.address_mark)).all()
    assert all("@" not in mark for mark in marks), "the count names no address"


def test_unconfirmed_answers_are_not_counted_and_are_purged_after_their_retention_period(
    app, client, outbox, public_survey
):
    survey = public_survey()
    answer(client, survey, "never@example.org")
    assert consultation_results.public_results(survey).respondents is None
    assert counted(survey) == {}
    days = int(app.config["RETENTION_UNCONFIRMED_ANSWER_DAYS"])
    run_job("apply_retention", clock.now() + timedelta(days=days - 1))
    assert count(PublicAnswerRequest) == 1, "kept within its period"
    run_job("apply_retention", clock.now() + timedelta(days=days, minutes=1))
    assert count(PublicAnswerRequest) == 0
    assert client.post(link_in(outbox()[-1])).status_code == 410
    notice = client.get("/privacy").get_data(as_text=True)
    assert "Public answers to consultations never confirmed" in notice


def test_results_by_capacity_hide_a_group_under_the_threshold_and_its_complement(
    public_survey, people, sign_in, client
):
    survey = public_survey(SurveyReach.BOTH)
    first = survey.questions[0]
    groups = [(PublicCapacity.CITIZEN, "Veneto")] * 4 + [(PublicCapacity.RESEARCHER, "Veneto")] * 3
    groups += [(PublicCapacity.INDUSTRY, "Lazio")]
    for n, (capacity, region) in enumerate(groups):
        response = PublicResponse(survey_id=survey.id, address_hash=f"h{n}", capacity=capacity, region=region)
        response.answers = [PublicAnswer(question_id=first.id, value="Yes" if n % 2 else "No")]
        db.session.add(response)
    db.session.commit()
    assert consultation_results.public_results(survey).is_withheld, "nothing counted while open"

    survey.deadline_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    result = consultation_results.public_results(survey)
    assert result.respondents == 8
    item = result.questions[0]
    by_capacity = {g.label: g for g in item.by_capacity}
    assert by_capacity["Industry"].is_hidden and by_capacity["Industry"].counts == {}
    # Hiding only the lone industry answer would let 8 - 4 - 3 give it away: the smallest other goes too.
    assert by_capacity["Researcher"].is_hidden
    assert not by_capacity["Citizen"].is_hidden and by_capacity["Citizen"].respondents == 4
    by_region = {g.label: g for g in item.by_region}
    assert by_region["Lazio"].is_hidden and by_region["Veneto"].is_hidden
    assert item.overall.counts == {"Yes": 4, "No": 4}

    sign_in(people["coordination_team"])
    page = client.get(f"/consultations/{survey.id}/results").get_data(as_text=True)
    assert "8 confirmed answers from the public." in page
    assert f'id="public-chart-{first.id}-title"' in page, "the public's overall answers as a chart"
    capacities = page[page.index(f'id="public-capacities-{first.id}"') :]
    capacities = capacities[: capacities.index("</table>")]
    assert "Citizen" in capacities and "Industry" in capacities
    assert capacities.count("Not shown: it would reveal a group") == 2
    csv_text = client.get(f"/consultations/{survey.id}/results.csv").get_data().decode("utf-8-sig")
    assert "Public: capacity,Citizen,4" in csv_text


def withdraw_link_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return urlsplit(re.search(r"https?://\S+/public-consultations/withdraw/\S+", text)[0]).path


def test_a_confirmed_answer_is_withdrawn_by_its_link_once_and_nothing_of_the_address_stays(
    client, outbox, public_survey
):
    survey = public_survey()
    _, thanks = confirmed(client, outbox, survey, "anna@example.org", choice="No")
    link = withdraw_link_in(outbox()[-1])
    assert link in thanks.get_data(as_text=True), "the thank-you page carries the link the mail carries"
    page = client.get(link)
    assert page.status_code == 200 and "Withdraw my answer" in page.get_data(as_text=True)
    assert counted(survey) == {"No": 1}, "opening the link, as a mail scanner does, withdraws nothing"

    done = client.post(link)
    assert done.status_code == 200 and "has been withdrawn" in done.get_data(as_text=True)
    assert counted(survey) == {} and count(PublicResponse) == 0
    sent = [(mail.recipient, mail.content) for mail in db.session.scalars(sa.select(OutboundMessage))]
    assert sent == [(public_answers.WITHDRAWN_RECIPIENT, b"")], "the confirmation mail keeps no address"

    replay = client.post(link)
    assert replay.status_code == 410 and "no answer to withdraw" in replay.get_data(as_text=True)
    confirmed(client, outbox, survey, "anna@example.org", choice="Yes")
    assert counted(survey) == {"Yes": 1}, "a withdrawn answer can be given again"
    assert client.post(link).status_code == 410, "the old link does not withdraw the new answer"
    assert counted(survey) == {"Yes": 1}


def test_a_confirmed_answer_cannot_be_joined_to_its_confirmation_mail_by_one_who_reads_the_database(
    client, outbox, public_survey
):
    survey = public_survey()
    confirmed(client, outbox, survey, "anna@example.org", choice="No")
    kept = db.session.execute(sa.select(PublicResponse)).scalar_one()
    mail = db.session.execute(sa.select(OutboundMessage.recipient, OutboundMessage.dedupe_key)).one()
    assert mail.recipient == "anna@example.org", "the record of mails sent names the address until retention"
    values = {
        str(getattr(kept, column.key))
        for column in PublicResponse.__table__.columns
        if getattr(kept, column.key) is not None
    }
    assert not any(value in mail.dedupe_key for value in values if len(value) >= 8), (
        "no value the answer keeps appears in its confirmation mail's record"
    )


def test_a_forged_replaced_or_late_withdrawal_link_is_refused_and_changes_nothing(
    client, outbox, public_survey
):
    survey = public_survey()
    confirmed(client, outbox, survey, "anna@example.org", choice="Yes")
    first = withdraw_link_in(outbox()[-1])
    confirmed(client, outbox, survey, "anna@example.org", choice="No")
    second = withdraw_link_in(outbox()[-1])
    replaced = client.post(first)
    assert replaced.status_code == 410 and "replaced it" in replaced.get_data(as_text=True)
    forged = client.post(second[:-3] + "abc")
    assert forged.status_code == 404 and "not valid" in forged.get_data(as_text=True)
    assert client.get(first.replace("/withdraw/", "/confirm/")).status_code == 404, "one purpose per link"

    survey.deadline_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    late = client.post(second)
    assert late.status_code == 410 and "closed" in late.get_data(as_text=True)
    assert counted(survey) == {"No": 1}


def _shown_groups(page: str, table_id: str) -> list[tuple[str, str]]:
    table = page[page.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<th scope="row"[^>]*>([^<]*)</th>\s*<td class="text-end">([^<]*)</td>', table)


def assert_no_small_group_told(groups: list[tuple[str, str]], total: int) -> None:
    """No group under the threshold, and the hidden ones not one group that total minus the rest gives."""
    shown = [int(n) for _, n in groups if n not in ("–", "")]
    hidden = [label for label, n in groups if n in ("–", "")]
    assert all(n >= consultation_results.MIN_ANONYMOUS_GROUP for n in shown), groups
    rest = total - sum(shown)
    assert (rest, hidden) == (0, []) or (len(hidden) >= 2 and rest >= 3), groups


def test_published_public_results_show_no_small_group_nor_its_complement_and_members_only_are_not_public(
    public_survey, people, sign_in, client, app
):
    survey = public_survey()
    first, why = survey.questions
    capacities = [PublicCapacity.CITIZEN] * 3 + [PublicCapacity.RESEARCHER] * 3
    capacities += [PublicCapacity.PATIENT_CARER, PublicCapacity.INDUSTRY]
    regions = ["Veneto"] * 4 + ["Lazio"] * 3 + [None]
    for n, (capacity, region) in enumerate(zip(capacities, regions, strict=True)):
        response = PublicResponse(survey_id=survey.id, address_hash=f"h{n}", capacity=capacity, region=region)
        response.answers = [
            PublicAnswer(question_id=first.id, value="Yes" if n % 2 else "No"),
            PublicAnswer(question_id=why.id, value=f"Ask Dr Rossi, {n}"),
        ]
        db.session.add(response)
    survey.deadline_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    publish(survey, Publication(summary="The public wants data shared.", is_public=True))

    visitor = app.test_client()
    page = visitor.get(f"/consultations/{survey.id}/published").get_data(as_text=True)
    assert "8 confirmed answers from the public." in page and "members asked" not in page
    assert f'id="public-chart-{first.id}-title"' in page, "the overall answers of the public as a chart"
    by_capacity = _shown_groups(page, f"public-capacities-{first.id}")
    assert {label for label, _ in by_capacity} == {"Citizen", "Researcher", "Patient or carer", "Industry"}
    assert_no_small_group_told(by_capacity, 8)
    assert sum(n == "–" for _, n in by_capacity) == 3, "two groups of one hide a group of three with them"
    by_region = _shown_groups(page, f"public-regions-{first.id}")
    assert_no_small_group_told(by_region, 8)
    assert ("Veneto", "4") in by_region and ("Lazio", "–") in by_region
    assert "Dr Rossi" not in page and "Free-text answers are not published." in page

    csv_text = visitor.get(f"/consultations/{survey.id}/published.csv").get_data().decode("utf-8-sig")
    assert "Dr Rossi" not in csv_text
    rows = list(csv.reader(io.StringIO(csv_text)))
    for breakdown in ("Public: capacity", "Public: region"):
        groups = {(row[3], row[4] or "–") for row in rows if row[2] == breakdown}
        assert_no_small_group_told(sorted(groups), 8)

    publish(survey, Publication(summary="The public wants data shared.", is_public=False))
    for path in ("published", "published.csv", "published.xlsx"):
        assert visitor.get(f"/consultations/{survey.id}/{path}").status_code == 404
    assert f"/consultations/{survey.id}/published" not in visitor.get("/").get_data(as_text=True)
    sign_in(people["member"])
    members_page = client.get(f"/consultations/{survey.id}/published").get_data(as_text=True)
    assert "members only" in members_page and f'id="public-capacities-{first.id}"' in members_page
