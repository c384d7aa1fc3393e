"""Language choice: the member's preference, else the browser's, else the NMG's default."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask_login import current_user

from .extensions import babel


def select_locale() -> str:
    # Commands and jobs have no browser to ask; they speak the NMG's language unless a mail forces another.
    if not has_request_context():
        return current_app.config["DEFAULT_LANGUAGE"]
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated:
        return str(current_user.language)
    return request.accept_languages.best_match(languages) or current_app.config["DEFAULT_LANGUAGE"]


def select_timezone() -> str:
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return current_app.config["TIMEZONE"]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
