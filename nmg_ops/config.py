"""Layered configuration: defaults, environment file, instance file, then NMG_* environment variables."""

from __future__ import annotations

import ipaddress
import os
import secrets
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_DIR = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_DIR / "config"
ENV_PREFIX = "NMG_"
ENVIRONMENTS = ("development", "testing", "production")
# NMG_ENV picks the layer and NMG_INSTANCE_PATH the folder; neither is a setting of the application itself.
_NOT_SETTINGS = {"ENV", "INSTANCE_PATH"}


#: settings that must be a whole number in a range: (key, lowest, highest, what it is)
_WHOLE_NUMBERS = (
    ("ACTION_DIGEST_WEEKDAY", 1, 7, "an ISO weekday, 1 (Monday) to 7 (Sunday)"),
    ("ACTION_DIGEST_HOUR", 0, 23, "an hour of the day, 0 to 23"),
    ("ACTION_DUE_SOON_DAYS", 0, 365, "a number of days from 0 to 365"),
    ("ROTATION_SKIP_RECENT_TERMS", 0, 50, "a number of terms from 0 to 50"),
    ("CALENDAR_MAILBOX_PORT", 0, 65535, "a port number, or 0 for the usual one"),
    ("CALENDAR_MAILBOX_MAX_BYTES", 10_240, 104_857_600, "a size in bytes from 10240 to 104857600"),
    ("CALENDAR_MAILBOX_TIMEOUT_SECONDS", 1, 600, "a number of seconds from 1 to 600"),
    ("DOCUMENT_MAX_BYTES", 1024, 1_073_741_824, "a size in bytes from 1024 to 1073741824"),
    ("NEWS_DRAFT_DAY", 1, 28, "a day of the month from 1 to 28"),
    ("NEWS_CONFIRM_DAYS", 1, 60, "a number of days from 1 to 60"),
    ("NEWS_PURGE_UNCONFIRMED_DAYS", 1, 365, "a number of days from 1 to 365"),
    ("NEWS_SUBSCRIBE_MAX_PER_HOUR", 1, 1000, "a number of requests from 1 to 1000"),
    ("NEWS_CONFIRM_MAX_PER_ADDRESS", 1, 100, "a number of mails from 1 to 100"),
    ("PUBLIC_CONSULTATION_CONFIRM_DAYS", 1, 60, "a number of days from 1 to 60"),
    ("PUBLIC_CONSULTATION_MAX_PER_HOUR", 1, 1000, "a number of answers from 1 to 1000"),
    ("PUBLIC_CONSULTATION_MAX_PER_ADDRESS", 1, 100, "a number of mails from 1 to 100"),
    ("PUBLIC_CONSULTATION_MIN_SECONDS", 0, 600, "a number of seconds from 0 to 600"),
    ("RETENTION_UNCONFIRMED_ANSWER_DAYS", 1, 365, "a number of days from 1 to 365"),
    ("NEWS_TEST_MAX_PER_ADDRESS", 1, 100, "a number of mails from 1 to 100"),
    ("RETENTION_MAIL_BODY_DAYS", 1, 3650, "a number of days from 1 to 3650"),
    ("RETENTION_OUTBOX_DAYS", 30, 3650, "a number of days from 30 to 3650"),
    ("RETENTION_SIGN_IN_DAYS", 1, 3650, "a number of days from 1 to 3650"),
    ("RETENTION_AUDIT_DAYS", 30, 36500, "a number of days from 30 to 36500"),
    ("RETENTION_CALENDAR_REPLY_DAYS", 1, 3650, "a number of days from 1 to 3650"),
    ("RETENTION_FORMER_MEMBER_DAYS", 0, 3650, "a number of days from 0 to 3650"),
    ("RETENTION_GUEST_DAYS", 1, 3650, "a number of days from 1 to 3650"),
)
#: settings that are secrets: read from the environment or the instance file, never from the repository
_SECRETS_OUTSIDE_REPOSITORY = ("CALENDAR_MAILBOX_PASSWORD", "DOCUMENTS_S3_SECRET_ACCESS_KEY")
_MAILBOX_TLS_MODES = ("ssl", "starttls", "none")


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
    for path in (CONFIG_DIR / "defaults.toml", CONFIG_DIR / f"{environment}.toml"):
        layer = _read_toml(path)
        for key in _SECRETS_OUTSIDE_REPOSITORY:
            if layer.get(key):
                raise ConfigError(
                    f"{path.name}: {key} is a secret; set it in {ENV_PREFIX}{key} or instance/nmg.toml"
                )
        settings.update(layer)
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
    warnings = settings.get("ROTATION_WARNING_DAYS")
    if not isinstance(warnings, list) or not all(
        isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 365 for days in warnings
    ):
        raise ConfigError(f"ROTATION_WARNING_DAYS={warnings!r} is not a list of days from 1 to 365")

    _check_calendar_mailbox(settings, environment)
    _name_meeting_types(settings)

    database_url = str(settings.get("DATABASE_URL") or "")
    secret_key = str(settings.get("SECRET_KEY") or "")
    if environment == "production":
        if len(secret_key) < 32:
            raise ConfigError("production needs SECRET_KEY (NMG_SECRET_KEY) of at least 32 random characters")
        if not database_url:
            raise ConfigError("production needs DATABASE_URL (NMG_DATABASE_URL), an SQLAlchemy URL")
        _check_public_url(str(settings.get("PUBLIC_URL") or ""))
    if not database_url:
        database_url = f"sqlite:///{instance_path / 'nmg_ops.sqlite3'}"
    if not secret_key:
        secret_key = _development_secret(instance_path)

    settings["SQLALCHEMY_DATABASE_URI"] = database_url
    if database_url.startswith("sqlite"):
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": _busy_timeout(settings)}}
    settings["SECRET_KEY"] = secret_key
    settings["BABEL_DEFAULT_LOCALE"] = settings["DEFAULT_LANGUAGE"]
    settings["BABEL_DEFAULT_TIMEZONE"] = settings["TIMEZONE"]
    settings["MAIL_SUPPRESS_SEND"] = False
    settings.setdefault("OUTBOX_DIR", str(instance_path / "outbox"))
    settings["DOCUMENTS_DIR"] = str(settings.get("DOCUMENTS_DIR") or instance_path / "documents")
    partnership_dir = Path(str(settings.get("PARTNERSHIP_DIR") or instance_path / "partnership"))
    settings["PARTNERSHIP_DIR"] = str(
        partnership_dir if partnership_dir.is_absolute() else PROJECT_DIR / partnership_dir
    )
    settings.setdefault("DOCUMENTS_S3_SECRET_ACCESS_KEY", "")


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _check_public_url(url: str) -> None:
    """Every link in every mail starts with PUBLIC_URL: in production it must be the site's own https
    address, which a reader's mail app can reach."""
    fix = "set PUBLIC_URL (NMG_PUBLIC_URL) to the site's https address, such as https://nmg.example.org"
    default = _read_toml(CONFIG_DIR / "defaults.toml").get("PUBLIC_URL")
    if not url or url == default:
        raise ConfigError(
            f"PUBLIC_URL is left at its default {default!r}, where no mail reader arrives; {fix}"
        )
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ConfigError(f"PUBLIC_URL={url!r} is not an https address; {fix}")
    if _is_loopback(parts.hostname):
        raise ConfigError(f"PUBLIC_URL={url!r} names this machine, where no mail reader arrives; {fix}")


def _busy_timeout(settings: dict[str, Any]) -> float:
    value = settings.get("SQLITE_BUSY_TIMEOUT_SECONDS")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 3600:
        raise ConfigError(f"SQLITE_BUSY_TIMEOUT_SECONDS={value!r} is not a number of seconds from 0 to 3600")
    return float(value)


def _check_calendar_mailbox(settings: dict[str, Any], environment: str) -> None:
    """A configured mailbox must be readable: a host, a user and a password, a known TLS mode, and two
    distinct folders besides the inbox. Without an address none of it is needed."""
    tls = str(settings.get("CALENDAR_MAILBOX_TLS", "ssl")).lower()
    if tls not in _MAILBOX_TLS_MODES:
        raise ConfigError(f"CALENDAR_MAILBOX_TLS={tls!r} is not one of {', '.join(_MAILBOX_TLS_MODES)}")
    settings["CALENDAR_MAILBOX_TLS"] = tls
    settings.setdefault("CALENDAR_MAILBOX_PASSWORD", "")
    address = str(settings.get("CALENDAR_MAILBOX_ADDRESS") or "").strip()
    settings["CALENDAR_MAILBOX_ADDRESS"] = address
    if not address:
        return
    if address.count("@") != 1 or any(c.isspace() or c in "<>," for c in address):
        raise ConfigError(f"CALENDAR_MAILBOX_ADDRESS={address!r} is not a plain e-mail address")
    for key in ("CALENDAR_MAILBOX_HOST", "CALENDAR_MAILBOX_USER", "CALENDAR_MAILBOX_PASSWORD"):
        if not str(settings.get(key) or ""):
            raise ConfigError(f"CALENDAR_MAILBOX_ADDRESS is set, so {key} ({ENV_PREFIX}{key}) is needed too")
    folders = [
        str(settings.get("CALENDAR_MAILBOX_PROCESSED_FOLDER") or ""),
        str(settings.get("CALENDAR_MAILBOX_UNPROCESSED_FOLDER") or ""),
    ]
    # IMAP writes other names in modified UTF-7; plain ASCII names need no encoding.
    plain = all(f.isascii() and f.isprintable() and '"' not in f for f in folders)
    if not all(folders) or not plain or len({"INBOX", *(f.upper() for f in folders)}) != 3:
        raise ConfigError(
            "CALENDAR_MAILBOX_PROCESSED_FOLDER and CALENDAR_MAILBOX_UNPROCESSED_FOLDER must be two "
            "different folders named in plain ASCII, neither of them INBOX"
        )
    local = str(settings["CALENDAR_MAILBOX_HOST"]) in {"localhost", "127.0.0.1", "::1"}
    if environment == "production" and tls == "none" and not local:
        raise ConfigError(
            "CALENDAR_MAILBOX_TLS=none would send the mailbox password in clear; "
            "use ssl or starttls for a mailbox on another machine"
        )


#: the ways minutes are approved (models.MinutesApproval), and the names an older configuration used
APPROVALS = ("meeting", "written", "coordinator")
FORMER_APPROVALS = {"plenary": "meeting", "team": "coordinator"}


def _name_meeting_types(settings: dict[str, Any]) -> None:
    """Each configured type gets `names` (language code to name) and `name`, its name in the NMG's
    default language: a type given only `names` is named from them, one given only `name` keeps it."""
    default = str(settings["DEFAULT_LANGUAGE"])
    for spec in settings.get("MEETING_TYPES", []):
        names = spec.get("names") or {}
        if not isinstance(names, dict) or not all(
            isinstance(code, str) and isinstance(name, str) and name.strip() for code, name in names.items()
        ):
            raise ConfigError(f'MEETING_TYPES {spec.get("code")!r}: names is a table of language = "name"')
        name = names.get(default) or spec.get("name") or next(iter(names.values()), "")
        if not name:
            raise ConfigError(f"MEETING_TYPES {spec.get('code')!r} needs a name, or names per language")
        spec["names"] = {**names, default: names.get(default, name)}
        spec["name"] = name
        approval = spec.get("minutes_approval", "meeting")
        spec["minutes_approval"] = FORMER_APPROVALS.get(approval, approval)
        if spec["minutes_approval"] not in APPROVALS:
            raise ConfigError(
                f"MEETING_TYPES {spec.get('code')!r}: minutes_approval is one of {', '.join(APPROVALS)}"
            )


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
