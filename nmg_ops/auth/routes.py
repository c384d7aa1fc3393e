from __future__ import annotations

from contextlib import suppress

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..after_response import run_after_response
from ..delivery.dispatcher import dispatch
from ..extensions import db
from ..i18n import LANGUAGE_COOKIE, known_language
from ..mail import MailDeliveryError
from . import bp
from .forms import ForgotPasswordForm, NewPasswordForm, SignInForm
from .services import (
    LinkError,
    LinkPurpose,
    TooManyAttempts,
    authenticate,
    end_session,
    member_for_token,
    request_password_reset,
    safe_next_path,
    set_password,
    start_session,
)


def _client() -> str:
    # With TRUSTED_PROXIES set, ProxyFix has already put the client's own address here.
    return request.remote_addr or "unknown"


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        try:
            member = authenticate(form.email.data, form.password.data, _client())
        except TooManyAttempts as exc:
            minutes = max(1, round(exc.retry_after.total_seconds() / 60))
            form.email.errors.append(
                _(
                    "Too many failed sign-ins. Try again in %(minutes)d minutes or reset your password.",
                    minutes=minutes,
                )
            )
            status = 429
        else:
            if member is not None:
                start_session(member, remember=form.remember.data)
                return redirect(safe_next_path(request.args.get("next")) or url_for("web.home"))
            form.password.errors.append(_("E-mail or password is wrong."))
            status = 401
    return render_template("auth/sign_in.html", form=form), status


@bp.post("/sign-out")
@login_required
def sign_out():
    """Sign out of this browser; its cookies, replayed later, open nothing."""
    end_session(current_user)
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))


#: how long a visitor's language choice is remembered
LANGUAGE_COOKIE_DAYS = 365


# A link, not a form, so that the switch works without JavaScript on every public page; it only sets a
# cookie of this browser, which a signed-in member's own preference overrides.
@bp.get("/language/<code>")
def choose_language(code: str):
    """Read the public pages in another language; the browser remembers the choice."""
    language = known_language(code)
    if language is None:
        abort(400, _("This language is not available."))
    response = redirect(safe_next_path(request.args.get("next")) or url_for("web.home"))
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=LANGUAGE_COOKIE_DAYS * 86400,
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a password reset link."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # A refusal is shown to nobody: the answer must not differ from an unknown address's, or it would
        # tell strangers which addresses belong to members. The Deliveries page shows it to the coordinator.
        with suppress(MailDeliveryError):
            message_id = request_password_reset(form.email.data, _client())
            if message_id is not None:
                run_after_response(lambda: dispatch(only_ids=[message_id]))
        flash(_("If the address belongs to a member, a link to reset the password is on its way."), "info")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/forgot_password.html", form=form)


def _set_password_page(token: str, purpose: LinkPurpose, title: str, done: str):
    try:
        member = member_for_token(token, purpose)
    except LinkError as exc:
        return render_template("auth/link_error.html", message=str(exc)), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        set_password(member, form.password.data)
        db.session.commit()
        start_session(member)
        flash(done, "success")
        return redirect(url_for("web.home"))
    return render_template("auth/set_password.html", form=form, member=member, title=title)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Accept an invitation by choosing a password."""
    return _set_password_page(
        token,
        LinkPurpose.INVITATION,
        _("Welcome – choose your password"),
        _("Welcome! Your account is ready."),
    )


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from a reset link."""
    return _set_password_page(
        token, LinkPurpose.PASSWORD_RESET, _("Choose a new password"), _("Your password has been changed.")
    )
