"""The scheduler: periodic jobs (dispatch the outbox, sweep meeting reminders, the weekly action digest,
read the calendar mailbox), one process per database.

Production runs `flask --app nmg_ops scheduler` as its own process (or `flask --app nmg_ops tick` from
cron); the development server embeds a background scheduler. Whichever runs, only the holder of the
database lease runs jobs, so a second scheduler started by mistake waits instead of sending twice (and
the outbox would not send twice anyway: see nmg_ops/delivery/dispatcher.py). A scheduler that finds the
lease taken keeps trying and takes over once it lapses; one that is stopped (SIGTERM, Ctrl-C) gives the
lease back at once, so a restart leaves no gap. Every job runs once at start, then on its interval.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from . import clock
from .extensions import db
from .models import SchedulerLease

LEASE_NAME = "scheduler"
LEASE_TIME = timedelta(seconds=90)
#: how often a waiting scheduler looks whether the lease has become free
WAIT_SECONDS = 5


def _dispatch_outbox(now: datetime) -> object:
    from .delivery.dispatcher import dispatch

    # Mail the sweep of this same tick has just queued is due at the real clock's now, not the tick's.
    return dispatch(max(now, clock.now()))


def _sweep_reminders(now: datetime) -> object:
    from .calendar.reminders import sweep

    return sweep(now)


def _send_announcements(now: datetime) -> object:
    from .calendar.invites import send_announcements

    return f"{len(send_announcements(now))} invitations queued"


def _read_calendar_replies(now: datetime) -> object:
    from .calendar.mailbox import read_calendar_replies

    return read_calendar_replies(now)


def _send_survey_reminders(now: datetime) -> object:
    from .governance.consultation_mails import send_reminders

    return send_reminders(now)


def _send_action_digests(now: datetime) -> object:
    from .minutes.digest import send_digests

    return send_digests(now)


def _close_written_procedures(now: datetime) -> object:
    from .minutes.written_procedure import close_due

    return close_due(now)


def _warn_rotation(now: datetime) -> object:
    from .governance.rotation import warn_rotation

    return warn_rotation(now)


def _purge_unconfirmed(now: datetime) -> object:
    from .news.subscriptions import purge_unconfirmed

    return purge_unconfirmed(now)


def _apply_retention(now: datetime) -> object:
    from .privacy.retention import apply_retention

    return apply_retention(now)


def _fetch_partnership(now: datetime) -> object:
    from .governance.partnership.fetching import fetch_sources

    return fetch_sources(now)


def _draft_news(now: datetime) -> object:
    from .news.drafting import draft_next_issue

    return draft_next_issue(now)


def _send_news(now: datetime) -> object:
    from .news.sending import send_issues

    return send_issues(now)


#: job id -> (minutes between runs, what it does as of an instant); the order is the order `tick` runs them
JOBS: dict[str, tuple[int, Callable[[datetime], object]]] = {
    "sweep_reminders": (5, _sweep_reminders),
    "send_announcements": (1, _send_announcements),
    "send_action_digests": (15, _send_action_digests),
    "send_survey_reminders": (15, _send_survey_reminders),
    # Minutes whose written procedure passed its deadline without objection approved (tacit consent),
    # those asked told once each; the outbox job below sends it in the same tick.
    "close_written_procedures": (15, _close_written_procedures),
    # Rotation warnings before a term ends without a confirmed successor, and the new coordinator's
    # announcement; each mail once (dedupe keys), so the hourly run only finds what is newly due.
    "warn_rotation": (60, _warn_rotation),
    # Answers from calendar apps, read from the calendar mailbox (nothing to do without one).
    "read_calendar_replies": (1, _read_calendar_replies),
    # The other NMGs' published self-assessments, where the partnership view is on; a 304 changes nothing.
    "fetch_partnership": (60, _fetch_partnership),
    # Next month's e-news drafted on NEWS_DRAFT_DAY (once: the month is unique), the team told once.
    "draft_news": (60, _draft_news),
    # Scheduled issues started and queued (resumed after a crash), then delivered by the outbox job below.
    "send_news": (1, _send_news),
    # Public subscriptions never confirmed, deleted NEWS_PURGE_UNCONFIRMED_DAYS after the last request.
    "purge_unconfirmed": (360, _purge_unconfirmed),
    # Personal data past its period (RETENTION_*) deleted or pseudonymised, once a day.
    "apply_retention": (1440, _apply_retention),
    "dispatch_outbox": (1, _dispatch_outbox),
}


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def acquire_lease(holder: str, now: datetime | None = None) -> SchedulerLease | None:
    """Take or renew the lease; None when another live scheduler holds it. The lease row is returned."""
    now = now or clock.now()
    taken = db.session.execute(
        sa.update(SchedulerLease)
        .where(
            SchedulerLease.name == LEASE_NAME,
            sa.or_(SchedulerLease.holder == holder, SchedulerLease.expires_at < now),
        )
        .values(holder=holder, expires_at=now + LEASE_TIME)
    ).rowcount
    if not taken:
        db.session.add(SchedulerLease(name=LEASE_NAME, holder=holder, expires_at=now + LEASE_TIME))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return None
    else:
        db.session.commit()
    return db.session.get(SchedulerLease, LEASE_NAME)


def current_lease() -> SchedulerLease | None:
    return db.session.get(SchedulerLease, LEASE_NAME)


def release_lease(holder: str) -> None:
    db.session.execute(
        sa.delete(SchedulerLease).where(SchedulerLease.name == LEASE_NAME, SchedulerLease.holder == holder)
    )
    db.session.commit()


def run_job(job_id: str, now: datetime) -> object:
    """One job as of `now`; a job that fails is logged and reported, and never stops the jobs after it."""
    try:
        return JOBS[job_id][1](now)
    except Exception as exc:
        db.session.rollback()
        current_app.logger.exception("scheduled job %s failed", job_id)
        return f"failed: {exc}"


def run_due_jobs(now: datetime) -> dict[str, object]:
    """Every job once, as of `now`; what `tick` and each scheduled run do."""
    return {job_id: run_job(job_id, now) for job_id in JOBS}


def _configure(scheduler, app: Flask, holder: str) -> Callable[[], None]:
    """Add the jobs; returns `stop`, which gives the lease back for good.

    Once stopped, no job of this process takes the lease again, not even one already running: the check
    and the taking happen under one lock, which `stop` takes too.
    """
    guard = threading.Lock()
    stopped = threading.Event()

    def lease_held() -> bool:
        with guard:
            return not stopped.is_set() and acquire_lease(holder) is not None

    def in_context(name: str, work: Callable[[datetime], object]) -> Callable[[], None]:
        def run() -> None:
            with app.app_context():
                # A scheduler that lost its lease (paused too long, another took over) stops working.
                if not lease_held():
                    app.logger.warning("scheduler lease not held; %s skipped", name)
                    return
                work(clock.now())
                db.session.remove()

        return run

    def heartbeat() -> None:
        with app.app_context():
            lease_held()
            db.session.remove()

    def stop() -> None:
        with guard:
            stopped.set()
            with app.app_context():
                release_lease(holder)

    for job_id, (minutes, _job) in JOBS.items():
        scheduler.add_job(
            in_context(job_id, partial(run_job, job_id)),
            "interval",
            minutes=minutes,
            id=job_id,
            replace_existing=True,
        )
    # Once at start, every job in order, so that the first dispatch sends what the first sweep queued.
    scheduler.add_job(
        in_context("start", run_due_jobs),
        next_run_time=datetime.now(ZoneInfo(app.config["TIMEZONE"])),
        id="start",
        replace_existing=True,
    )
    scheduler.add_job(
        heartbeat, "interval", seconds=WAIT_SECONDS, id="lease_heartbeat", replace_existing=True
    )
    return stop


def _make(kind: type, app: Flask):
    return kind(
        timezone=ZoneInfo(app.config["TIMEZONE"]),
        job_defaults={"coalesce": True, "misfire_grace_time": 15 * 60, "max_instances": 1},
    )


def release_on_signal(app: Flask) -> None:
    """In the serving process: on SIGTERM or SIGINT, stop the embedded scheduler and give its lease back
    before the process ends as the signal says, so that a restarted server schedules at once."""
    scheduler = app.extensions.get("nmg_scheduler")
    if scheduler is None or threading.current_thread() is not threading.main_thread():
        return

    def on_signal(signum: int, _frame: object) -> None:
        # The scheduler runs in its own thread; this (serving) thread holds none of its locks.
        from .delivery.dispatcher import stopping

        stopping.set()
        scheduler.shutdown(wait=False)
        app.extensions["nmg_scheduler_stop"]()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)


def start_embedded(app: Flask) -> BackgroundScheduler | None:
    """The development server's scheduler, started in the serving process only (not in the reloader's).

    It starts even when another scheduler holds the lease: its jobs skip until the lease lapses, then it
    takes over.
    """
    if os.environ.get("FLASK_DEBUG") and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return None
    if "nmg_scheduler" in app.extensions:
        return None
    holder = holder_name()
    with app.app_context():
        if acquire_lease(holder) is None:
            app.logger.warning("another scheduler holds the lease; this one takes over when it lapses")
    scheduler = _make(BackgroundScheduler, app)
    app.extensions["nmg_scheduler_stop"] = _configure(scheduler, app, holder)
    scheduler.start()
    app.extensions["nmg_scheduler"] = scheduler
    return scheduler


@click.command("scheduler")
@click.option("--exit-if-running", is_flag=True, help="Exit at once if another scheduler holds the lease.")
@with_appcontext
def scheduler_command(exit_if_running: bool) -> None:
    """Run the scheduler in the foreground: exactly one per database, never one per web worker."""
    app = current_app._get_current_object()
    holder = holder_name()

    stopping = threading.Event()

    def shut_down_once_running() -> None:
        # A dispatch under way finishes the mail in flight and gives the rest of its claim back, so the
        # process ends within seconds instead of after everything it had claimed.
        from .delivery.dispatcher import stopping

        stopping.set()
        # The signal may come before the loop runs; shutting down is only possible once it does.
        deadline = time.monotonic() + WAIT_SECONDS
        while not scheduler.running and time.monotonic() < deadline:
            time.sleep(0.05)
        if scheduler.running:
            scheduler.shutdown(wait=False)

    def on_signal(_signum: int, _frame: object) -> None:
        # Nothing that takes a lock here: the signal may interrupt the loop while it holds one (the
        # executor's), and shutting down needs it. Another thread does the shutting down.
        stopping.set()
        threading.Thread(target=shut_down_once_running, name="scheduler-stop", daemon=True).start()

    # From the first moment: a stop signal always ends in the `finally` that gives the lease back.
    before = {signum: signal.signal(signum, on_signal) for signum in (signal.SIGTERM, signal.SIGINT)}
    scheduler = _make(BlockingScheduler, app)
    stop = _configure(scheduler, app, holder)
    try:
        while not stopping.is_set() and acquire_lease(holder) is None:
            lease = current_lease()
            if lease is not None:
                until = f"{lease.expires_at:%H:%M:%S} UTC"
                message = f"another scheduler ({lease.holder}) holds the lease until {until}"
                if exit_if_running:
                    raise click.ClickException(message)
                click.echo(f"{message}; waiting", err=True)
            db.session.remove()
            stopping.wait(WAIT_SECONDS)
        if not stopping.is_set():
            click.echo(f"scheduler {holder} started; jobs: {', '.join(JOBS)}")
            scheduler.start()
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        stop()
        for signum, handler in before.items():
            signal.signal(signum, handler)
        click.echo(f"scheduler {holder} stopped; lease released")


@click.command("tick")
@click.option(
    "--at", "at", default=None, help="Run the jobs as of this instant (ISO 8601), e.g. to catch up."
)
@with_appcontext
def tick_command(at: str | None) -> None:
    """Run every job once, then exit; twice for the same instant sends nothing new."""
    now = clock.now()
    if at:
        try:
            now = datetime.fromisoformat(at)
        except ValueError as exc:
            raise click.BadParameter(f"{at!r} is not an ISO 8601 date and time", param_hint="--at") from exc
        if now.tzinfo is None:
            now = now.replace(tzinfo=clock.nmg_zone())
    for job_id, outcome in run_due_jobs(now).items():
        click.echo(f"{job_id}: {outcome}")
