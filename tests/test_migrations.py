import itertools
import json

import pytest
import sqlalchemy as sa

from nmg_ops import create_app
from nmg_ops.extensions import db

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
