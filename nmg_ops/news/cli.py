"""`flask news …`: draft an issue, send one from the command line with a progress bar, see its progress."""

from __future__ import annotations

from datetime import date

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from .. import clock
from ..delivery.dispatcher import dispatch
from ..errors import RuleError
from ..extensions import db
from ..models import NewsIssue, NewsIssueStatus
from . import drafting, sending

news_cli = AppGroup("news", help="The monthly e-news.")


def _issue(number: int) -> NewsIssue:
    issue = db.session.scalar(sa.select(NewsIssue).where(NewsIssue.number == number))
    if issue is None:
        raise click.ClickException(f"there is no e-news issue n. {number}")
    return issue


@news_cli.command("draft")
@click.option("--month", default=None, help="The month the issue is for, YYYY-MM; next month by default.")
def draft_command(month: str | None) -> None:
    """Draft the issue of a month from the group's meetings, decisions and minutes (kept if it exists)."""
    if month is None:
        first = drafting.first_of_next_month(clock.today())
    else:
        try:
            first = date.fromisoformat(f"{month}-01")
        except ValueError as exc:
            raise click.BadParameter(f"{month!r} is not a month like 2026-12", param_hint="--month") from exc
    issue = drafting.draft_issue(first)
    click.echo(f"{issue.title}: {issue.status}, {len(issue.sections)} sections")


@news_cli.command("send")
@click.argument("number", type=int)
def send_command(number: int) -> None:
    """Send issue NUMBER now, showing its progress; run it again after a crash to finish without
    sending anyone a second copy."""
    issue = _issue(number)
    if issue.status is not NewsIssueStatus.SENDING:
        try:
            sending.send_now(issue)
        except RuleError as exc:
            raise click.ClickException(str(exc)) from exc
    with click.progressbar(length=1, label="queueing", show_pos=True) as bar:

        def queued(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        sending.queue_issue(issue, on_chunk=queued)
    progress = sending.progress(issue)
    with click.progressbar(length=progress.recipients, label="sending", show_pos=True) as bar:
        while True:
            report = dispatch(clock.now(), purpose=issue.outbox_purpose)
            progress = sending.progress(issue)
            bar.update(progress.handled - bar.pos)
            if progress.done or report.unreachable or report.sent + report.failed + report.withdrawn == 0:
                break
    sending.finish_sent(clock.now())
    click.echo(
        f"{issue.title}: {progress.sent} sent, {progress.failed} failed, {progress.withdrawn} withdrawn, "
        f"{progress.deferred} deferred (retried by the scheduler), {progress.queued} waiting"
    )


@news_cli.command("progress")
@click.argument("number", type=int)
def progress_command(number: int) -> None:
    """How far the sending of issue NUMBER is."""
    issue = _issue(number)
    progress = sending.progress(issue)
    click.echo(
        f"{issue.title}: {issue.status}, {progress.stage.value.replace('_', ' ')}; {progress.recipients} "
        f"recipients, {progress.waiting} not yet queued, {progress.queued} queued, {progress.sent} sent, "
        f"{progress.deferred} deferred, {progress.failed} failed, {progress.withdrawn} withdrawn"
    )
