"""Language choice: the member's preference, else the visitor's own choice, else the language the page's
subject was asked in, else the browser's, else the NMG's default; and dates and times as people write
them in that language.

Babel's "medium" and "full" date-times carry seconds ("10:00:00"), which nobody writes for a meeting.
`format_datetime` is the one used by pages and mails: the time to the minute, the date with its month
in words ("7 Dec 2026", "7 dic 2026") or, for "long" and "full", spelt out, never as digits only.

One date style per language: English is written as in Britain and the rest of Europe ("7 Dec 2026, 15:30",
day before month, 24-hour clock), not as Babel's plain `en`, which is American ("Dec 7, 2026, 3:30 PM").
Every date and time goes through this module's `format_*` (never Flask-Babel's), which use `date_locale`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from babel import Locale, dates
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_locale, get_timezone, refresh
from flask_login import current_user

from .elision import babel_context
from .extensions import babel

#: the named widths; any other format is an explicit pattern (such as "HH:mm") and is used as it is
WIDTHS = ("short", "medium", "long", "full")
#: the country whose way of writing dates a language follows, where Babel's own default for it is not the
#: group's: the NMG is European, so its English pages write "7 Dec 2026, 15:30". A language given with its
#: country (en_US) keeps that country's style.
DATE_STYLES = {"en": "en_GB"}
#: the cookie that remembers the language a visitor chose with the switch on the public pages
LANGUAGE_COOKIE = "nmg_language"


def known_language(code: str | None) -> str | None:
    """`code` if the NMG works in that language, else None."""
    return code if code in current_app.config["LANGUAGES"] else None


def language_name(code: str | None) -> str:
    """A language's name in the language of the page: "inglese" on an Italian page."""
    locale = get_locale()
    return (locale.languages.get(code or "") if locale else None) or str(code or "")


def speak_on_this_page(language: str) -> None:
    """The page answers in `language` unless the reader has chosen one: a confirmation page speaks the
    language its subscription was asked in, whatever the browser on which the link is opened."""
    g.page_language = known_language(language)
    refresh()


def select_locale() -> str:
    # Commands and jobs have no browser to ask; they speak the NMG's language unless a mail forces another.
    if not has_request_context():
        return current_app.config["DEFAULT_LANGUAGE"]
    if current_user and current_user.is_authenticated:
        return str(current_user.language)
    return (
        known_language(request.cookies.get(LANGUAGE_COOKIE))
        or g.get("page_language")
        or request.accept_languages.best_match(current_app.config["LANGUAGES"])
        or current_app.config["DEFAULT_LANGUAGE"]
    )


def select_timezone() -> str:
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return current_app.config["TIMEZONE"]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    # Flask-Babel's filter of the same job would bring the seconds back.
    app.add_template_filter(format_datetime, "datetimeformat")


def _worked_out(name: str) -> object | None:
    """What Flask-Babel has worked out for this context already ("babel_locale", "babel_tzinfo"): a list
    writes a hundred dates, and Flask-Babel's own helpers look the context up through proxies each time."""
    return getattr(babel_context(), name, None)


def date_locale(locale: str | Locale | None = None) -> Locale:
    """The locale dates are written in for `locale` (or the page's or mail's language), see DATE_STYLES."""
    language = locale or _worked_out("babel_locale") or get_locale() or current_app.config["DEFAULT_LANGUAGE"]
    return _parsed(str(language))


@lru_cache(maxsize=64)
def _parsed(language: str) -> Locale:
    # Parsing a locale costs more than writing the date with it, and a list writes dozens of dates.
    return Locale.parse(DATE_STYLES.get(language, language))


def _in_reader_zone(instant: datetime, zone: tzinfo | None = None) -> datetime:
    # A naive instant is UTC, as Flask-Babel takes it.
    aware = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return aware.astimezone(zone or _worked_out("babel_tzinfo") or get_timezone())


def format_date(
    day: date | datetime, format: str = "medium", rebase: bool = True, *, locale: str | None = None
) -> str:
    """A day in the language's style; an instant is first put in the reader's zone unless `rebase=False`."""
    if isinstance(day, datetime):
        day = (_in_reader_zone(day) if rebase else day).date()
    return _written_day(day, format, date_locale(locale))


@lru_cache(maxsize=4096)
def _written_day(day: date, format: str, locale: Locale) -> str:
    # A list writes the same few hundred days again on every page; Babel reads its patterns each time.
    return dates.format_date(day, format, locale=locale)


def written_day_and_time(instant: datetime, locale: Locale, zone: tzinfo) -> tuple[str, str]:
    """The day ("medium") and time ("short") of an instant in `zone`, for lists that write one per row."""
    local = instant.astimezone(zone)
    return _written_day(local.date(), "medium", locale), _written_time(local.hour, local.minute, locale)


@lru_cache(maxsize=2048)
def _written_time(hour: int, minute: int, locale: Locale) -> str:
    return dates.format_time(time(hour, minute), "short", locale=locale)


def format_time(
    moment: time | datetime, format: str = "short", rebase: bool = True, *, locale: str | None = None
) -> str:
    """A time of day in the language's style ("15:30" in English as in Italian)."""
    if isinstance(moment, datetime) and rebase:
        moment = _in_reader_zone(moment)
    zone = moment.tzinfo if isinstance(moment, datetime) else None
    return dates.format_time(moment, format, tzinfo=zone, locale=date_locale(locale))


def format_datetime(
    instant: datetime,
    format: str = "medium",
    rebase: bool = True,
    *,
    locale: str | None = None,
    zone: tzinfo | None = None,
) -> str:
    """The date in the language's style and the time to the minute, in the reader's zone (or `zone`);
    `rebase=False` keeps the zone the instant already has, as Flask-Babel's does."""
    language = date_locale(locale)
    if rebase:
        instant = _in_reader_zone(instant, zone)
    if format not in WIDTHS:
        return dates.format_datetime(instant, format, tzinfo=instant.tzinfo, locale=language)
    # Digits-only dates ("12/7/26") read differently in each country: the shortest is the month in words.
    day = dates.format_date(instant, "medium" if format == "short" else format, locale=language)
    moment = dates.format_time(instant, "short", tzinfo=instant.tzinfo, locale=language)
    pattern = dates.get_datetime_format(format, locale=language).replace("'", "")
    return pattern.replace("{0}", moment).replace("{1}", day)


def format_until(deadline: datetime, rebase: bool = True, *, locale: str | None = None) -> str:
    """A deadline as people write it: one that falls at midnight ends the day before, so it reads as
    that last day ("18 December 2026"), never as midnight of the next; any other is given to the minute."""
    local = _in_reader_zone(deadline) if rebase else deadline
    if (local.hour, local.minute) == (0, 0):
        return dates.format_date(local - timedelta(days=1), "long", locale=date_locale(locale))
    return format_datetime(local, "long", rebase=False, locale=locale)


def format_size(size: int) -> str:
    """A file's size as people read it: "3 MB", "1,5 MB" in Italian, "500 KB"."""
    from babel.numbers import format_decimal

    megabytes = size / 1_048_576
    if megabytes >= 1:
        return f"{format_decimal(round(megabytes, 1), locale=date_locale())} MB"
    return f"{max(1, size // 1024)} KB"
