from datetime import timedelta

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.scheduler import LEASE_TIME, acquire_lease, release_lease, start_embedded


def test_only_one_scheduler_holds_the_lease(app):
    assert acquire_lease("host-a:1") is not None
    assert acquire_lease("host-b:2") is None, "a second scheduler waits"
    assert acquire_lease("host-a:1") is not None, "the holder renews"
    later = clock.now() + LEASE_TIME + timedelta(seconds=1)
    assert acquire_lease("host-b:2", now=later) is not None, "a dead holder's lease runs out"
    assert acquire_lease("host-a:1", now=later) is None
    release_lease("host-b:2")
    assert acquire_lease("host-a:1", now=later) is not None


def test_second_scheduler_process_says_so_and_exits(app, runner):
    acquire_lease("elsewhere:42")
    result = runner.invoke(args=["scheduler", "--exit-if-running"])
    assert result.exit_code == 1
    assert "another scheduler (elsewhere:42) holds the lease" in result.output


def test_embedded_scheduler_is_not_started_in_the_reloader_process(app, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    assert start_embedded(app) is None


def test_embedded_scheduler_starts_once_with_its_jobs(app, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    scheduler = start_embedded(app)
    try:
        ids = {job.id for job in scheduler.get_jobs()}
        assert {"dispatch_outbox", "sweep_reminders", "lease_heartbeat"} <= ids
        assert str(scheduler.timezone) == app.config["TIMEZONE"]
        assert start_embedded(app) is None, "started once per process"
    finally:
        # Its jobs run at start: let them finish before the test's database goes.
        scheduler.shutdown(wait=True)
        db.session.rollback()


def test_tick_names_a_bad_instant(runner):
    result = runner.invoke(args=["tick", "--at", "next tuesday"])
    assert result.exit_code == 2
    assert "--at" in result.output


def test_embedded_scheduler_sends_waiting_mail_and_due_reminders_at_start(
    app, monkeypatch, outbox, make_meeting, people
):
    import time

    import sqlalchemy as sa

    from nmg_ops.delivery.outbox import build_message, enqueue
    from nmg_ops.models import DeliveryStatus, OutboundMessage

    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    message = build_message(
        to_email="w@example.org", to_name="W", subject="Waiting", text="t", html="<p>t</p>"
    )
    enqueue("test", "waiting:1", "w@example.org", message)
    db.session.commit()
    from nmg_ops.models import MeetingStatus

    make_meeting(
        "plenary",
        starts_at=clock.now() + timedelta(hours=20),
        status=MeetingStatus.CONFIRMED,
        invitees=[people["member"]],
        title="Tomorrow's plenary",
    )
    scheduler = start_embedded(app)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            db.session.rollback()
            statuses = set(db.session.scalars(sa.select(OutboundMessage.status)))
            if len(outbox()) >= 2 and statuses == {DeliveryStatus.SENT}:
                break
            time.sleep(0.1)
    finally:
        scheduler.shutdown(wait=True)
        db.session.rollback()
    # The first run sweeps, then dispatches: the reminder it queued goes at once too.
    subjects = sorted(mail["Subject"] for mail in outbox())
    assert "Waiting" in subjects and "Reminder: Tomorrow's plenary" in subjects


def test_embedded_scheduler_waits_for_a_held_lease_and_takes_over_when_it_lapses(app, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    acquire_lease("elsewhere:42")
    scheduler = start_embedded(app)
    try:
        assert scheduler is not None, "started, waiting for the lease instead of giving up"
        assert {job.id for job in scheduler.get_jobs()} >= {"lease_heartbeat"}
    finally:
        scheduler.shutdown(wait=True)
        db.session.rollback()
