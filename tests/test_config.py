import re

import pytest

from nmg_ops import config, create_app


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    for key in list(__import__("os").environ):
        if key.startswith("NMG_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("NMG_INSTANCE_PATH", str(tmp_path / "instance"))


def test_embedded_default_is_sqlite_in_the_instance_folder_with_a_generated_secret(tmp_path):
    app = create_app()
    instance = tmp_path / "instance"
    assert app.config["ENVIRONMENT"] == "development"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'nmg_ops.sqlite3'}"
    assert app.config["OUTBOX_DIR"] == str(instance / "outbox")
    key_file = instance / "secret_key"
    assert app.config["SECRET_KEY"] == key_file.read_text()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert create_app().config["SECRET_KEY"] == app.config["SECRET_KEY"], "the key survives restarts"


def test_layers_apply_in_order_defaults_file_instance_environment(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "nmg.toml").write_text(
        'TIMEZONE = "Europe/Lisbon"\nMAIL_PORT = 2525\nNMG_SHORT_NAME = "PT NMG"\n'
    )
    monkeypatch.setenv("NMG_MAIL_PORT", "587")
    monkeypatch.setenv("NMG_MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("NMG_MAIL_USE_TLS", "true")
    app = create_app()
    assert app.config["TIMEZONE"] == "Europe/Lisbon"
    assert app.config["NMG_SHORT_NAME"] == "PT NMG"
    assert app.config["MAIL_PORT"] == 587
    assert app.config["MAIL_USE_TLS"] is True
    assert app.config["MAIL_SERVER"] == "smtp.example.org"
    assert app.config["SESSION_COOKIE_SECURE"] is False  # development layer over the defaults


def test_database_url_from_environment(monkeypatch):
    monkeypatch.setenv("NMG_DATABASE_URL", "postgresql+psycopg://nmg@db.example.org/nmg")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://nmg@db.example.org/nmg"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"NMG_DATABASE_URL": "postgresql+psycopg://nmg@db/nmg"}, "SECRET_KEY"),
        ({"NMG_DATABASE_URL": "postgresql+psycopg://nmg@db/nmg", "NMG_SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"NMG_SECRET_KEY": "k" * 40}, "DATABASE_URL"),
    ],
)
def test_production_refuses_to_start_without_secret_and_database(monkeypatch, variables, message):
    monkeypatch.setenv("NMG_ENV", "production")
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(config.ConfigError, match=message):
        create_app()


def test_production_starts_with_both_and_keeps_cookies_secure(monkeypatch):
    monkeypatch.setenv("NMG_ENV", "production")
    monkeypatch.setenv("NMG_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("NMG_DATABASE_URL", "postgresql+psycopg://nmg@db.example.org/nmg")
    monkeypatch.setenv("NMG_PUBLIC_URL", "https://nmg.example.org")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_unknown_time_zone_and_environment_are_named(monkeypatch):
    monkeypatch.setenv("NMG_TIMEZONE", "Europe/Atlantis")
    with pytest.raises(config.ConfigError, match="Europe/Atlantis"):
        create_app()
    monkeypatch.delenv("NMG_TIMEZONE")
    monkeypatch.setenv("NMG_ENV", "staging")
    with pytest.raises(config.ConfigError, match="staging"):
        create_app()


def test_broken_instance_file_is_named(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "nmg.toml").write_text("TIMEZONE = \n")
    with pytest.raises(config.ConfigError, match=r"nmg\.toml"):
        create_app()


@pytest.mark.parametrize(
    ("public_url", "message"),
    [
        (None, "PUBLIC_URL is left at its default"),
        ("http://127.0.0.1:5000", "PUBLIC_URL is left at its default"),
        ("https://localhost:8443", "PUBLIC_URL='https://localhost:8443' names this machine"),
        ("https://127.0.0.2", "names this machine"),
        ("https://[::1]", "names this machine"),
        ("http://nmg.example.org", "PUBLIC_URL='http://nmg.example.org' is not an https address"),
        ("nmg.example.org", "is not an https address"),
    ],
)
def test_production_refuses_to_start_with_a_public_address_no_reader_can_reach(
    monkeypatch, public_url, message
):
    monkeypatch.setenv("NMG_ENV", "production")
    monkeypatch.setenv("NMG_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("NMG_DATABASE_URL", "postgresql+psycopg://nmg@db.example.org/nmg")
    if public_url is not None:
        monkeypatch.setenv("NMG_PUBLIC_URL", public_url)
    with pytest.raises(config.ConfigError, match=re.escape(message)) as refused:
        create_app()
    assert "NMG_PUBLIC_URL" in str(refused.value), "the message names the setting to change"


def test_development_keeps_its_local_public_address(monkeypatch):
    assert create_app().config["PUBLIC_URL"] == "http://127.0.0.1:5000"


def test_sqlite_waits_the_configured_time_for_a_lock_and_a_wrong_value_is_named(monkeypatch):
    monkeypatch.setenv("NMG_SQLITE_BUSY_TIMEOUT_SECONDS", "45")
    app = create_app()
    with app.app_context():
        from nmg_ops.extensions import db

        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 45_000
    monkeypatch.setenv("NMG_SQLITE_BUSY_TIMEOUT_SECONDS", "forever")
    with pytest.raises(config.ConfigError, match="SQLITE_BUSY_TIMEOUT_SECONDS='forever'"):
        create_app()
