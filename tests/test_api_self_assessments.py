"""The published self-assessments through the read API: the years the coordinator published, each leading
to its document, which validates against the schema the answer names; a year taken back is gone."""

from __future__ import annotations

import jsonschema

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.governance.self_assessment import publishing


def test_a_program_finds_the_published_years_and_reads_each_document(client, people):
    year = clock.today().year
    assert client.get("/api/v1/self-assessments").get_json()["items"] == []
    publishing.publish(year, people["coordinator"])
    db.session.commit()
    (item,) = client.get("/api/v1/self-assessments").get_json()["items"]
    assert item["year"] == year
    document = client.get(item["url"]).get_json()
    schema = client.get(item["schema_url"]).get_json()
    jsonschema.validate(document, schema)
    assert document["year"] == year

    publishing.unpublish(year)
    db.session.commit()
    assert client.get("/api/v1/self-assessments").get_json()["items"] == []
    assert client.get(item["url"]).status_code == 404
