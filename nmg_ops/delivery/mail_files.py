"""The development outbox: each mail a complete `.eml` file, or none at all.

A file is written under a temporary name in the same folder (which mail clients and the outbox's
readers pass by: it does not end in `.eml`), flushed to the disk, and only then renamed to its final
name, which on one file system is atomic. A full disk or any other write error leaves no truncated or
empty `.eml`: the temporary file is removed and the error goes up, so that the dispatcher records it on
the deliveries page and tries again later, as it does when a mail server defers a message.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

#: the ending of a file still being written
PARTIAL = ".partial"


def write_atomically(folder: Path, name: str, content: bytes) -> Path:
    """Write `content` as folder/name, whole or not at all; returns the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    partial = folder / f".{name}{PARTIAL}"
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(content)
            while view:
                # os.write may write less than it was given (a signal, a nearly full disk); go on from there.
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(partial, final)
    except OSError:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    _sync_folder(folder)
    return final


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable: a crash right after it must not bring the file back unnamed."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    except OSError:
        # Some file systems refuse fsync on a folder; the file itself is on the disk already.
        pass
    finally:
        os.close(descriptor)
