"""Public consultations through the read API: what the public answers, with its page while it is open,
and results published to anyone; never a consultation of the members alone or results kept for them."""

from __future__ import annotations

from datetime import timedelta

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.governance.consultation_publishing import Publication, publish
from nmg_ops.models import SurveyReach
from tests.fixtures.consultations import open_survey, published_survey


def test_the_public_finds_open_consultations_and_published_results(client):
    public = open_survey(SurveyReach.PUBLIC)
    members_only = open_survey(SurveyReach.MEMBERS)
    results = published_survey()
    kept = open_survey(SurveyReach.MEMBERS)
    kept.deadline_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    publish(kept, Publication("For us only.", is_public=False))

    items = {item["id"]: item for item in client.get("/api/v1/consultations").get_json()["items"]}
    assert set(items) == {public.id, results.id}
    assert members_only.id not in items and kept.id not in items
    assert items[public.id]["is_open"] is True
    assert items[public.id]["page_url"].endswith(f"/public-consultations/{public.id}")
    assert items[public.id]["results_url"] is None
    assert items[results.id]["results_url"].endswith(f"/consultations/{results.id}/published")
    assert items[results.id]["page_url"] is None
    # Both links open without an account.
    visitor = client.application.test_client()
    assert visitor.get(f"/public-consultations/{public.id}").status_code == 200
    assert visitor.get(f"/consultations/{results.id}/published").status_code == 200


def test_a_closed_public_consultation_no_longer_offers_its_page(client):
    survey = open_survey(SurveyReach.BOTH)
    survey.deadline_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    (item,) = client.get("/api/v1/consultations").get_json()["items"]
    assert (item["id"], item["is_open"], item["page_url"], item["results_url"]) == (
        survey.id,
        False,
        None,
        None,
    )
