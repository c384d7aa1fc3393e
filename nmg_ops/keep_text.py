"""No text is lost to an expired session or form.

Minutes (and e-news issues) take hours to write. When the save of such a long edit arrives after the
session ended, or with a form token that expired, the usual answers (a redirect to sign in, a 400 page)
would throw the text away. A view marked `@keeps_text` answers instead with a page holding every text
posted, in editable fields of a fresh form that posts to the same address: signed in, one click saves;
signed out, the same form asks for e-mail and password, signs in (through the same brake as the sign-in
page) and saves. The save itself still checks the revision it started from, so a text kept this way
never overwrites someone else's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from .auth.services import TooManyAttempts, authenticate, start_session

#: fields of the login part of the page, never echoed back
_CREDENTIALS = ("email", "password", "csrf_token")
#: a page of kept text holds at most this much; a form of the NMG's never posts more
MAX_FIELDS, MAX_FIELD_LENGTH = 300, 200_000


def keeps_text(*hidden: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Put outside `@require`: a signed-out save gets its text back with a sign-in, not a redirect.

    `hidden` names the posted fields that are not the writer's text (such as the revision a save started
    from): they travel along unseen."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.is_authenticated or request.method != "POST" or not from_this_site():
                return view(*args, **kwargs)
            refusal = _sign_in_from_form()
            if refusal is None:
                return view(*args, **kwargs)
            return kept_text_page(*refusal)

        wrapped.kept_hidden = frozenset(hidden)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def from_this_site() -> bool:
    """Whether the post came from one of our own pages (its Origin, or else its Referer, is this site).

    Only then is the text given back: a page elsewhere that posts here must not be able to put its own
    text in front of a member, one password or one click away from being saved as theirs."""
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    own = request.host_url.rstrip("/")
    return source == own or source.startswith(own + "/")


def offers_kept_text() -> bool:
    """Whether a refused save of this request gets its text back (see the module's docstring)."""
    return kept_hidden(request.endpoint) is not None and from_this_site()


def _sign_in_from_form() -> tuple[str, int] | None:
    """Sign in with the credentials posted beside the text; why not, and the status, when that failed."""
    email, password = request.form.get("email", ""), request.form.get("password", "")
    if not email or not password:
        return _("Your session has ended. Your text is below: sign in again to save it."), 401
    try:
        member = authenticate(email.strip(), password, request.remote_addr or "")
    except TooManyAttempts:
        return _("Too many failed sign-ins. Copy your text somewhere safe and try again later."), 429
    if member is None:
        return _("E-mail or password is wrong. Your text is still below."), 401
    start_session(member)
    return None


def kept_hidden(endpoint: str | None) -> frozenset[str] | None:
    """The hidden fields of a text-keeping view, or None when the endpoint does not keep text."""
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "kept_hidden", None)


def kept_text_page(message: str, status: int) -> tuple[str, int]:
    """Every field posted, the texts editable, in a fresh form to the same address; a sign-in if needed."""
    hidden = kept_hidden(request.endpoint) or frozenset()
    fields = [
        (name, value, name in hidden)
        for name, value in request.form.items(multi=True)
        if name not in _CREDENTIALS and len(value) <= MAX_FIELD_LENGTH
    ][:MAX_FIELDS]
    page = render_template(
        "kept_text.html",
        message=message,
        fields=fields,
        action=request.path,
        needs_sign_in=not current_user.is_authenticated,
    )
    return page, status
