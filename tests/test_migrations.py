import itertools
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock, create_app
from nmg_ops.delivery.dispatcher import dispatch
from nmg_ops.extensions import db
from nmg_ops.models import DeliveryStatus, OutboundMessage
from nmg_ops.models.types import UTCDateTime

_names = itertools.count()


@pytest.fixture
def empty_database_url(request, backend, tmp_path):
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    server = request.getfixturevalue("postgresql_server")
    return server.create_database(f"nmg_empty_{next(_names)}")


def test_upgrade_on_an_empty_database_leaves_no_drift(empty_database_url, tmp_path):
    app = create_app(
        {"ENVIRONMENT": "testing", "DATABASE_URL": empty_database_url, "OUTBOX_DIR": str(tmp_path)}
    )
    runner = app.test_cli_runner()
    upgrade = runner.invoke(args=["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output
    check = runner.invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output
    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            codes = set(connection.scalars(sa.text("SELECT code FROM meeting_type")))
        db.engine.dispose()
    assert {"member", "organisation", "coordinator_term", "audit_entry", "working_group"} <= tables
    # The configured meeting types are there from the start: no page has to seed them on first read.
    assert codes == {spec["code"] for spec in app.config["MEETING_TYPES"]}


def test_downgrade_to_base_and_back(empty_database_url, tmp_path):
    app = create_app(
        {"ENVIRONMENT": "testing", "DATABASE_URL": empty_database_url, "OUTBOX_DIR": str(tmp_path)}
    )
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["db", "downgrade", "base"], ["db", "upgrade"], ["db", "check"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output)
    with app.app_context():
        db.engine.dispose()


def test_types_already_there_get_their_names_per_language(empty_database_url, tmp_path):
    """An Italian NMG whose types were seeded with English names before names per language existed."""
    app = create_app(
        {
            "ENVIRONMENT": "testing",
            "DATABASE_URL": empty_database_url,
            "OUTBOX_DIR": str(tmp_path),
            "DEFAULT_LANGUAGE": "it",
        }
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0009"]).exit_code == 0
    with app.app_context():
        with db.engine.begin() as connection:
            rename = sa.text("UPDATE meeting_type SET name = :name WHERE code = :code")
            connection.execute(rename, {"name": "Plenary meeting", "code": "plenary"})
            connection.execute(rename, {"name": "Tematica", "code": "thematic"})
        db.engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT code, name, names FROM meeting_type")).all()
        db.engine.dispose()
    named = {
        code: (name, names if isinstance(names, dict) else json.loads(names)) for code, name, names in rows
    }
    assert named["plenary"] == ("Riunione plenaria", {"it": "Riunione plenaria", "en": "Plenary meeting"})
    assert named["thematic"] == ("Tematica", {"it": "Tematica"}), "a name the coordinator chose stays"


def test_anonymous_answers_given_before_random_ids_are_written_again_in_a_random_order(
    empty_database_url, tmp_path
):
    """Before 0017 answer ids were serial, in the order of answering: the answers keep their content and
    lose that order; a named survey's answers keep their ids."""
    app = create_app(
        {"ENVIRONMENT": "testing", "DATABASE_URL": empty_database_url, "OUTBOX_DIR": str(tmp_path)}
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0015"]).exit_code == 0
    words = [f"answer {n:02d}" for n in range(1, 13)]
    with app.app_context():
        with db.engine.begin() as connection:
            for survey_id, anonymous in ((1, True), (2, False)):
                connection.execute(
                    sa.text(
                        "INSERT INTO survey (id, title, audience, deadline_at, is_anonymous, created_at) "
                        "VALUES (:id, 'Survey', 'all', :at, :anonymous, :at)"
                    ),
                    {"id": survey_id, "at": "2026-12-01 10:00:00+00:00", "anonymous": anonymous},
                )
                connection.execute(
                    sa.text(
                        "INSERT INTO survey_question (id, survey_id, position, kind, text, is_required) "
                        "VALUES (:id, :id, 1, 'text', 'Why?', false)"
                    ),
                    {"id": survey_id},
                )
            for n, word in enumerate(words, start=1):
                survey_id = 1 if n <= 10 else 2
                connection.execute(
                    sa.text(
                        "INSERT INTO survey_response (id, survey_id, stakeholder_type, region) "
                        "VALUES (:id, :survey, 'research', 'Veneto')"
                    ),
                    {"id": 1000 + n, "survey": survey_id},
                )
                connection.execute(
                    sa.text(
                        "INSERT INTO survey_answer (response_id, question_id, value) VALUES (:r, :q, :v)"
                    ),
                    {"r": 1000 + n, "q": survey_id, "v": word},
                )
        db.engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output

    def answers(connection):
        return connection.execute(
            sa.text(
                "SELECT a.id, r.id, r.survey_id, r.stakeholder_type, r.region, a.value FROM survey_answer a "
                "JOIN survey_response r ON r.id = a.response_id ORDER BY a.id"
            )
        ).all()

    with app.app_context():
        with db.engine.connect() as connection:
            after = answers(connection)
        db.engine.dispose()
    anonymous = [row for row in after if row[2] == 1]
    assert sorted(row[5] for row in anonymous) == words[:10]
    assert {row[3:5] for row in anonymous} == {("research", "Veneto")}
    assert [row[5] for row in anonymous] != words[:10], "the answers are no longer in the order given"
    assert not {row[1] for row in anonymous} & set(range(1001, 1011)), "the responses have new ids"
    assert [(row[0], row[1], row[5]) for row in after if row[2] == 2] == [
        (11, 1011, words[10]),
        (12, 1012, words[11]),
    ]

    for args in (["db", "downgrade", "0015"], ["db", "upgrade"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output)
    with app.app_context():
        with db.engine.connect() as connection:
            assert sorted(row[5] for row in answers(connection)) == words
        db.engine.dispose()


def test_ways_of_approval_keep_their_meaning(empty_database_url, tmp_path):
    """Types approved by the next plenary are approved at a later plenary, those of the team by the
    coordinator; minutes approved before say how, from whether a meeting approved them."""
    app = create_app(
        {"ENVIRONMENT": "testing", "DATABASE_URL": empty_database_url, "OUTBOX_DIR": str(tmp_path)}
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0015"]).exit_code == 0
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE meeting_type SET minutes_approval = 'team' WHERE code = 'thematic'")
            )
        db.engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT t.code, t.minutes_approval, a.code FROM meeting_type t "
                    "LEFT JOIN meeting_type a ON a.id = t.minutes_approving_type_id"
                )
            ).all()
            with pytest.raises(sa.exc.IntegrityError):
                connection.execute(sa.text("UPDATE meeting_type SET minutes_approval = 'plenary'"))
        db.engine.dispose()
    ways = {code: (way, approver) for code, way, approver in rows}
    assert ways["plenary"] == ("meeting", "plenary")
    assert ways["thematic"] == ("coordinator", "plenary"), "the coordinator's choice stays"
    assert ways["bilateral"] == ("coordinator", "plenary")


def test_mails_waiting_in_the_outbox_go_as_they_were_queued_after_their_bytes_move(
    empty_database_url, tmp_path
):
    """The upgrade that keeps each message's bytes apart: a mail queued before it is sent byte for byte
    after it, a mail sent before keeps its bytes, and going back down puts them back in the row."""
    outbox = tmp_path / "outbox"
    app = create_app(
        {
            "ENVIRONMENT": "testing",
            "DATABASE_URL": empty_database_url,
            "OUTBOX_DIR": str(outbox),
            "MAIL_SERVER": "",
        }
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0037"]).exit_code == 0
    waiting = b"From: nmg@example.org\r\nTo: anna@example.org\r\nSubject: Plenary\r\n\r\nCiao Anna\r\n"
    insert = sa.text(
        "INSERT INTO outbound_message (purpose, dedupe_key, recipient, subject, message_id, content, status, "
        "attempts, next_attempt_at, created_at) VALUES ('test', :key, 'anna@example.org', 'Plenary', "
        "'<1@example.org>', :content, :status, 0, :at, :at)"
    ).bindparams(sa.bindparam("at", type_=UTCDateTime()))
    with app.app_context():
        at = clock.now() - timedelta(minutes=1)
        with db.engine.begin() as connection:
            connection.execute(insert, {"key": "waiting", "content": waiting, "status": "pending", "at": at})
            connection.execute(insert, {"key": "sent", "content": b"Sent before", "status": "sent", "at": at})
        db.engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert dispatch().sent == 1
        kept = {
            mail.dedupe_key: (mail.status, mail.content)
            for mail in db.session.scalars(sa.select(OutboundMessage))
        }
        db.session.remove()
        db.engine.dispose()
    assert [path.read_bytes() for path in outbox.glob("*.eml")] == [waiting]
    assert kept == {"waiting": (DeliveryStatus.SENT, waiting), "sent": (DeliveryStatus.SENT, b"Sent before")}
    result = runner.invoke(args=["db", "downgrade", "0037"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as connection:
            rows = dict(connection.execute(sa.text("SELECT dedupe_key, content FROM outbound_message")).all())
        db.engine.dispose()
    assert rows == {"waiting": waiting, "sent": b"Sent before"}
