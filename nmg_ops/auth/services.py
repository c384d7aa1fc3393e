"""Passwords, sessions, signed single-purpose links and the brakes on guessing and on reset mail.

Both doors a stranger can knock on (sign-in, forgot-password) do the same work whether or not the address
belongs to a member, so that neither the answer nor its timing tells who is in the group."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from enum import StrEnum
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_login.config import COOKIE_DURATION
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit, clock
from ..extensions import db
from ..mail import compose, send_mail
from ..models import Member, PasswordResetRequest, SignInAttempt, SignInSession
from ..text import is_single_line

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
    """Changes once the password is set, which makes each link work only once, and when the e-mail
    changes, which voids every link mailed to the old address."""
    basis = f"{member.password_hash or 'unset'}|{member.email}"
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


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
    """A new password ends every session of the member; the caller starts the one it needs."""
    member.password_hash = generate_password_hash(password)
    end_every_session(member)


# --- sessions ---------------------------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(member: Member, remember: bool = False) -> None:
    """Sign the member in on this browser with a session the server can end (sign-out, everywhere)."""
    lifetime = current_app.config.get("REMEMBER_COOKIE_DURATION", COOKIE_DURATION)
    if not isinstance(lifetime, timedelta):
        lifetime = timedelta(seconds=int(lifetime))
    db.session.execute(
        sa.delete(SignInSession).where(
            SignInSession.member_id == member.id, SignInSession.created_at < clock.now() - lifetime
        )
    )
    key = secrets.token_urlsafe(32)
    db.session.add(SignInSession(member_id=member.id, key_hash=_digest(key)))
    db.session.commit()
    member.session_key = key
    login_user(member, remember=remember)


def member_for_session(session_id: str) -> Member | None:
    """The member whose live session this id names (from the session or the remember cookie), or None."""
    member_id, token, key = [*session_id.split(":"), "", ""][:3]
    if not (member_id.isascii() and member_id.isdigit() and len(member_id) <= 18) or not key:
        return None
    member = db.session.scalar(
        sa.select(Member)
        .join(SignInSession, SignInSession.member_id == Member.id)
        .where(Member.id == int(member_id), SignInSession.key_hash == _digest(key))
    )
    if member is None or not hmac.compare_digest(member.session_token, token):
        return None
    member.session_key = key
    return member


def end_session(member: Member) -> None:
    """Sign out of this browser: its cookies, replayed, open nothing."""
    if member.session_key:
        db.session.execute(
            sa.delete(SignInSession).where(SignInSession.key_hash == _digest(member.session_key))
        )
        db.session.commit()
    logout_user()


def end_every_session(member: Member) -> None:
    """End every session of the member, on every browser and device (not committed here)."""
    db.session.execute(sa.delete(SignInSession).where(SignInSession.member_id == member.id))
    member.session_token = secrets.token_hex(16)


def sign_out_everywhere(member: Member) -> None:
    end_every_session(member)
    audit.record("signed_out_everywhere", "member", member.id, member.full_name)
    db.session.commit()
    logout_user()


def _window() -> timedelta:
    return timedelta(minutes=int(current_app.config["SIGN_IN_WINDOW_MINUTES"]))


def _check_brake(email: str, remote_addr: str) -> None:
    """Per client and account, and per client: a flood against one account from one place cannot lock
    the account's owner, or anyone else, out from theirs."""
    since = clock.now() - _window()
    limit = int(current_app.config["SIGN_IN_MAX_FAILURES"])
    failures = sa.select(sa.func.count(), sa.func.min(SignInAttempt.at)).where(
        SignInAttempt.at >= since, SignInAttempt.is_success.is_(False)
    )
    for clause, allowed in (
        (sa.and_(SignInAttempt.email == email, SignInAttempt.remote_addr == remote_addr), limit),
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
    # An unknown address is checked against a dummy hash: the answer takes as long as for a member's.
    stored = member.password_hash if member is not None and member.password_hash else _dummy_hash()
    matches = check_password_hash(stored, password)
    ok = member is not None and member.password_hash is not None and member.is_current and matches
    db.session.add(SignInAttempt(email=email[:320], remote_addr=remote_addr[:64], is_success=ok))
    if ok:
        member.last_sign_in_at = clock.now()
    db.session.commit()
    return member if ok else None


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def _link_mail(member: Member, purpose: LinkPurpose, subject: Any) -> dict[str, Any]:
    template, endpoint, hours_setting = _LINKS[purpose]
    return {
        "to_email": member.email,
        "to_name": member.full_name,
        "language": member.language,
        "subject": subject,
        "template": template,
        "member": member,
        "link": external_url(endpoint, token=make_link_token(member, purpose)),
        "valid_hours": current_app.config[hours_setting],
    }


def _mail_link(member: Member, purpose: LinkPurpose, subject: Any) -> None:
    mail = _link_mail(member, purpose, subject)
    send_mail(purpose=mail["template"], **mail)


def send_invitation(member: Member) -> None:
    nmg = current_app.config["NMG_SHORT_NAME"]
    _mail_link(member, LinkPurpose.INVITATION, _l("Your invitation to %(nmg)s", nmg=nmg))
    member.invited_at = clock.now()
    audit.record("invited", "member", member.id, member.full_name)
    db.session.commit()


def tell_old_address(member: Member, old_email: str) -> None:
    """Tell the address a member had that it was replaced, through the outbox like any other mail."""
    send_mail(
        to_email=old_email,
        to_name=member.full_name,
        language=member.language,
        subject=_l("Your %(nmg)s e-mail address was changed", nmg=current_app.config["NMG_SHORT_NAME"]),
        template="email_changed",
        purpose="email_changed",
        now=False,
        member=member,
        old_email=old_email,
    )


def request_password_reset(email: str, remote_addr: str) -> int | None:
    """Queue a reset link if the address is a current member's and the brake allows; say nothing either way.

    Returns the outbox id to dispatch once the answer has gone, so that the mail server's time does not show.
    Unknown addresses get the same work: the lookups, a mail rendered (and dropped), the request recorded.
    """
    email = email.strip().lower()
    since = clock.now() - timedelta(minutes=int(current_app.config["PASSWORD_RESET_WINDOW_MINUTES"]))
    limit = int(current_app.config["PASSWORD_RESET_MAX_PER_ADDRESS"])
    recent = sa.select(sa.func.count()).where(PasswordResetRequest.at >= since)
    mailed_to_address = db.session.scalar(
        recent.where(PasswordResetRequest.email == email, PasswordResetRequest.is_mailed)
    )
    from_client = db.session.scalar(recent.where(PasswordResetRequest.remote_addr == remote_addr))
    member = db.session.scalar(sa.select(Member).where(Member.email == email))
    is_member = member is not None and member.is_current
    allowed = mailed_to_address < limit and from_client < limit * 20
    nmg = current_app.config["NMG_SHORT_NAME"]
    subject = _l("Reset your %(nmg)s password", nmg=nmg)
    stand_in = Member(full_name=email, email=email, language=current_app.config["DEFAULT_LANGUAGE"])
    mail = _link_mail(member if is_member else stand_in, LinkPurpose.PASSWORD_RESET, subject)
    db.session.add(
        PasswordResetRequest(email=email[:320], remote_addr=remote_addr[:64], is_mailed=is_member and allowed)
    )
    if is_member and allowed:
        return send_mail(purpose=mail["template"], now=False, **mail)
    compose(**mail)
    db.session.commit()
    return None


def safe_next_path(target: str | None) -> str | None:
    """A ?next= target if it is a path on this site, read the way a browser reads it; else None.

    Browsers drop tabs and line breaks from URLs and take a backslash for a slash, so "/\t/evil.example"
    and "/\\evil.example" both lead to another host: any control character is refused, and the path is
    judged after the browser's own reading.
    """
    if not target or not is_single_line(target):
        return None
    as_browser_reads = target.replace("\\", "/")
    parts = urlsplit(as_browser_reads)
    if parts.scheme or parts.netloc or not as_browser_reads.startswith("/"):
        return None
    return None if as_browser_reads.startswith("//") else target


def external_url(endpoint: str, **values: str) -> str:
    """Links in mails use the configured public address, not whatever host a request came in on."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return current_app.config["PUBLIC_URL"].rstrip("/") + path
