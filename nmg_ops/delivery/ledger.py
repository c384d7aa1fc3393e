"""A dispatcher run's ledger: each mail's outcome recorded in a transaction of its own, on a thread of its
own, while the next mail is already on its way to the mail server.

Recording an outcome (an UPDATE and a commit) cost as much as a mail server's answer to a command; done
in turn with the sending, it was a third of a send's time. Here the run hands each outcome to the ledger
and goes on with the next mail's last check and its MAIL, RCPT and DATA, and waits for the ledger only
before the final dot of that next mail (`settle`): the server can accept a mail only once the outcome of
the one before is committed. So a crash still leaves at most one accepted mail unrecorded, as it did when
every outcome was committed before the next mail began (see `dispatcher`).

The last check before each mail reads on a second connection of the run's, since the ledger's is busy
on the other thread.
"""

from __future__ import annotations

import queue
import threading

import sqlalchemy as sa

from ..busy_database import retry_when_locked
from ..extensions import db

_Work = tuple[sa.Executable, dict[str, object]]


class Ledger:
    """Outcomes recorded in order, one transaction each, on the run's own connection and thread."""

    def __init__(self) -> None:
        self.engine = db.engine
        self._work: queue.Queue[_Work | None] = queue.Queue()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._reader: sa.Connection | None = None

    def record(self, statement: sa.Executable, parameters: dict[str, object]) -> None:
        """Commit `statement` after every outcome handed over before it; returns at once."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outbox-ledger", daemon=True)
            self._thread.start()
        self._work.put((statement, parameters))

    def settle(self) -> None:
        """Wait until every outcome handed over is committed; raises what stopped the ledger, if anything."""
        self._work.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def reader(self) -> sa.Connection:
        """The run's connection for reading (the last check), apart from the ledger's."""
        if self._reader is None:
            self._reader = self.engine.connect()
        return self._reader

    def close(self) -> None:
        """Wait for what is handed over, then end the thread and close both connections."""
        try:
            if self._thread is not None:
                self._work.join()
                self._work.put(None)
                self._thread.join()
        finally:
            if self._reader is not None:
                self._reader.close()

    def _run(self) -> None:
        with self.engine.connect() as connection:
            while (work := self._work.get()) is not None:
                try:
                    # After a failure the rest is not recorded: the run stops at its next `settle`, and
                    # what it claimed returns to the queue when the lease lapses.
                    if self._error is None:
                        self._commit(connection, *work)
                except BaseException as exc:
                    # Raised in the run's thread by `settle`.
                    self._error = exc
                finally:
                    self._work.task_done()
            self._work.task_done()

    @staticmethod
    def _commit(connection: sa.Connection, statement: sa.Executable, parameters: dict[str, object]) -> None:
        def transaction() -> None:
            connection.execute(statement, parameters)
            connection.commit()

        # A locked database is waited out: an outcome given up on would send the message again once its
        # lease lapsed.
        retry_when_locked(transaction, connection.rollback)
