"""Layered configuration: defaults, environment file, instance file, then NMG_* environment variables."""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
ENV_PREFIX = "NMG_"
ENVIRONMENTS = ("development", "testing", "production")
# NMG_ENV picks the layer and NMG_INSTANCE_PATH the folder; neither is a setting of the application itself.
_NOT_SETTINGS = {"ENV", "INSTANCE_PATH"}


#: settings that must be a whole number in a range: (key, lowest, highest, what it is)
_WHOLE_NUMBERS = (
    ("ACTION_DIGEST_WEEKDAY", 1, 7, "an ISO weekday, 1 (Monday) to 7 (Sunday)"),
    ("ACTION_DIGEST_HOUR", 0, 23, "an hour of the day, 0 to 23"),
    ("ACTION_DUE_SOON_DAYS", 0, 365, "a number of days from 0 to 365"),
)


class ConfigError(RuntimeError):
    """The configuration cannot run the application; the message says which key and why."""


def environment_name() -> str:
    name = os.environ.get("NMG_ENV", "development")
    if name not in ENVIRONMENTS:
        raise ConfigError(f"NMG_ENV={name!r} is not one of {', '.join(ENVIRONMENTS)}")
    return name


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def _parse_env_value(raw: str) -> Any:
    """Read a variable as a TOML value when it is one (numbers, booleans, lists), else as a string."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _from_environment() -> dict[str, Any]:
    return {
        key[len(ENV_PREFIX) :]: _parse_env_value(value)
        for key, value in os.environ.items()
        if key.startswith(ENV_PREFIX) and key[len(ENV_PREFIX) :] not in _NOT_SETTINGS
    }


def load(environment: str, instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge every layer and derive the settings Flask and its extensions read."""
    settings: dict[str, Any] = {}
    settings.update(_read_toml(CONFIG_DIR / "defaults.toml"))
    settings.update(_read_toml(CONFIG_DIR / f"{environment}.toml"))
    settings.update(_read_toml(instance_path / "nmg.toml"))
    settings.update(_from_environment())
    settings.update(overrides or {})
    settings["ENVIRONMENT"] = environment
    _derive(settings, environment, instance_path)
    return settings


def _derive(settings: dict[str, Any], environment: str, instance_path: Path) -> None:
    try:
        ZoneInfo(str(settings["TIMEZONE"]))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"TIMEZONE={settings['TIMEZONE']!r} is not a known time zone") from exc
    for key, lowest, highest, meaning in _WHOLE_NUMBERS:
        value = settings.get(key)
        # bool is an int to Python; `true` is no weekday.
        if not isinstance(value, int) or isinstance(value, bool) or not lowest <= value <= highest:
            raise ConfigError(f"{key}={value!r} is not {meaning}")

    database_url = str(settings.get("DATABASE_URL") or "")
    secret_key = str(settings.get("SECRET_KEY") or "")
    if environment == "production":
        if len(secret_key) < 32:
            raise ConfigError("production needs SECRET_KEY (NMG_SECRET_KEY) of at least 32 random characters")
        if not database_url:
            raise ConfigError("production needs DATABASE_URL (NMG_DATABASE_URL), an SQLAlchemy URL")
    if not database_url:
        database_url = f"sqlite:///{instance_path / 'nmg_ops.sqlite3'}"
    if not secret_key:
        secret_key = _development_secret(instance_path)

    settings["SQLALCHEMY_DATABASE_URI"] = database_url
    settings["SECRET_KEY"] = secret_key
    settings["BABEL_DEFAULT_LOCALE"] = settings["DEFAULT_LANGUAGE"]
    settings["BABEL_DEFAULT_TIMEZONE"] = settings["TIMEZONE"]
    settings["MAIL_SUPPRESS_SEND"] = False
    settings.setdefault("OUTBOX_DIR", str(instance_path / "outbox"))


def _development_secret(instance_path: Path) -> str:
    """Generate the key once per instance so sessions survive restarts without a secret in the repository."""
    path = instance_path / "secret_key"
    if path.is_file():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
