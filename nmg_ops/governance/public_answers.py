"""The public's answers to a consultation open to the public: sent without an account, confirmed by mail.

A visitor answers on the consultation's public page with their e-mail address; the answer waits as a
`PublicAnswerRequest` and a link is mailed to the address. Following it (a POST, since mail scanners
open links) makes the answer count: it becomes a `PublicResponse` that keeps no address, only a keyed
mark of the survey and the address (HMAC with SECRET_KEY), which is what lets a second confirmed answer
from the same address replace the first; the request, and with it the address, is deleted. A link works
once, for PUBLIC_CONSULTATION_CONFIRM_DAYS and never after the deadline; unconfirmed requests are deleted
by the daily retention job after RETENTION_UNCONFIRMED_ANSWER_DAYS (`purge_unconfirmed_answers`).

Answers are counted per network address (per hour) and per e-mail address (per day, by a keyed mark,
whether or not the address has answered before); over either limit the answer is refused and nothing is
kept or sent. The confirmation mail carries nothing the visitor typed but the address.

The same mail carries a second link, signed for another purpose, that withdraws the confirmed answer until
the consultation closes (`withdraw`): the answer goes from the counts with its keyed mark, and the
confirmation mail in the record of mails sent loses its address and text. Nothing is kept to refuse the
link a second time: it names the answer by the request's random nonce, whose keyed mark goes with the
answer. The answer keeps the mark, not the nonce, because the confirmation mail's record names the nonce
with the address: one who reads the database cannot join them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..delivery.outbox import forget_contents
from ..errors import RuleError, lock_row
from ..extensions import db
from ..mail import send_mail
from ..models import (
    ITALIAN_REGIONS,
    OutboundMessage,
    PublicAnswer,
    PublicAnswerAttempt,
    PublicAnswerRequest,
    PublicCapacity,
    PublicResponse,
    Survey,
    SurveyReach,
)
from .consultations import ConsultationError, checked_answers, is_accepting

CONFIRM_PURPOSE = "consultation_confirm"
_CONFIRM_SALT = "nmg-ops/consultation-answer-confirm"
_SHOWN_SALT = "nmg-ops/consultation-page-shown"
_WITHDRAW_SALT = "nmg-ops/consultation-answer-withdraw"
#: what stands for the address of a withdrawn answer's confirmation mail in the record of mails sent; a
#: reserved domain (RFC 2606), so that it reaches nobody
WITHDRAWN_RECIPIENT = "withdrawn-answer@former.invalid"
#: how many open public consultations the landing page lists
LANDING_LIMIT = 5


class PublicAnswerError(RuleError):
    """An answer or a confirmation refused; the message says why and `status` is the page's answer."""

    def __init__(self, message: Any, status: int, field: str | None = None) -> None:
        super().__init__(message, field)
        self.status = status


@dataclass
class PublicAnswerDraft:
    #: the address, normalised by the form
    email: str
    capacity: PublicCapacity
    region: str | None
    values: dict[int, list[str]]


# --- which consultations the public sees -------------------------------------------------------------------


def is_public(survey: Survey) -> bool:
    return survey.opened_at is not None and survey.asks_public


def open_to_the_public(now: datetime) -> list[Survey]:
    """The consultations the public can answer now, the nearest deadline first."""
    return list(
        db.session.scalars(
            sa.select(Survey)
            .where(
                Survey.opened_at.is_not(None),
                Survey.reach.in_((SurveyReach.PUBLIC, SurveyReach.BOTH)),
                Survey.deadline_at > now,
            )
            .order_by(Survey.deadline_at, Survey.id)
            .limit(LANDING_LIMIT)
        )
    )


# --- the minimum time on the page --------------------------------------------------------------------------


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _withdraw_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_WITHDRAW_SALT)


def shown_stamp(survey: Survey) -> str:
    """A signed mark of when the page was shown, which the answer brings back."""
    return _serializer(_SHOWN_SALT).dumps(survey.id)


def check_time_on_page(survey: Survey, stamp: str) -> None:
    """Refuse an answer sent sooner after the page was shown than a person can read and answer it."""
    try:
        shown_for, signed_at = _serializer(_SHOWN_SALT).loads(stamp, return_timestamp=True)
    except BadSignature as exc:
        raise PublicAnswerError(
            _l("The page could not be read back. Open it again and answer."), 400
        ) from exc
    seconds = (clock.now() - signed_at).total_seconds()
    if shown_for != survey.id or seconds < int(current_app.config["PUBLIC_CONSULTATION_MIN_SECONDS"]):
        raise PublicAnswerError(
            _l("The answer came too fast to have been typed by a person. Nothing was recorded; try again."),
            400,
        )


# --- answering ----------------------------------------------------------------------------------------------


def _mark(label: str, email: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{label}:{email}".encode(), hashlib.sha256).hexdigest()


def address_mark(email: str) -> str:
    """The address as the limits count it: keyed, so the table lists nobody."""
    return _mark("consultation-request", email)


def withdraw_mark(nonce: str) -> str:
    """What a confirmed answer keeps of the nonce its link to withdraw carries: a keyed mark."""
    return _mark("consultation-withdraw", nonce)


def address_hash(survey_id: int, email: str) -> str:
    """What a confirmed answer keeps of its address: a keyed mark, per survey."""
    return _mark(f"consultation-answer:{survey_id}", email)


def _over_limits(client: str, mark: str) -> bool:
    now = clock.now()
    from_client = db.session.scalar(
        sa.select(sa.func.count()).where(
            PublicAnswerAttempt.remote_addr == client[:64], PublicAnswerAttempt.at >= now - timedelta(hours=1)
        )
    )
    for_address = db.session.scalar(
        sa.select(sa.func.count()).where(
            PublicAnswerAttempt.address_mark == mark, PublicAnswerAttempt.at >= now - timedelta(days=1)
        )
    )
    config = current_app.config
    return from_client >= int(config["PUBLIC_CONSULTATION_MAX_PER_HOUR"]) or for_address >= int(
        config["PUBLIC_CONSULTATION_MAX_PER_ADDRESS"]
    )


def _accepting(survey: Survey) -> None:
    if not is_public(survey) or not is_accepting(survey):
        raise PublicAnswerError(_l("The consultation is closed: answers are no longer accepted."), 410)


def request_answer(survey: Survey, draft: PublicAnswerDraft, client: str) -> int | None:
    """Keep the answer until it is confirmed and mail the link; returns the outbox id to dispatch.

    Refused, with nothing written, when the consultation is closed, an answer is out of bounds, the region
    is not one of the list, or the network address or the e-mail address is over its limit."""
    _accepting(survey)
    try:
        rows = checked_answers(survey, draft.values)
    except ConsultationError as error:
        raise PublicAnswerError(str(error), 400, error.field) from error
    if draft.region is not None and draft.region not in ITALIAN_REGIONS:
        raise PublicAnswerError(_l("Choose a region from the list."), 400, "region")
    mark = address_mark(draft.email)
    if _over_limits(client, mark):
        raise PublicAnswerError(
            _l(
                "Too many answers have come from this network or for this address. Nothing was recorded; "
                "try again tomorrow."
            ),
            429,
        )
    now = clock.now()
    db.session.add(PublicAnswerAttempt(remote_addr=client[:64], address_mark=mark, at=now))
    request = PublicAnswerRequest(
        survey_id=survey.id,
        email=draft.email,
        nonce=secrets.token_hex(16),
        capacity=draft.capacity,
        region=draft.region,
        answers=json.dumps(rows),
        created_at=now,
    )
    db.session.add(request)
    db.session.flush()
    return send_mail(
        to_email=draft.email,
        purpose=CONFIRM_PURPOSE,
        dedupe_key=f"{CONFIRM_PURPOSE}:{request.id}:{request.nonce}",
        now=False,
        to_name="",
        language=str(get_locale() or current_app.config["DEFAULT_LANGUAGE"])[:2],
        subject=_l("Confirm your answer to the consultation of the %(nmg)s", nmg=_nmg()),
        template="consultation_confirm",
        title=survey.title,
        link=_confirm_url(request),
        withdraw_link=withdraw_url(survey.id, request.nonce),
        valid_days=int(current_app.config["PUBLIC_CONSULTATION_CONFIRM_DAYS"]),
    )


def _nmg() -> str:
    return current_app.config["NMG_SHORT_NAME"]


def _confirm_url(request: PublicAnswerRequest) -> str:
    token = _serializer(_CONFIRM_SALT).dumps({"r": request.id, "n": request.nonce})
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/public-consultations/confirm/{token}"


def withdraw_url(survey_id: int, key: str) -> str:
    """The link that withdraws the answer confirmed from the request whose nonce is `key`."""
    # Untimed: the link ends with the consultation, and the same answer gets the same link in the mail
    # and on the page after confirming.
    token = _withdraw_serializer().dumps({"s": survey_id, "k": key})
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/public-consultations/withdraw/{token}"


# --- confirming ---------------------------------------------------------------------------------------------


def request_for_link(token: str) -> PublicAnswerRequest:
    """The waiting answer a confirmation link is for; PublicAnswerError when forged, used or expired."""
    max_age = int(current_app.config["PUBLIC_CONSULTATION_CONFIRM_DAYS"]) * 86400
    again = _("Answer the consultation again to get a new link.")
    try:
        data = _serializer(_CONFIRM_SALT).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise PublicAnswerError(_("This confirmation link has expired.") + " " + again, 410) from exc
    except BadSignature as exc:
        raise PublicAnswerError(_("This confirmation link is not valid.") + " " + again, 404) from exc
    if not isinstance(data, dict) or not isinstance(data.get("r"), int) or not isinstance(data.get("n"), str):
        raise PublicAnswerError(_("This confirmation link is not valid.") + " " + again, 404)
    request = db.session.get(PublicAnswerRequest, data["r"])
    if request is None or not secrets.compare_digest(request.nonce, data["n"]):
        raise PublicAnswerError(
            _("This confirmation link has already been used, or its answer was deleted unconfirmed.")
            + " "
            + again,
            410,
        )
    return request


def confirm(request: PublicAnswerRequest) -> bool:
    """Count the answer, in place of an earlier one from the same address; True when it replaced one.

    The request and its address are deleted in the same transaction, so that a second use of the link
    finds nothing."""
    survey = db.session.get(Survey, request.survey_id)
    lock_row(Survey, survey.id)
    if db.session.get(PublicAnswerRequest, request.id) is None:
        raise PublicAnswerError(_l("This confirmation link has already been used."), 410)
    _accepting(survey)
    mark = address_hash(survey.id, request.email)
    replaced = db.session.execute(
        sa.delete(PublicResponse).where(
            PublicResponse.survey_id == survey.id, PublicResponse.address_hash == mark
        )
    ).rowcount
    response = PublicResponse(
        survey_id=survey.id,
        address_hash=mark,
        capacity=request.capacity,
        region=request.region,
        withdraw_key=withdraw_mark(request.nonce),
    )
    response.answers = [
        PublicAnswer(question_id=qid, value=value) for qid, value in json.loads(request.answers)
    ]
    db.session.add(response)
    db.session.delete(request)
    try:
        db.session.commit()
    except IntegrityError as exc:
        # Two confirmations from one address at once: the survey and mark are unique, the first one stands.
        db.session.rollback()
        raise PublicAnswerError(_l("This confirmation link has already been used."), 410) from exc
    return bool(replaced)


# --- withdrawing -------------------------------------------------------------------------------------------


def response_for_link(token: str) -> tuple[PublicResponse, str]:
    """The confirmed answer a link to withdraw is for, with the nonce the link carries; PublicAnswerError
    when forged, used, or the consultation has closed."""
    try:
        data = _withdraw_serializer().loads(token)
    except BadSignature as exc:
        raise PublicAnswerError(_l("This link to withdraw an answer is not valid."), 404) from exc
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or not isinstance(data.get("k"), str):
        raise PublicAnswerError(_l("This link to withdraw an answer is not valid."), 404)
    survey = db.session.get(Survey, data["s"])
    if survey is None or not is_public(survey):
        raise PublicAnswerError(_l("This link to withdraw an answer is not valid."), 404)
    if not is_accepting(survey):
        raise PublicAnswerError(
            _l("The consultation has closed: its answers are final and can no longer be withdrawn."), 410
        )
    response = db.session.scalar(
        sa.select(PublicResponse).where(
            PublicResponse.survey_id == survey.id, PublicResponse.withdraw_key == withdraw_mark(data["k"])
        )
    )
    if response is None:
        raise PublicAnswerError(
            _l(
                "There is no answer to withdraw with this link: it has already been withdrawn, a later "
                "answer from the same address replaced it, or it was never confirmed."
            ),
            410,
        )
    return response, data["k"]


def withdraw(response: PublicResponse, nonce: str) -> None:
    """Take the answer out of the counts, with its keyed mark and the address its confirmation mail kept."""
    survey = db.session.get(Survey, response.survey_id)
    lock_row(Survey, survey.id)
    _accepting(survey)
    mark = withdraw_mark(nonce)
    gone = db.session.execute(
        sa.delete(PublicResponse).where(PublicResponse.id == response.id, PublicResponse.withdraw_key == mark)
    ).rowcount
    if not gone:
        db.session.rollback()
        raise PublicAnswerError(_l("This answer has already been withdrawn."), 410)
    confirmation = (
        OutboundMessage.purpose == CONFIRM_PURPOSE,
        OutboundMessage.dedupe_key.like(f"{CONFIRM_PURPOSE}:%:{nonce}"),
    )
    forget_contents(sa.select(OutboundMessage.id).where(*confirmation))
    db.session.execute(
        sa.update(OutboundMessage)
        .where(*confirmation)
        .values(recipient=WITHDRAWN_RECIPIENT)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


# --- retention ----------------------------------------------------------------------------------------------


def purge_unconfirmed_answers(cutoff: datetime) -> int:
    """Delete the answers never confirmed, sent before `cutoff`, with their addresses; and the counts of
    the limits, which read one day back at most."""
    purged = db.session.execute(
        sa.delete(PublicAnswerRequest).where(PublicAnswerRequest.created_at < cutoff)
    ).rowcount
    db.session.execute(
        sa.delete(PublicAnswerAttempt).where(PublicAnswerAttempt.at < clock.now() - timedelta(days=1))
    )
    return purged
