"""The e-news archive, open to everyone: the list of sent issues, each issue's permanent page, the feed."""

from __future__ import annotations

from flask import Response, current_app, render_template, request, url_for
from werkzeug.routing import BuildError

from ..errors import found_or_404
from ..forms import page_number
from . import archive, bp, rendering

#: the site's policy, plus the https images an issue may show (the mail shows them too)
_ISSUE_PAGE_CSP = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def _subscribe_url() -> str:
    try:
        return url_for("news.subscribe")
    except BuildError:
        return "/news/subscribe"


bp.app_template_filter("reader_title")(archive.reader_title)


@bp.get("/news")
def archive_list():
    """Every sent issue, newest first, in its public edition."""
    return render_template(
        "news/archive.html",
        issues=archive.sent_issues(page_number(request.args.get("page"))),
        subscribe_url=_subscribe_url(),
    )


@bp.get("/news/<int:number>")
def issue_page(number: int):
    """An issue's permanent page: the public edition, or the members' one for a signed-in member."""
    issue = found_or_404(archive.sent_issue(number))
    edition = archive.edition_for(request.args.get("edition"))
    page = render_template(
        "news/issue_page.html",
        issue=issue,
        edition=edition,
        sections=rendering.sections_of(issue, edition, archive.reader_language()),
        members_may_switch=archive.reads_members_edition(),
        subscribe_url=_subscribe_url(),
    )
    response = current_app.make_response(page)
    response.headers["Content-Security-Policy"] = _ISSUE_PAGE_CSP
    return response


@bp.get("/news/feed.atom")
def feed():
    """The Atom feed of the sent issues, public edition; 304 to a reader whose copy is current."""
    atom = archive.feed()
    response = Response(atom.body, mimetype="application/atom+xml")
    response.set_etag(atom.etag)
    response.last_modified = atom.last_modified
    response.cache_control.public = True
    response.cache_control.no_cache = True
    return response.make_conditional(request)
