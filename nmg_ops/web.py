"""What every page shares: the home page, error pages, template helpers and response headers."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from . import api, clock
from .api import problems as api_problems
from .documents import overview as documents
from .forms import MAX_ID, problems_on_page
from .governance import consultation_publishing, public_answers
from .governance import overview as governance
from .i18n import format_date, format_datetime, format_until, language_name
from .keep_text import kept_text_page, offers_kept_text
from .meetings import overview as meetings
from .minutes import overview as minutes
from .models import Language
from .navigation import section_of, shown_sections
from .news import archive as news_archive
from .news import overview as news
from .permissions import Right, can, current_roles
from .printing import NotPrinted
from .text import render_markdown

bp = Blueprint("web", __name__)
#: how many of the latest e-news issues the landing page lists
LANDING_ISSUES = 3
#: how many of the latest consultation results published to anyone the landing page lists
LANDING_RESULTS = 3


@bp.route("/")
def home():
    """Members start with their next meetings and everything that waits for them, each domain telling its
    part for the reader's role; visitors land on what the group is and publishes."""
    now = clock.now()
    if not current_user.is_authenticated:
        return _landing(now)
    return render_template(
        "home.html",
        overview=meetings.overview(current_user.id, now),
        record=minutes.overview(current_user.id, now),
        news=news.overview(),
        documents=documents.overview(),
        governance=governance.overview(current_user.id, now),
    )


def _landing(now: datetime):
    """For visitors: the group in a few words, its open public consultations, its next public events, the
    latest e-news and consultation results, and the ways to subscribe and to sign in; a fixed number of
    statements whatever the size of the record."""
    language = str(get_locale() or current_app.config["DEFAULT_LANGUAGE"])[:2].upper()
    return render_template(
        "landing.html",
        description=current_app.config.get(f"NMG_DESCRIPTION_{language}", ""),
        events=meetings.next_public_events(now),
        issues=news_archive.latest_sent(LANDING_ISSUES),
        results=consultation_publishing.latest_public(LANDING_RESULTS),
        consultations=public_answers.open_to_the_public(now),
    )


def _error_page(error: HTTPException):
    if api.serves(request.path):
        return api_problems.problem(error)
    status = error.code or 500
    return render_template("error.html", error=error, status=status), status


def _not_printed(refusal: NotPrinted):
    """A PDF too large to make, or not made in time: the reason, and when to ask again if that may help."""
    response = current_app.make_response(
        (render_template("error.html", error=refusal, status=refusal.status), refusal.status)
    )
    if refusal.retry_after is not None:
        response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def _csrf_error(error: CSRFError):
    if api.serves(request.path):
        # The API takes GET only; a program posting to it gets a problem, not a page.
        return api_problems.problem(error)
    if offers_kept_text():
        if not current_user.is_authenticated:
            return kept_text_page(
                _("Your session has ended. Your text is below: sign in again to save it."), 401
            )
        return kept_text_page(
            _("The page had been open too long to save from. Your text is below: save it again."), 400
        )
    return render_template("error.html", error=error, status=400, csrf=True), 400


def _refuse_nul() -> None:
    """No text the NMG keeps contains NUL, and PostgreSQL refuses it in any query: one answer for every
    route, form and query string, before anything reads the value."""
    values = [request.path, *request.args.values(), *request.form.values()]
    if any("\x00" in value for value in values):
        abort(400, _("The request contains a NUL character, which no field accepts."))


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'",
    )
    if current_app.config["HSTS_SECONDS"]:
        # Production sits behind TLS; browsers then refuse a downgrade to plain HTTP for this long.
        response.headers.setdefault(
            "Strict-Transport-Security",
            f"max-age={int(current_app.config['HSTS_SECONDS'])}; includeSubDomains",
        )
    return response


class RecordIdConverter(IntegerConverter):
    """`<int:…>` in every route: ASCII digits within 64 bits. Werkzeug's own reads "٣" as 3 and passes
    ids no database column holds, which fail deep in the driver instead of answering 404."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = RecordIdConverter
    app.register_blueprint(bp)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _error_page)
    app.register_error_handler(NotPrinted, _not_printed)
    app.before_request(_refuse_nul)
    app.after_request(_security_headers)

    app.add_template_filter(render_markdown, "markdown")

    @app.context_processor
    def _helpers():
        return {
            "can": can,
            "Right": Right,
            "current_roles": current_roles,
            "nmg_name": current_app.config["NMG_NAME"],
            "nmg_short_name": current_app.config["NMG_SHORT_NAME"],
            "current_locale": str(get_locale()),
            "public_languages": [Language(code) for code in current_app.config["LANGUAGES"]],
            "navigation": shown_sections,
            "section_of": section_of,
            "form_problems": problems_on_page,
            "format_date": format_date,
            "format_datetime": format_datetime,
            "format_until": format_until,
            "language_name": language_name,
        }
