"""The minutes PDF cannot be used to stall the server: each page is made once per revision and language and
served again, minutes larger than a PDF holds are refused at once with the reason, the largest minutes
the editor accepts are made within the limits, and the limits of CPU and time answer with a page that says
why (413, or 503 with Retry-After), never a 500 or a hang."""

from __future__ import annotations

import logging
import re
import time

import pytest
import sqlalchemy as sa

from nmg_ops import printing
from nmg_ops.extensions import db
from nmg_ops.minutes import decisions, printed, sections, writing
from nmg_ops.models import MinutesPrint

ITEMS = 8


@pytest.fixture
def held(make_held, people):
    """A plenary held last week with eight agenda items and short minutes."""
    meeting = make_held("Winter plenary", [f"Item {position}" for position in range(1, ITEMS + 1)])
    writing.save(meeting, {"opening": "The chair opened the meeting."}, 0, people["coordination_team"].id)
    return meeting


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The pages laid out as PDF during the test."""
    made: list[str] = []
    make = printing.make_pdf

    def counting(html: str) -> bytes:
        made.append(html)
        return make(html)

    monkeypatch.setattr(printing, "make_pdf", counting)
    return made


def _keys(meeting) -> list[str]:
    return ["opening", *(sections.item_key(item) for item in meeting.agenda_items), "aob"]


def _largest(meeting) -> dict[str, str]:
    """As many list items as the editor accepts, as long as it accepts: list items cost the layout the most
    per character (a table cell less, a paragraph less still)."""
    keys = _keys(meeting)
    # Each section is one list: a <ul> and its items.
    per_section = writing.PARTS_MAX // len(keys) - 1
    line = writing.MINUTES_MAX // (len(keys) * per_section)
    item = "- " + ("Agreed point " * 10)[: line - 3] + "\n"
    return {key: (item * per_section).strip() for key in keys}


def _url(meeting) -> str:
    return f"/meetings/{meeting.id}/minutes.pdf"


def test_the_same_page_is_made_once_and_served_again_until_it_changes(client, sign_in, people, held, renders):
    team = sign_in(people["coordination_team"])
    first = client.get(_url(held))
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    second = client.get(_url(held))
    assert second.data == first.data
    assert len(renders) == 1

    # A new revision, and a decision recorded without one, each change the page: made again, once.
    meeting = writing.meeting_for_minutes(held.id)
    writing.save(meeting, {"opening": "The chair opened the meeting at 10:05."}, 1, team.id)
    assert client.get(_url(held)).data != first.data
    decisions.record(meeting, writing.minutes_of(held.id), "opening", "The agenda is approved.", team.id)
    client.get(_url(held))
    client.get(_url(held))
    assert len(renders) == 3

    # Another language is another page, kept beside the first: one PDF per minutes and language.
    team.language = "it"
    db.session.commit()
    assert client.get(_url(held)).status_code == 200
    team.language = "en"
    db.session.commit()
    assert client.get(_url(held)).status_code == 200
    assert len(renders) == 4
    kept = db.session.scalars(sa.select(MinutesPrint.language).order_by(MinutesPrint.language)).all()
    assert kept == ["en", "it"]


def test_minutes_larger_than_a_pdf_holds_get_the_reason_at_once(client, sign_in, people, held, renders):
    # Eight sections of 48,000-character tables, saved before the editor had a limit: once they took minutes
    # of CPU and gigabytes to print, for any reader, as often as asked.
    minutes = writing.minutes_of(held.id)
    row = "| a | b | c | d | e | f |\n"
    table = "| 1 | 2 | 3 | 4 | 5 | 6 |\n|---|---|---|---|---|---|\n" + row * (48_000 // len(row))
    minutes.sections = {key: table for key in _keys(held)[:8]}
    db.session.commit()
    minutes = writing.minutes_of(held.id)
    sign_in(people["coordination_team"])
    started = time.monotonic()
    response = client.get(_url(held))
    assert time.monotonic() - started < 5
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    length = sum(len(text) for text in minutes.sections.values())
    assert f"These minutes have {length:,} characters, more than the 60,000 a PDF is made of." in page
    assert renders == []


def test_the_editor_refuses_minutes_longer_or_more_formatted_than_a_pdf_holds(
    app, client, sign_in, people, held
):
    sign_in(people["coordination_team"])
    keys = _keys(held)
    long = {f"section-{key}": "word " * 2_000 for key in keys[:7]}
    response = client.post(f"/meetings/{held.id}/minutes/edit", data={"base": "1", **long})
    assert response.status_code == 422
    assert "The minutes are limited to 60,000 characters in all; these have 69,993." in response.get_data(
        as_text=True
    )
    # Short, but a table of 2,400 cells.
    cells = "|a|b|c|d|e|f|\n|-|-|-|-|-|-|\n" + "|1|2|3|4|5|6|\n" * 400
    with pytest.raises(writing.MinutesError) as refused:
        writing.save(held, {keys[1]: cells}, 1, people["coordination_team"].id)
    assert "limited to 2,000 formatted parts in all" in str(refused.value)
    assert refused.value.field == f"section-{keys[1]}"
    assert writing.minutes_of(held.id).version == 1


def test_the_largest_minutes_the_editor_accepts_are_made_within_the_limits(
    app, people, held, renders, caplog
):
    texts = _largest(held)
    length = sum(len(text) for text in texts.values())
    assert writing.MINUTES_MAX * 0.95 < length <= writing.MINUTES_MAX
    writing.save(held, texts, 1, people["coordination_team"].id)
    meeting = writing.meeting_for_minutes(held.id)
    with caplog.at_level(logging.INFO, logger="nmg_ops.printing"):
        data = printed.minutes_pdf(meeting, writing.minutes_of(held.id))
    assert data.startswith(b"%PDF") and len(renders) == 1
    assert printing.parts(renders[0]) > writing.PARTS_MAX
    # The CPU the renderer took, as the kernel counted it for the printer.
    (cpu,) = [
        float(m[1]) for r in caplog.records if (m := re.search(r"pdf made .* cpu=([\d.]+)s", r.message))
    ]
    assert 0 < cpu < app.config["PDF_CPU_SECONDS"]


def test_a_pdf_stopped_by_the_cpu_limit_is_refused_and_not_tried_again(
    app, client, sign_in, people, held, renders
):
    writing.save(held, _largest(held), 1, people["coordination_team"].id)
    app.config["PDF_CPU_SECONDS"] = 1
    sign_in(people["coordination_team"])
    for _ in range(2):
        response = client.get(_url(held))
        assert response.status_code == 413
        assert "it would take more than 1 second of work or 1024 MB of memory" in response.get_data(
            as_text=True
        )
    assert len(renders) == 1


def test_a_busy_machine_gets_try_again_and_nothing_is_kept(app, client, sign_in, people, held, renders):
    sign_in(people["coordination_team"])
    wall = app.config["PDF_WALL_SECONDS"]
    app.config["PDF_WALL_SECONDS"] = 0
    response = client.get(_url(held))
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert "too busy to make this PDF in time" in response.get_data(as_text=True)
    app.config["PDF_WALL_SECONDS"] = wall
    assert client.get(_url(held)).status_code == 200
    assert len(renders) == 2


def test_a_request_while_the_pdf_is_being_made_is_asked_to_try_again(app, people, held, monkeypatch):
    make = printing.make_pdf
    answers = []

    def meanwhile(html: str) -> bytes:
        # Another reader asks while this one's PDF is being made.
        with pytest.raises(printing.PrinterBusy) as busy:
            printed.minutes_pdf(writing.meeting_for_minutes(held.id), writing.minutes_of(held.id))
        answers.append(busy.value)
        return make(html)

    monkeypatch.setattr(printing, "make_pdf", meanwhile)
    data = printed.minutes_pdf(writing.meeting_for_minutes(held.id), writing.minutes_of(held.id))
    assert data.startswith(b"%PDF")
    assert answers[0].status == 503 and answers[0].retry_after == printed.MAKING_RETRY_SECONDS
    assert "being made for another request" in str(answers[0])
