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
        scheduler.shutdown(wait=False)
        db.session.rollback()


def test_tick_names_a_bad_instant(runner):
    result = runner.invoke(args=["tick", "--at", "next tuesday"])
    assert result.exit_code == 2
    assert "--at" in result.output
