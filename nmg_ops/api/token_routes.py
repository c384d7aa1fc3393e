"""The profile's personal API tokens: made (the secret shown once) and revoked by their member."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import RuleError, found_or_404, show_on_form
from . import profile_bp, tokens
from .forms import ApiTokenForm


@profile_bp.app_context_processor
def _profile_tokens():
    """The profile page's token section (the profile belongs to `members`, which cannot import this)."""
    return {"api_tokens_of": tokens.tokens_of, "api_token_form": lambda: ApiTokenForm(formdata=None)}


@profile_bp.post("/profile/api-tokens")
@login_required
def create_token():
    """Make a personal API token and show its secret, this once."""
    form = ApiTokenForm()
    if form.validate_on_submit():
        try:
            raw = tokens.create(current_user, form.name.data)
        except RuleError as error:
            show_on_form(form, error)
        else:
            page = render_template("api/token_created.html", name=form.name.data, token=raw)
            response = current_app.make_response(page)
            # The secret is on this page only: no cache, no back button, keeps a copy.
            response.headers["Cache-Control"] = "no-store"
            return response
    return render_template("api/new_token.html", form=form), 400


@profile_bp.post("/profile/api-tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one of my tokens: it stops working at once."""
    token = found_or_404(tokens.revoke(current_user, token_id))
    flash(
        _("The token “%(name)s” is revoked; programs using it can no longer read.", name=token.name),
        "success",
    )
    return redirect(url_for("members.profile", _anchor="api-tokens"))
