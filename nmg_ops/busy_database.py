"""A locked SQLite database is waited out, never a crash.

SQLite has one writer at a time. Each statement waits for the write lock up to the busy timeout
(`SQLITE_BUSY_TIMEOUT_SECONDS`, 30 s); a transaction that still finds the database locked (a writer
holding it longer, or SQLite refusing at once to turn a reader into a writer) is rolled back whole and
run again, after a growing pause, up to `LOCKED_RETRIES` more times before the error goes up. PostgreSQL
waits for its row locks by itself and never answers "database is locked"; there this changes nothing.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

T = TypeVar("T")

#: further tries of a transaction that found the database locked
LOCKED_RETRIES = 5
#: pause before the first further try, doubled each time up to the longest
FIRST_PAUSE_SECONDS = 0.25
LONGEST_PAUSE_SECONDS = 2.0

_logger = logging.getLogger(__name__)


def is_locked(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" (SQLITE_BUSY) and "database table is locked"."""
    original = getattr(exc, "orig", None)
    code = getattr(original, "sqlite_errorcode", None)
    return (
        isinstance(exc, sa.exc.OperationalError)
        and code is not None
        and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    )


def retry_when_locked(transaction: Callable[[], T], rollback: Callable[[], None]) -> T:
    """Run `transaction` (which commits what it does); on a locked database, `rollback` and run it again.

    The transaction must be one that can run twice: it re-reads what it decides on, and what it did
    before the lock was rolled back with it."""
    tries = 0
    while True:
        try:
            return transaction()
        except sa.exc.OperationalError as exc:
            if tries >= LOCKED_RETRIES or not is_locked(exc):
                raise
            rollback()
            pause = min(FIRST_PAUSE_SECONDS * 2**tries, LONGEST_PAUSE_SECONDS)
            tries += 1
            _logger.warning(
                "database locked; trying again in %.2f s (%d of %d)", pause, tries, LOCKED_RETRIES
            )
            time.sleep(pause)
