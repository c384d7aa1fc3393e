"""A dispatcher run's lease on its claims, renewed while the run lives (see `dispatcher`)."""

from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from .. import clock
from ..extensions import db
from ..models import DeliveryStatus, OutboundMessage


def lease_time() -> timedelta:
    return timedelta(seconds=float(current_app.config["OUTBOX_LEASE_SECONDS"]))


class LeaseKeeper:
    """Renews the lease on one run's claims while the run lives, from a thread of its own, started with
    the first claim: a run that finds nothing due (most runs) starts no thread."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.lease = lease_time()
        self.engine = db.engine
        self.logger = current_app.logger
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="outbox-lease-keeper", daemon=True)

    def keep(self) -> None:
        if not self.thread.is_alive():
            self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join()

    def _run(self) -> None:
        while not self.stopped.wait(self.lease.total_seconds() / 3):
            until = clock.now() + self.lease
            try:
                with self.engine.begin() as connection:
                    connection.execute(
                        sa.update(OutboundMessage)
                        .where(
                            OutboundMessage.claim_token == self.token,
                            OutboundMessage.status == DeliveryStatus.SENDING,
                            OutboundMessage.lease_expires_at < until,
                        )
                        .values(lease_expires_at=until)
                    )
            except sa.exc.SQLAlchemyError:
                # The next renewal tries again; only a lease left unrenewed for a whole term lapses.
                self.logger.warning("could not renew the outbox lease", exc_info=True)
