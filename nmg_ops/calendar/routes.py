from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import clock
from ..extensions import db
from ..meetings import visibility
from ..meetings.attendance import AttendanceError, answer
from ..meetings.signals import meeting_page
from ..models import Meeting, Member, Rsvp
from ..permissions import current_roles
from . import bp, feeds, ical, replies, revalidation
from .rsvp_links import invitation_for
from .subscription import subscribe_links

ICS = "text/calendar; charset=utf-8"
ALARM_CHOICES = (None, 15, 30, 60, 1440)


def _calendar_response(state: feeds.FeedState, build) -> Response:
    """Serve a feed; an unchanged one was answered 304 in front of the app (see `revalidation`)."""
    response = Response(build(), mimetype="text/calendar")
    response.headers["Content-Type"] = ICS
    response.headers.extend(revalidation.validators(state))
    return response


@bp.route("/calendar/<token>.ics")
def member_feed(token: str):
    """A member's personal feed at a secret address: every meeting they are invited to."""
    state = revalidation.current_state(token)
    if state is None:
        abort(404)

    def build() -> bytes:
        member = db.session.get(Member, state.member_id)
        name = f"{current_app.config['NMG_SHORT_NAME']} – {member.full_name}"
        return ical.feed(feeds.member_meetings(member), name, state.alarm_minutes)

    return _calendar_response(state, build)


@bp.route("/calendar/public.ics")
def public_feed():
    """The meetings the NMG publishes."""
    name = current_app.config["NMG_NAME"]
    state = revalidation.current_state(revalidation.PUBLIC)
    return _calendar_response(state, lambda: ical.feed(feeds.public_meetings(), name, with_video_link=False))


@bp.route("/meetings/<int:meeting_id>.ics")
def download_meeting(meeting_id: int):
    """One meeting as a calendar file, for whoever may see the meeting (see meetings.visibility)."""
    meeting = db.session.get(Meeting, meeting_id)
    is_invited = current_user.is_authenticated and visibility.is_invited_to(meeting_id, current_user.id)
    roles = current_roles()
    if meeting is None or not visibility.may_see(meeting, is_invited, roles):
        abort(404)
    calendar = ical.download(meeting, with_video_link=visibility.shows_video_link(is_invited, roles))
    response = Response(calendar, mimetype="text/calendar")
    response.headers["Content-Type"] = ICS
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    return response


@bp.route("/events/<int:meeting_id>")
def public_event(meeting_id: int):
    """A public meeting as anyone may open it, signed in or not: when and where, never the way into the
    call (see meetings.visibility), with its calendar file. The e-news links its public events here."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not visibility.is_published(meeting):
        abort(404)
    return render_template("calendar/event.html", meeting=meeting)


@bp.post("/profile/calendar")
@login_required
def new_feed_link():
    """Make (or remake) my personal calendar address; replacing one is confirmed first, it stops working."""
    if current_user.feed_token_hash and request.form.get("confirm") != "yes":
        return render_template("calendar/feed_replace.html")
    token = feeds.new_feed_token(current_user)
    https_url = url_for("calendar.member_feed", token=token, _external=True)
    links = subscribe_links(https_url, current_app.config["NMG_NAME"])
    return render_template("calendar/feed_link.html", links=links)


@bp.post("/profile/calendar/alarm")
@login_required
def feed_alarm():
    """Choose whether my feed carries an alert before each meeting."""
    raw = request.form.get("minutes", "")
    minutes = int(raw) if raw.isdigit() else None
    if minutes not in ALARM_CHOICES:
        abort(400, _("Choose one of the alert times offered."))
    current_user.feed_alarm_minutes = minutes
    db.session.commit()
    flash(_("Your calendar feed alert is saved."), "success")
    return redirect(url_for("members.profile"))


@bp.route("/rsvp/<token>/<any(yes, no, maybe):choice>", methods=["GET", "POST"])
def rsvp_link(token: str, choice: str):
    """Answer an invitation from a mail link; GET only asks, since mail scanners follow links."""
    invitation = invitation_for(token)
    if invitation is None:
        abort(404)
    rsvp = Rsvp(choice)
    if request.method == "POST":
        try:
            answer(invitation, rsvp, clock.now())
        except AttendanceError as exc:
            return render_template(
                "calendar/rsvp.html", invitation=invitation, rsvp=rsvp, error=str(exc)
            ), 409
        return render_template("calendar/rsvp.html", invitation=invitation, rsvp=rsvp, done=True)
    return render_template("calendar/rsvp.html", invitation=invitation, rsvp=rsvp)


@meeting_page.connect
def proposals_on_the_meeting_page(meeting: Meeting, *, now: datetime, manages: bool) -> dict[str, Any]:
    """The other times invitees proposed from their calendar apps, for the organisers."""
    return {"proposals": replies.proposals(meeting) if manages else []}
