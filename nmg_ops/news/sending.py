"""Approving, scheduling and sending an issue, once to every recipient, whatever crashes on the way.

The steps, each a conditional UPDATE that only one caller can win:
draft (-> approved, where the NMG asks for it) -> scheduled -> sending -> sent.

Sending is queueing: one outbox row per recipient, keyed by the issue and the address, inserted in
chunks with ON CONFLICT DO NOTHING and committed chunk by chunk. A sender that dies half-way leaves the
issue "sending" with no `queued_at`; the next run (the scheduler's, or the command run again) queues the
rest, and the keys already there are skipped, so nobody is skipped and nobody gets two. The outbox's
dispatcher then delivers them as it delivers everything, and the progress view counts the issue's rows
by status: one grouped query whatever the number of subscribers. The issue becomes sent as soon as the
dispatcher has recorded the batch that held its last waiting mail (`batch_recorded`); the scheduler's run
does the same for an issue whose last mails were withdrawn rather than sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import audit, clock
from ..busy_database import retry_when_locked
from ..delivery.dispatcher import batch_recorded
from ..delivery.outbox import HeaderInjectionError, already_enqueued, enqueue_many, enqueue_refused
from ..errors import RuleError
from ..extensions import db
from ..models import (
    AuditAction,
    AuditSubject,
    DeliveryStatus,
    Member,
    NewsIssue,
    NewsIssueStatus,
    OutboundMessage,
)
from . import rendering
from .bounces import PURPOSE_PREFIX
from .recipients import Recipient, counts, recipients

#: recipients queued per transaction: a crash loses at most this much queueing work, never a mail
CHUNK = 500


def approval_required() -> bool:
    return bool(current_app.config["NEWS_APPROVAL_REQUIRED"])


def _move(
    issue: NewsIssue, allowed: set[NewsIssueStatus], action: AuditAction | None = None, **values: object
) -> bool:
    """Change the issue only if it is still in one of `allowed`, with its audit entry; True if this call
    made the change. A lost race records nothing."""
    if action is not None:
        audit.record(action, AuditSubject.NEWS_ISSUE, issue.id, issue.title, changes=_plain(values))
    result = db.session.execute(
        sa.update(NewsIssue)
        .where(NewsIssue.id == issue.id, NewsIssue.status.in_(allowed))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        db.session.commit()
    else:
        db.session.rollback()
    db.session.refresh(issue)
    return result.rowcount == 1


def _plain(values: dict[str, object]) -> dict[str, list[object]]:
    return {
        key: [None, value.isoformat() if isinstance(value, datetime) else str(value)]
        for key, value in values.items()
        if key in {"status", "scheduled_for"}
    }


def approve(issue: NewsIssue, by: Member) -> None:
    if not _move(
        issue,
        {NewsIssueStatus.DRAFT},
        AuditAction.APPROVED,
        status=NewsIssueStatus.APPROVED,
        approved_at=clock.now(),
        approved_by_id=by.id,
    ):
        raise RuleError(
            _l("Only a draft can be approved; this issue was approved, scheduled or sent already.")
        )


def _check_sendable(issue: NewsIssue) -> None:
    if issue.status not in {NewsIssueStatus.DRAFT, NewsIssueStatus.APPROVED}:
        raise RuleError(_l("This issue is scheduled or sent already."))
    if approval_required() and issue.status is not NewsIssueStatus.APPROVED:
        raise RuleError(_l("The coordinator approves the issue before it is scheduled or sent."))
    if not any(section.body.strip() for section in issue.sections):
        raise RuleError(_l("Every section of this issue is empty; there is nothing to send."))


def schedule(issue: NewsIssue, at: datetime) -> None:
    """Send at `at`; the scheduler starts it within a minute of that time."""
    _check_sendable(issue)
    if at <= clock.now():
        raise RuleError(_l("Choose a time in the future, or send now."), field="send_at")
    if not _move(
        issue,
        {NewsIssueStatus.DRAFT, NewsIssueStatus.APPROVED},
        AuditAction.SCHEDULED,
        status=NewsIssueStatus.SCHEDULED,
        scheduled_for=at,
    ):
        raise RuleError(_l("Someone else changed this issue at the same moment; look at it again."))


def send_now(issue: NewsIssue) -> None:
    """Mark the issue for sending at once; the caller then starts it (after the response, or the CLI)."""
    _check_sendable(issue)
    now = clock.now()
    # Counted now, so that the progress page shows the real total before the first mail is queued.
    if not _move(
        issue,
        {NewsIssueStatus.DRAFT, NewsIssueStatus.APPROVED},
        AuditAction.SENDING_STARTED,
        status=NewsIssueStatus.SENDING,
        scheduled_for=now,
        send_started_at=now,
        recipient_count=counts().total,
    ):
        raise RuleError(_l("Someone else changed this issue at the same moment; look at it again."))


def unschedule(issue: NewsIssue) -> None:
    back = NewsIssueStatus.APPROVED if issue.approved_at is not None else NewsIssueStatus.DRAFT
    if not _move(
        issue, {NewsIssueStatus.SCHEDULED}, AuditAction.UNSCHEDULED, status=back, scheduled_for=None
    ):
        raise RuleError(_l("Sending has started; the issue can no longer be unscheduled."))


def _messages(
    issue: NewsIssue, chunk: list[Recipient], templates: dict[tuple[str, str], rendering.MailTemplate]
) -> list:
    """The chunk's mails not yet in the outbox; `templates` keeps each edition and language's rendering
    for the whole run."""
    purpose = issue.outbox_purpose
    keys = {recipient.email: f"{purpose}:{recipient.email.lower()}" for recipient in chunk}
    done = already_enqueued(list(keys.values()))
    mails = []
    for recipient in chunk:
        key = keys[recipient.email]
        if key in done:
            continue
        language = str(recipient.language)
        template = templates.get((recipient.edition.value, language))
        if template is None:
            rendered = rendering.render(issue, recipient.edition, language)
            template = templates[(recipient.edition.value, language)] = rendering.mail_template(
                rendered, recipient.edition
            )
        try:
            message = rendering.prepared_mail(
                issue, template, recipient.holder_id, recipient.email, recipient.name
            )
        except HeaderInjectionError as exc:
            # One unusable name costs that one mail, recorded with its reason; the others go on.
            enqueue_refused(purpose, key, recipient.email, issue.title, str(exc))
            continue
        mails.append((purpose, key, recipient.email, message))
    return mails


def queue_issue(issue: NewsIssue, on_chunk: Callable[[int, int], None] | None = None) -> int:
    """Put a sending issue's mails in the outbox; resumes where a crashed run stopped. Returns rows added."""
    everyone = recipients()

    def count() -> None:
        if issue.recipient_count is None:
            issue.recipient_count = len(everyone)
            db.session.commit()

    def mark_queued() -> None:
        issue.queued_at = clock.now()
        db.session.commit()

    # Each transaction waits out a locked database and runs again whole: a chunk re-reads the keys
    # already queued, so a chunk run twice queues nobody twice.
    retry_when_locked(count, db.session.rollback)
    added = 0
    templates: dict[tuple[str, str], rendering.MailTemplate] = {}
    for start in range(0, len(everyone), CHUNK):
        chunk = everyone[start : start + CHUNK]

        def queue_chunk(chunk: list[Recipient] = chunk) -> int:
            queued = len(enqueue_many(_messages(issue, chunk, templates)))
            db.session.commit()
            return queued

        added += retry_when_locked(queue_chunk, db.session.rollback)
        if on_chunk is not None:
            on_chunk(min(start + CHUNK, len(everyone)), len(everyone))
    retry_when_locked(mark_queued, db.session.rollback)
    return added


def start_due(now: datetime) -> list[NewsIssue]:
    """Scheduled issues whose time has come become sending; this caller won each one returned."""
    due = db.session.scalars(
        sa.select(NewsIssue).where(
            NewsIssue.status == NewsIssueStatus.SCHEDULED, NewsIssue.scheduled_for <= now
        )
    ).all()
    return [
        issue
        for issue in due
        if _move(
            issue,
            {NewsIssueStatus.SCHEDULED},
            AuditAction.SENDING_STARTED,
            status=NewsIssueStatus.SENDING,
            send_started_at=now,
        )
    ]


class Stage(StrEnum):
    #: sending has started but none of its mails is in the outbox yet (queueing runs after the answer, or
    #: at the scheduler's next run): nothing was sent, and nothing is finished either
    NOT_QUEUED = "not_queued"
    #: its mails are being put in the outbox
    QUEUEING = "queueing"
    #: every mail is in the outbox, and some wait to be sent (or to be tried again)
    SENDING = "sending"
    #: every mail was sent, failed for good or was withdrawn
    DONE = "done"


STAGE_LABELS = {
    Stage.NOT_QUEUED: _l(
        "Being queued: sending has started, and the mails go into the outbox in a moment; the counts follow."
    ),
    Stage.QUEUEING: _l("Queueing: the mails are being put in the outbox."),
    Stage.SENDING: _l("Sending: every mail is in the outbox, and the outbox is sending them."),
    Stage.DONE: _l("Done: every mail was sent, failed for good or was withdrawn."),
}


@dataclass
class Progress:
    recipients: int
    queued: int = 0
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    #: taken back before sending: the recipient withdrew their consent meanwhile
    withdrawn: int = 0
    #: every recipient's mail is in the outbox (the issue's `queued_at`)
    all_queued: bool = False

    @property
    def in_outbox(self) -> int:
        return self.queued + self.sent + self.deferred + self.failed + self.withdrawn

    @property
    def waiting(self) -> int:
        """Recipients whose mail is not yet in the outbox."""
        return 0 if self.all_queued else max(self.recipients - self.in_outbox, 0)

    @property
    def handled(self) -> int:
        """Mails that need nothing more: sent, failed for good, or withdrawn."""
        return self.sent + self.failed + self.withdrawn

    @property
    def stage(self) -> Stage:
        if self.all_queued:
            return Stage.DONE if self.queued == 0 and self.deferred == 0 else Stage.SENDING
        return Stage.QUEUEING if self.in_outbox else Stage.NOT_QUEUED

    @property
    def done(self) -> bool:
        return self.stage is Stage.DONE


def progress(issue: NewsIssue) -> Progress:
    """Counts by outbox status: one grouped query on the purpose index, whatever the subscriber count.

    Once queueing is over, the recipients are the mails in the outbox: the list read when a resumed run
    started may be shorter or longer than the one counted when sending started."""
    # A pending mail that was tried already waits for its retry: deferred.
    tried = (OutboundMessage.attempts > 0).label("tried")
    rows = db.session.execute(
        sa.select(OutboundMessage.status, tried, sa.func.count())
        .where(OutboundMessage.purpose == issue.outbox_purpose)
        .group_by(OutboundMessage.status, sa.literal_column("tried"))
    )
    counts = Progress(issue.recipient_count or 0, all_queued=issue.queued_at is not None)
    for status, was_tried, count in rows:
        if status is DeliveryStatus.SENT:
            counts.sent += count
        elif status is DeliveryStatus.FAILED:
            counts.failed += count
        elif status is DeliveryStatus.WITHDRAWN:
            counts.withdrawn += count
        elif (status is DeliveryStatus.PENDING and was_tried) or status is DeliveryStatus.UNKNOWN:
            counts.deferred += count
        else:
            counts.queued += count
    counts.recipients = counts.in_outbox if counts.all_queued else max(counts.recipients, counts.in_outbox)
    return counts


def _has_waiting_mail(issue: NewsIssue) -> sa.ColumnElement[bool]:
    # One probe of the (purpose, status) index: cheap enough to ask after every batch the dispatcher sends.
    return sa.exists().where(
        OutboundMessage.purpose == issue.outbox_purpose,
        OutboundMessage.status.in_((DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.UNKNOWN)),
    )


def finish_sent(now: datetime, issue_ids: frozenset[int] | None = None) -> int:
    """Sending issues (of `issue_ids`, or all) whose every mail is in the outbox and has left it (sent,
    failed for good or withdrawn) become sent."""
    query = sa.select(NewsIssue).where(
        NewsIssue.status == NewsIssueStatus.SENDING, NewsIssue.queued_at.is_not(None)
    )
    if issue_ids is not None:
        query = query.where(NewsIssue.id.in_(issue_ids))
    finished = 0
    for issue in db.session.scalars(query).all():
        if not db.session.scalar(sa.select(_has_waiting_mail(issue))) and _move(
            issue, {NewsIssueStatus.SENDING}, status=NewsIssueStatus.SENT, sent_at=now
        ):
            finished += 1
    return finished


@batch_recorded.connect
def finish_after_batch(_sender: object, *, purposes: frozenset[str]) -> None:
    """An issue is sent when the batch holding its last mail is recorded, not at the scheduler's next run."""
    issue_ids = frozenset(
        int(purpose.removeprefix(PURPOSE_PREFIX))
        for purpose in purposes
        if purpose.startswith(PURPOSE_PREFIX) and purpose.removeprefix(PURPOSE_PREFIX).isdigit()
    )
    if issue_ids:
        retry_when_locked(lambda: finish_sent(clock.now(), issue_ids), db.session.rollback)


def send_issues(now: datetime | None = None) -> str:
    """The scheduler's job: start what is due, queue what is sending (again after a crash), close what
    is done. The outbox job that runs after it in the same tick delivers the mails."""
    now = now or clock.now()
    started = start_due(now)
    unqueued = db.session.scalars(
        sa.select(NewsIssue).where(NewsIssue.status == NewsIssueStatus.SENDING, NewsIssue.queued_at.is_(None))
    ).all()
    queued = sum(queue_issue(issue) for issue in unqueued)
    finished = finish_sent(now)
    return f"{len(started)} started, {queued} mails queued, {finished} finished"
