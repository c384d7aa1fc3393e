"""Subscribing, confirming and unsubscribing; the member's choice; the team's subscriber pages."""

from __future__ import annotations

from contextlib import suppress

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..after_response import run_after_response
from ..delivery.dispatcher import dispatch
from ..errors import found_or_404
from ..extensions import csrf, db
from ..forms import page_number
from ..i18n import speak_on_this_page
from ..mail import MailDeliveryError
from ..members import services as member_services
from ..members.mapping.reading import MappingFileError, decode
from ..models import NewsSubscriber
from ..permissions import Right, require
from ..previewed_upload import fits_in_a_form, pack, unpack
from . import bp, self_erasure, subscriber_list, subscriptions, suppressions
from .subscription_forms import (
    ConfirmForm,
    EraseForm,
    ImportConfirmForm,
    ImportUploadForm,
    MembersEditionForm,
    SubscribeForm,
    UnsubscribeForm,
)

SUBSCRIBERS_PER_PAGE = 50


def _client() -> str:
    # With TRUSTED_PROXIES set, ProxyFix has already put the client's own address here.
    return request.remote_addr or "unknown"


def _dispatch_after_response(message_ids: list[int]) -> None:
    if message_ids:
        run_after_response(lambda: dispatch(only_ids=message_ids))


def _link_problem(problem: subscriptions.LinkProblem):
    return render_template(
        "news/link_problem.html", message=str(problem), status=problem.status
    ), problem.status


# --- the public pages -------------------------------------------------------------------------------------


@bp.route("/news/subscribe", methods=["GET", "POST"])
def subscribe():
    """Subscribe to the public edition of the e-news; a confirmation link follows by mail."""
    wording = subscriptions.public_wording()
    form = SubscribeForm(wording)
    if form.validate_on_submit():
        if not form.is_from_a_program:
            # Whatever happens to the mail, the answer is the one every address gets.
            with suppress(MailDeliveryError):
                message_id = subscriptions.request_subscription(
                    form.email.data, form.name.data or "", form.language.data, wording, _client()
                )
                _dispatch_after_response([message_id] if message_id is not None else [])
        return redirect(url_for("news.check_your_mail"))
    return render_template("news/subscribe.html", form=form), 400 if form.errors else 200


@bp.get("/news/subscribe/check-your-mail")
def check_your_mail():
    """The one answer to every subscription request."""
    return render_template(
        "news/check_your_mail.html", valid_days=int(current_app.config["NEWS_CONFIRM_DAYS"])
    )


@bp.route("/news/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Confirm a subscription: the link shows a button, since mail scanners open links on their own."""
    try:
        subscriber = subscriptions.subscriber_for_confirm_link(token)
    except subscriptions.LinkProblem as problem:
        return _link_problem(problem)
    speak_on_this_page(subscriber.language)
    wording = subscriptions.public_wording()
    form = ConfirmForm()
    if form.validate_on_submit():
        subscriptions.confirm(subscriber, wording, _client())
        return render_template("news/confirmed.html", subscriber=subscriber)
    return render_template(
        "news/confirm.html", form=form, subscriber=subscriber, wording=wording, token=token
    )


def _subscription_page(
    token: str,
    subscription: subscriptions.Subscription,
    status: int = 200,
    erase_form: EraseForm | None = None,
):
    return render_template(
        "news/subscription.html",
        token=token,
        subscription=subscription,
        history=subscriptions.consent_history(subscription.email),
        form=UnsubscribeForm(formdata=None),
        erase_form=(erase_form or EraseForm(formdata=None)) if self_erasure.may_erase(subscription) else None,
    ), status


@bp.post("/news/unsubscribe/<token>/erase")
def erase_subscription(token: str):
    """A public subscriber erases their address: unsubscribed, then removed with its consent history."""
    try:
        subscription = subscriptions.subscription_for_unsubscribe_link(token)
    except subscriptions.LinkProblem as problem:
        return _link_problem(problem)
    form = EraseForm()
    if not self_erasure.may_erase(subscription):
        return _subscription_page(token, subscription, 404)
    if not form.validate_on_submit():
        return _subscription_page(token, subscription, 400, erase_form=form)
    self_erasure.erase(subscription, f"erased from the unsubscribe page from {_client()}")
    return render_template("news/erased.html"), 200


@bp.get("/news/unsubscribe/<token>")
def unsubscribe_page(token: str):
    """Your subscription and its consent history, with the button that ends it."""
    try:
        subscription = subscriptions.subscription_for_unsubscribe_link(token)
    except subscriptions.LinkProblem as problem:
        return _link_problem(problem)
    return _subscription_page(token, subscription)


# RFC 8058: the mail program posts "List-Unsubscribe=One-Click" itself, with no session and no CSRF token;
# the link's own signature is what shows the request is genuine.
@bp.post("/news/unsubscribe/<token>")
@csrf.exempt
def unsubscribe(token: str):
    """End the subscription the link names, from the page's button or the mail program's one click."""
    try:
        subscription = subscriptions.subscription_for_unsubscribe_link(token)
    except subscriptions.LinkProblem as problem:
        return _link_problem(problem)
    if request.form.get("List-Unsubscribe") == "One-Click":
        wording, source = subscriptions.ONE_CLICK_WORDING, "one-click unsubscribe"
    else:
        wording, source = subscriptions.UNSUBSCRIBE_WORDING, f"unsubscribe page from {_client()}"
    subscriptions.unsubscribe(subscription, wording, source)
    return _subscription_page(token, subscription)


# --- the member's choice ----------------------------------------------------------------------------------


@bp.app_context_processor
def _members_edition_form():
    def members_edition_form(member):
        return MembersEditionForm(
            subscriptions.MEMBERS_EDITION_WORDING, formdata=None, receive=not member.news_opt_out
        )

    return {
        "members_edition_form": members_edition_form,
        "news_consent_history": subscriptions.consent_history,
    }


@bp.post("/profile/e-news")
@login_required
def members_edition():
    """Receive the members' edition of the e-news, or stop receiving it."""
    form = MembersEditionForm(subscriptions.MEMBERS_EDITION_WORDING)
    if form.validate_on_submit():
        me = found_or_404(member_services.get_member(current_user.id))
        if subscriptions.set_members_edition(me, bool(form.receive.data)):
            flash(
                _("You will receive the members' edition of the e-news.")
                if form.receive.data
                else _("You will no longer receive the e-news."),
                "success",
            )
        else:
            flash(_("Nothing was changed."), "info")
    return redirect(url_for("members.profile", _anchor="e-news"))


# --- the team's pages -------------------------------------------------------------------------------------


@bp.get("/news/subscribers")
@require(Right.MANAGE_NEWS)
def subscribers():
    """Who receives the e-news: counts, the public's subscriptions, and the suppressed addresses."""
    search = (request.args.get("q") or "").strip()[:320] or None
    page = db.paginate(
        subscriber_list.subscribers_select(search),
        page=page_number(request.args.get("page")),
        per_page=SUBSCRIBERS_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "news/subscribers.html", overview=subscriber_list.overview(), page=page, search=search or ""
    )


@bp.post("/news/subscribers/<int:subscriber_id>/remove")
@require(Right.MANAGE_NEWS)
def remove_subscriber(subscriber_id: int):
    """Unsubscribe someone who asked by other means; their consent history stays."""
    subscriber = found_or_404(db.session.get(NewsSubscriber, subscriber_id))
    if subscriptions.remove_subscriber(subscriber, current_user.full_name):
        flash(_("%(email)s is unsubscribed.", email=subscriber.email), "success")
    else:
        flash(_("%(email)s was already unsubscribed.", email=subscriber.email), "info")
    return redirect(url_for("news.subscribers"))


@bp.post("/news/suppressions/<int:suppression_id>/lift")
@require(Right.MANAGE_NEWS)
def lift_suppression(suppression_id: int):
    """Send the e-news to a refused address again, once the recipient has fixed their mailbox."""
    suppression = found_or_404(suppressions.lift_suppression(suppression_id))
    flash(_("%(email)s will receive the e-news again.", email=suppression.email), "success")
    return redirect(url_for("news.subscribers"))


@bp.route("/news/subscribers/import", methods=["GET", "POST"])
@require(Right.MANAGE_NEWS)
def import_subscribers():
    """Upload a subscriber list and preview whom it would invite to confirm."""
    form = ImportUploadForm()
    if form.validate_on_submit():
        try:
            text = decode(form.file.data.read())
            plan = subscriber_list.plan_import(text)
        except MappingFileError as exc:
            form.file.errors.append(str(exc))
        else:
            packed = pack(text)
            if fits_in_a_form(packed):
                return render_template(
                    "news/import_preview.html",
                    plan=plan,
                    form=ImportConfirmForm(formdata=None, content=packed),
                )
            form.file.errors.append(_("The file is too large to import in the browser; split it."))
    return render_template("news/import.html", form=form), 400 if form.errors else 200


@bp.post("/news/subscribers/import/confirm")
@require(Right.MANAGE_NEWS)
def confirm_subscriber_import():
    """Invite a previewed list, planned again from its content rather than trusting the preview."""
    form = ImportConfirmForm()
    text = unpack(form.content.data) if form.validate_on_submit() else None
    if text is None:
        flash(_("The preview could not be read back. Upload the file again."), "danger")
        return redirect(url_for("news.import_subscribers"))
    try:
        plan = subscriber_list.plan_import(text)
        message_ids = subscriptions.apply_import(plan, current_user.full_name)
    except (MappingFileError, subscriptions.SubscriberImportError) as exc:
        flash(str(exc), "danger")
        return redirect(url_for("news.import_subscribers"))
    _dispatch_after_response(message_ids)
    flash(
        ngettext(
            "%(num)d address was invited to confirm a subscription.",
            "%(num)d addresses were invited to confirm a subscription.",
            len(plan.invitations),
        ),
        "success",
    )
    return redirect(url_for("news.subscribers"))
