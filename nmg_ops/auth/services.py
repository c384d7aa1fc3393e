"""Passwords, signed single-purpose links and the brake on password guessing."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit, clock
from ..extensions import db
from ..mail import send_mail
from ..models import Member, SignInAttempt

MIN_PASSWORD_LENGTH = 10


class LinkPurpose(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password-reset"


_LINKS = {
    # purpose: (mail template, endpoint the link opens, setting with its validity in hours)
    LinkPurpose.INVITATION: ("invitation", "auth.accept_invitation", "INVITATION_VALID_HOURS"),
    LinkPurpose.PASSWORD_RESET: ("password_reset", "auth.reset_password", "PASSWORD_RESET_VALID_HOURS"),
}


class LinkError(ValueError):
    """The link is forged, expired, for another purpose, or already used."""


class TooManyAttempts(RuntimeError):
    def __init__(self, retry_after: timedelta) -> None:
        super().__init__("too many failed sign-ins")
        self.retry_after = retry_after


def _serializer(purpose: LinkPurpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"nmg-ops/{purpose.value}")


def _password_fingerprint(member: Member) -> str:
    """Changes once the password is set, which is what makes each link work only once."""
    return hashlib.sha256((member.password_hash or "unset").encode()).hexdigest()[:16]


def make_link_token(member: Member, purpose: LinkPurpose) -> str:
    return _serializer(purpose).dumps({"m": member.id, "p": _password_fingerprint(member)})


def member_for_token(token: str, purpose: LinkPurpose) -> Member:
    hours = current_app.config[_LINKS[purpose][2]]
    try:
        data = _serializer(purpose).loads(token, max_age=int(hours) * 3600)
    except SignatureExpired as exc:
        raise LinkError(str(_l("This link has expired. Ask for a new one."))) from exc
    except BadSignature as exc:
        raise LinkError(str(_l("This link is not valid."))) from exc
    member = db.session.get(Member, data.get("m"))
    if member is None or not member.is_current:
        raise LinkError(str(_l("This link is not valid.")))
    if data.get("p") != _password_fingerprint(member):
        raise LinkError(str(_l("This link has already been used. Ask for a new one.")))
    return member


def set_password(member: Member, password: str) -> None:
    member.password_hash = generate_password_hash(password)
    member.session_token = secrets.token_hex(16)


def _window() -> timedelta:
    return timedelta(minutes=int(current_app.config["SIGN_IN_WINDOW_MINUTES"]))


def _check_brake(email: str, remote_addr: str) -> None:
    since = clock.now() - _window()
    limit = int(current_app.config["SIGN_IN_MAX_FAILURES"])
    failures = sa.select(sa.func.count(), sa.func.min(SignInAttempt.at)).where(
        SignInAttempt.at >= since, SignInAttempt.is_success.is_(False)
    )
    for clause, allowed in (
        (SignInAttempt.email == email, limit),
        (SignInAttempt.remote_addr == remote_addr, limit * 20),
    ):
        count, oldest = db.session.execute(failures.where(clause)).one()
        if count >= allowed:
            raise TooManyAttempts(retry_after=max(oldest + _window() - clock.now(), timedelta(minutes=1)))


def authenticate(email: str, password: str, remote_addr: str) -> Member | None:
    """The member with these credentials, or None; raises TooManyAttempts while the brake is on."""
    email = email.strip().lower()
    _check_brake(email, remote_addr)
    member = db.session.scalar(sa.select(Member).where(Member.email == email))
    ok = (
        member is not None
        and member.password_hash is not None
        and member.is_current
        and check_password_hash(member.password_hash, password)
    )
    db.session.add(SignInAttempt(email=email[:320], remote_addr=remote_addr[:64], is_success=ok))
    if ok:
        member.last_sign_in_at = clock.now()
    db.session.commit()
    return member if ok else None


def _mail_link(member: Member, purpose: LinkPurpose, subject: Any) -> None:
    template, endpoint, hours_setting = _LINKS[purpose]
    send_mail(
        to_email=member.email,
        to_name=member.full_name,
        language=member.language,
        subject=subject,
        template=template,
        purpose=template,
        member=member,
        link=external_url(endpoint, token=make_link_token(member, purpose)),
        valid_hours=current_app.config[hours_setting],
    )


def send_invitation(member: Member) -> None:
    nmg = current_app.config["NMG_SHORT_NAME"]
    _mail_link(member, LinkPurpose.INVITATION, _l("Your invitation to %(nmg)s", nmg=nmg))
    member.invited_at = clock.now()
    audit.record("invited", "member", member.id, member.full_name)
    db.session.commit()


def send_password_reset(email: str) -> None:
    """Mail a reset link if the address belongs to a current member; say nothing either way."""
    member = db.session.scalar(sa.select(Member).where(Member.email == email.strip().lower()))
    if member is None or not member.is_current:
        return
    nmg = current_app.config["NMG_SHORT_NAME"]
    _mail_link(member, LinkPurpose.PASSWORD_RESET, _l("Reset your %(nmg)s password", nmg=nmg))


def external_url(endpoint: str, **values: str) -> str:
    """Links in mails use the configured public address, not whatever host a request came in on."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return current_app.config["PUBLIC_URL"].rstrip("/") + path
