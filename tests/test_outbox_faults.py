"""The outbox and the scheduler as operators run them, in real processes: a mail server that stalls, a
dispatcher killed mid-batch, a scheduler restarted. No mail twice (but the one in flight at a kill), none
lost, none waiting long."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest
import sqlalchemy as sa

from nmg_ops.extensions import db
from nmg_ops.models import DeliveryStatus, OutboundMessage, SchedulerLease
from tests.fixtures import wait_for
from tests.test_outbox import flask_process, queue, statuses

pytestmark = pytest.mark.smtp


def _flask(database_url: str, sink_port: int, tmp_path, *args: str, **settings: str) -> subprocess.Popen:
    return flask_process(database_url, sink_port, tmp_path, *args, merged=True, **settings)


def _count(*where) -> int:
    """A fresh count: the test's own session must not read from an old snapshot while processes write."""
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage).where(*where))


def _leases() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count(SchedulerLease.name)))


def test_a_server_stalling_longer_than_the_lease_never_causes_a_duplicate(
    app, smtp_sink, database_url, tmp_path
):
    addresses = queue(4)
    smtp_sink.handler.delay = 2.5  # each DATA is held longer than the whole lease
    lease = {"OUTBOX_LEASE_SECONDS": "1.5"}
    first = _flask(database_url, smtp_sink.port, tmp_path, "tick", **lease)
    assert wait_for(lambda: _count(OutboundMessage.status == DeliveryStatus.SENDING), 20)
    time.sleep(2)  # past the lease of the first claim
    second = _flask(database_url, smtp_sink.port, tmp_path, "tick", **lease)
    for process in (second, first):
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output
    assert [smtp_sink.handler.count_for(a) for a in addresses] == [1, 1, 1, 1]
    db.session.rollback()
    # The deliveries page reads these rows: what it shows is what the server received.
    assert set(statuses().values()) == {DeliveryStatus.SENT}
    message_ids = {r.message["Message-ID"] for r in smtp_sink.received}
    assert message_ids == set(db.session.scalars(sa.select(OutboundMessage.message_id)))


def test_a_killed_dispatcher_loses_nothing_and_its_mail_goes_within_a_minute(
    app, smtp_sink, database_url, tmp_path
):
    addresses = queue(60)
    smtp_sink.handler.delay = 0.05
    process = _flask(database_url, smtp_sink.port, tmp_path, "tick")
    assert wait_for(lambda: len(smtp_sink.received) >= 5, 60)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    killed = time.monotonic()
    smtp_sink.handler.delay = 0
    assert len(smtp_sink.received) < 60, "killed in the middle of the run"

    def everyone_has_mail() -> bool:
        rerun = _flask(database_url, smtp_sink.port, tmp_path, "tick")
        output, _ = rerun.communicate(timeout=60)
        assert rerun.returncode == 0, output
        return all(smtp_sink.handler.count_for(a) >= 1 for a in addresses)

    while not everyone_has_mail():
        assert time.monotonic() - killed < 60, "mail of the killed run still waiting after a minute"
        time.sleep(2)
    counts = [smtp_sink.handler.count_for(a) for a in addresses]
    # The documented window: the message the server accepted just before the kill may come twice.
    assert sum(count - 1 for count in counts) <= 1, counts


def test_a_restarted_scheduler_takes_over_at_once(app, smtp_sink, database_url, tmp_path):
    first = _flask(database_url, smtp_sink.port, tmp_path, "scheduler")
    assert wait_for(lambda: _leases() == 1, 30)
    first.send_signal(signal.SIGTERM)
    output, _ = first.communicate(timeout=30)
    assert "lease released" in output
    assert _leases() == 0
    (address,) = queue(1, prefix="after-restart")
    restarted = time.monotonic()
    second = _flask(database_url, smtp_sink.port, tmp_path, "scheduler")
    try:
        # Its first dispatch runs at start, not a minute later.
        assert wait_for(lambda: smtp_sink.handler.count_for(address) == 1, 15)
        assert time.monotonic() - restarted < 15
    finally:
        second.send_signal(signal.SIGTERM)
        output, _ = second.communicate(timeout=30)
    assert "waiting" not in output


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2, 0.6])
def test_a_scheduler_stopped_at_any_moment_exits_and_gives_its_lease_back(
    app, smtp_sink, database_url, tmp_path, delay
):
    queue(3)
    process = _flask(database_url, smtp_sink.port, tmp_path, "scheduler")
    assert process.stdout.readline().startswith("scheduler ")
    time.sleep(delay)  # the signal lands in the loop, while jobs are submitted, or while they run
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=20)
    assert "lease released" in output
    assert _leases() == 0


def test_a_scheduler_stopped_while_sending_finishes_the_mail_in_flight_and_gives_back_the_rest(
    app, smtp_sink, database_url, tmp_path
):
    addresses = queue(20)
    smtp_sink.handler.delay = 1  # the whole claim would take twenty seconds
    process = _flask(database_url, smtp_sink.port, tmp_path, "scheduler")
    assert wait_for(lambda: len(smtp_sink.received) >= 2, 60)
    stopped = time.monotonic()
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert time.monotonic() - stopped < 10, output
    assert "lease released" in output
    received = len(smtp_sink.received)
    assert received < 20, "stopped in the middle of its claim"
    db.session.rollback()
    # The message in flight was finished and recorded; what was never tried is back in the queue at once.
    assert _count(OutboundMessage.status == DeliveryStatus.SENT) == received
    assert (
        _count(OutboundMessage.status == DeliveryStatus.PENDING, OutboundMessage.attempts == 0)
        == 20 - received
    )
    assert _count(OutboundMessage.claim_token.is_not(None)) == 0

    smtp_sink.handler.delay = 0
    rerun = _flask(database_url, smtp_sink.port, tmp_path, "tick")
    output, _ = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, output
    assert [smtp_sink.handler.count_for(a) for a in addresses] == [1] * 20
