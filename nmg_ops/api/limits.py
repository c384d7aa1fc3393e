"""How many requests a client may make to the read API in a minute: per token when the request carries
one, per client address otherwise.

The counts live in the memory of each process (gunicorn worker): with N workers a client gets up to N times
the limit, and a restart forgets them. That is enough to stop a runaway script from slowing the site for
everyone; it is not an accounting of use. Fixed one-minute windows keep it to one number per client.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

WINDOW_SECONDS = 60
#: clients remembered before the windows that have ended are forgotten
_PRUNE_AT = 10_000


@dataclass
class _Window:
    started: float
    count: int


class RateLimiter:
    def __init__(self) -> None:
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, key: str, limit: int) -> int:
        """Count a request of `key`; 0 when it may go on, else the seconds until its next window opens."""
        now = time.monotonic()
        with self._lock:
            window = self._windows.get(key)
            if window is None or now - window.started >= WINDOW_SECONDS:
                if len(self._windows) >= _PRUNE_AT:
                    self._forget_ended(now)
                window = self._windows[key] = _Window(started=now, count=0)
            if window.count >= limit:
                return max(1, math.ceil(window.started + WINDOW_SECONDS - now))
            window.count += 1
            return 0

    def _forget_ended(self, now: float) -> None:
        self._windows = {k: w for k, w in self._windows.items() if now - w.started < WINDOW_SECONDS}
