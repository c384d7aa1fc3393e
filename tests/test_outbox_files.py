"""The development outbox (mail as `.eml` files, no SMTP server) when the disk fails under it."""

from __future__ import annotations

import errno
import os
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.delivery.dispatcher import dispatch
from nmg_ops.delivery.outbox import build_message, enqueue
from nmg_ops.extensions import db
from nmg_ops.models import DeliveryStatus, OutboundMessage

NO_SPACE = os.strerror(errno.ENOSPC)


def _disk_full(*_args: object) -> int:
    raise OSError(errno.ENOSPC, NO_SPACE)


def _failing(step: str):
    """The OS call `step` failing as on a full disk; a write first writes one block, as a real one does."""
    if step != "write":
        return _disk_full
    real_write = os.write
    calls: list[int] = []

    def write(descriptor: int, data: bytes) -> int:
        calls.append(descriptor)
        if len(calls) == 1:
            return real_write(descriptor, bytes(data[:4096]))
        return _disk_full()

    return write


@pytest.mark.parametrize("step", ["open", "write", "fsync"])
def test_a_full_disk_leaves_no_broken_mail_file_shows_the_failure_and_the_mail_goes_later(
    app, client, people, sign_in, outbox, monkeypatch, step
):
    text = "The minutes of the plenary are ready for your comments.\n" * 400
    message = build_message(
        to_email="reader@example.org", to_name="Rita Reader", subject="Minutes", text=text, html="<p>Hi</p>"
    )
    enqueue("test", "files:reader", "reader@example.org", message)
    db.session.commit()
    assert len(message.as_bytes()) > 3 * 4096

    monkeypatch.setattr(os, step, _failing(step))
    report = dispatch()
    monkeypatch.undo()

    assert (report.sent, report.retried) == (0, 1)
    folder = Path(app.config["OUTBOX_DIR"])
    assert not folder.exists() or list(folder.iterdir()) == [], "no file at all, whole or broken"
    row = db.session.scalar(sa.select(OutboundMessage))
    assert row.status is DeliveryStatus.PENDING
    assert NO_SPACE in row.last_error
    sign_in(people["coordinator"])
    page = client.get("/deliveries").get_data(as_text=True)
    assert "could not write the mail file" in page and NO_SPACE in page

    assert dispatch().sent == 0, "not before its back-off"
    assert dispatch(clock.now() + timedelta(minutes=5)).sent == 1
    [mail] = outbox()
    assert mail.get_body(("plain",)).get_content().replace("\r\n", "\n") == text
    [written] = folder.iterdir()
    db.session.refresh(row)
    assert written.suffix == ".eml" and written.read_bytes() == row.content
    assert row.status is DeliveryStatus.SENT
