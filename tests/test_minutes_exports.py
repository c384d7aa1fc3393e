"""Exports of the record: minutes as PDF and Markdown for those who may read them, the decisions and
actions registers as CSV and XLSX with the registers' filters, spreadsheet formulas defused."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from nmg_ops import clock, print_process
from nmg_ops.extensions import db
from nmg_ops.minutes import actions, decisions, exports, lifecycle, printed, sections, writing
from nmg_ops.minutes.actions import ActionData, ActionFilter
from nmg_ops.models import ActionStatus, AgendaItem, Attendance, MeetingStatus, MinutesStatus
from tests.fixtures import IN_CI

FORMULA = '=HYPERLINK("https://evil.example","Click")'
ROME = ZoneInfo("Europe/Rome")


def _weasyprint_loads() -> bool:
    try:
        import weasyprint  # noqa: F401
    except OSError:
        return False
    return True


needs_weasyprint = pytest.mark.skipif(
    not IN_CI and not _weasyprint_loads(), reason="WeasyPrint's system libraries are missing: make test"
)


@pytest.fixture
def held(make_meeting, make_org, make_member, people):
    """A plenary held on 12 March 2026 with two agenda items; the member and a colleague were present,
    a third invitee sent apologies; minutes written, with two decisions and two actions."""
    colleague = make_member(
        email="colleague@example.org",
        full_name="Chiara Colleague",
        organisation=make_org(name="Istituto Superiore di Sanità"),
    )
    absent = make_member(email="absent@example.org", full_name="Aldo Absent")
    meeting = make_meeting(
        "plenary",
        starts_at=datetime(2026, 3, 12, 10, 0, tzinfo=ROME),
        invitees=[people["member"], colleague, absent],
        status=MeetingStatus.CONFIRMED,
        title="Spring plenary",
    )
    for position, title in enumerate(["Welcome", "Data governance"], start=1):
        db.session.add(AgendaItem(meeting_id=meeting.id, position=position, title=title))
    for invitation, mark in zip(
        meeting.invitations, [Attendance.PRESENT, Attendance.PRESENT, Attendance.EXCUSED], strict=True
    ):
        invitation.attendance = mark
    db.session.commit()
    meeting = writing.meeting_for_minutes(meeting.id)
    welcome, governance = (sections.item_key(item) for item in meeting.agenda_items)
    team = people["coordination_team"]
    writing.save(
        meeting,
        {
            "opening": "The chair opened the meeting at 10:05.",
            welcome: "Welcome by the **chair**.",
            governance: "Discussion of the data governance roadmap.",
            "aob": "Nothing else was raised.",
        },
        0,
        team.id,
    )
    minutes = writing.minutes_of(meeting.id)
    decisions.record(meeting, minutes, governance, "The roadmap is adopted.", team.id)
    decisions.record(meeting, minutes, welcome, "The agenda is approved.", team.id)
    for data in (
        ActionData(
            title="Circulate the roadmap",
            owner_ids=[colleague.id],
            due_on=date(2026, 4, 30),
            meeting_id=meeting.id,
            section=governance,
        ),
        ActionData(title="Book the venue", is_team_owned=True, meeting_id=meeting.id, section=welcome),
    ):
        actions.record(data, team.id)
    return meeting


def _minutes(meeting):
    return writing.minutes_of(meeting.id)


def _pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def _catalog(data: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data)).trailer["/Root"]


@needs_weasyprint
def test_the_pdf_names_the_nmg_and_carries_attendance_decisions_and_actions(app, held):
    data = printed.minutes_pdf(held, _minutes(held))
    assert data.startswith(b"%PDF")
    pages = _pdf_pages(data)
    text = " ".join(pages)
    # The letterhead names the NMG on the first page, in capitals; the margin of any further page repeats it.
    assert app.config["NMG_NAME"].upper() in pages[0]
    assert all(app.config["NMG_NAME"] in page for page in pages[1:])
    for expected in (
        "Spring plenary",
        "Paolo Member",
        "Chiara Colleague (Istituto Superiore di Sanità)",
        "Aldo Absent",
        "2026/02 The agenda is approved.",
        "2026/01 The roadmap is adopted.",
        "Circulate the roadmap",
        "Book the venue",
        "coordination team",
    ):
        assert expected in text, expected
    # Every page is numbered in its footer, out of the total.
    assert all(f"{number} / {len(pages)}" in page for number, page in enumerate(pages, start=1))


def test_the_markdown_follows_the_agenda_with_decisions_and_actions_under_their_sections(held):
    text = exports.minutes_markdown(held, _minutes(held))
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Attendance",
        "## Opening",
        "## 1. Welcome",
        "## 2. Data governance",
        "## Any other business",
    ]
    assert text.startswith("# Spring plenary\n")
    # In the NMG's zone, whoever downloads it.
    date_line = next(line for line in text.splitlines() if line.startswith("- Date: "))
    assert date_line.startswith("- Date: Thursday, 12 March 2026, 10:00")
    assert date_line.endswith("(Central European Standard Time)")
    assert "- Status: Draft, not yet approved" in text
    assert "**Present:** Paolo Member (" in text
    assert "**Apologies:** Aldo Absent (" in text
    welcome = text[text.index("## 1. Welcome") : text.index("## 2. Data governance")]
    governance = text[text.index("## 2. Data governance") : text.index("## Any other business")]
    assert "Welcome by the **chair**." in welcome
    assert "- **2026/02** The agenda is approved." in welcome
    assert "Book the venue — coordination team — due as soon as possible — Open" in welcome
    assert "- **2026/01** The roadmap is adopted." in governance
    assert "Circulate the roadmap — Chiara Colleague — due 30 Apr 2026 — Open" in governance


def test_a_reordered_agenda_reorders_the_sections_and_keeps_their_texts(held):
    first, second = held.agenda_items
    first.position, second.position = 2, 1
    db.session.commit()
    meeting = writing.meeting_for_minutes(held.id)
    text = exports.minutes_markdown(meeting, _minutes(meeting))
    assert text.index("## 1. Data governance") < text.index("## 2. Welcome")
    assert "Discussion of the data governance roadmap." in text[text.index("## 1. Data governance") :]


@needs_weasyprint
def test_minutes_download_as_pdf_and_markdown_with_a_safe_filename(client, sign_in, people, held):
    people["coordination_team"].timezone = "Asia/Tokyo"
    db.session.commit()
    sign_in(people["coordination_team"])
    response = client.get(f"/meetings/{held.id}/minutes.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="minutes-2026-03-12-plenary.pdf"'
    assert response.headers["Cache-Control"] == "private, no-store"
    response = client.get(f"/meetings/{held.id}/minutes.md")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="minutes-2026-03-12-plenary.md"'
    text = response.get_data(as_text=True)
    assert text.startswith("# Spring plenary")
    # The record keeps the NMG's time for a reader in Tokyo too.
    assert "- Date: Thursday, 12 March 2026, 10:00" in text


def test_a_member_who_may_not_read_the_minutes_gets_404(client, sign_in, people, held):
    sign_in(people["member"])
    # A draft stays with the coordination team, even for those present.
    assert client.get(f"/meetings/{held.id}/minutes.pdf").status_code == 404
    assert client.get(f"/meetings/{held.id}/minutes.md").status_code == 404
    lifecycle.circulate(held, _minutes(held))
    assert client.get(f"/meetings/{held.id}/minutes.md").status_code == 200
    assert client.get("/meetings/999999/minutes.md").status_code == 404


def test_a_meeting_without_minutes_has_nothing_to_download(client, sign_in, people, make_meeting):
    meeting = make_meeting("plenary")
    sign_in(people["admin"])
    assert client.get(f"/meetings/{meeting.id}/minutes.md").status_code == 404


@needs_weasyprint
def test_the_pdf_fetches_nothing_but_data_urls():
    fetcher = print_process.url_fetcher()
    for url in ("file:///etc/hostname", "http://127.0.0.1:9/x.png", "https://evil.example/x.css"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


def _csv_rows(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_actions_round_trip_through_csv_and_xlsx_with_formulas_defused(client, sign_in, people, held):
    actions.record(ActionData(title=FORMULA, owner_ids=[people["member"].id], due_on=date(2026, 5, 4)), None)
    sign_in(people["coordination_team"])

    response = client.get("/actions.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = _csv_rows(response)
    assert rows[0] == ["Action", "Title", "Owners", "Due", "Status", "Overdue", "Meeting", "Meeting date"]
    by_title = {row[1]: row for row in rows[1:]}
    assert set(by_title) == {"'" + FORMULA, "Circulate the roadmap", "Book the venue"}
    assert by_title["Circulate the roadmap"][2:5] == ["Chiara Colleague", "2026-04-30", "Open"]
    assert by_title["Circulate the roadmap"][6:] == ["Spring plenary", "2026-03-12"]

    response = client.get("/actions.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0] == tuple(rows[0])
    assert sheet["A1"].font.bold
    by_title = {row[1]: row for row in table[1:]}
    # Shown as typed, without the CSV's apostrophe: a text cell that Excel keeps as text when edited.
    assert set(by_title) == {FORMULA, "Circulate the roadmap", "Book the venue"}
    formula_cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[1].value == FORMULA)
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix
    assert by_title["Circulate the roadmap"][3] == datetime(2026, 4, 30)  # a real date cell
    assert by_title["Circulate the roadmap"][7] == datetime(2026, 3, 12)


def test_decisions_round_trip_through_csv_and_xlsx(client, sign_in, people, held):
    sign_in(people["coordination_team"])
    rows = _csv_rows(client.get("/decisions.csv"))
    assert rows == [
        ["Decision", "Date", "Meeting", "Meeting type", "Text", "Provisional"],
        ["2026/02", "2026-03-12", "Spring plenary", "Plenary meeting", "The agenda is approved.", "yes"],
        ["2026/01", "2026-03-12", "Spring plenary", "Plenary meeting", "The roadmap is adopted.", "yes"],
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/decisions.xlsx").get_data())).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1] == (
        "2026/02",
        datetime(2026, 3, 12),
        "Spring plenary",
        "Plenary meeting",
        "The agenda is approved.",
        "yes",
    )


def test_the_decisions_export_applies_the_registers_filters(client, sign_in, people, held, make_meeting):
    other = make_meeting(
        "thematic",
        starts_at=datetime(2025, 11, 5, 15, 0, tzinfo=ROME),
        status=MeetingStatus.CONFIRMED,
        title="Genomics workshop",
    )
    other = writing.meeting_for_minutes(other.id)
    writing.save(other, {"opening": "Opened."}, 0, people["coordination_team"].id)
    decisions.record(other, _minutes(other), "opening", "A pilot on rare diseases.", None)
    sign_in(people["coordination_team"])

    def codes(query: str) -> list[str]:
        response = client.get(f"/decisions.csv{query}")
        assert response.status_code == 200
        return [row[0] for row in _csv_rows(response)[1:]]

    assert codes("") == ["2026/02", "2026/01", "2025/01"]
    assert codes("?year=2025") == ["2025/01"]
    assert codes("?type=plenary") == ["2026/02", "2026/01"]
    assert codes("?q=RARE+disease") == ["2025/01"]
    # Values no link would carry are left out, as on the register's page.
    assert codes("?year=20255&type=&working_group=abc") == ["2026/02", "2026/01", "2025/01"]


def test_members_export_only_the_decisions_of_minutes_they_may_read(client, sign_in, people, held):
    sign_in(people["member"])
    assert _csv_rows(client.get("/decisions.csv"))[1:] == []
    lifecycle.circulate(held, _minutes(held))
    assert [row[0] for row in _csv_rows(client.get("/decisions.csv"))[1:]] == ["2026/02", "2026/01"]


def test_the_actions_export_applies_the_registers_filters(client, sign_in, people, held):
    done = actions.record(ActionData(title="Send the report", owner_ids=[people["member"].id]), None)
    actions.change_status(done, ActionStatus.DONE, by_id=None)
    late = actions.record(
        ActionData(title="Answer the survey", is_team_owned=True, due_on=clock.today() - timedelta(days=3)),
        None,
    )
    sign_in(people["coordination_team"])

    def titles(query: str) -> set[str]:
        response = client.get(f"/actions.csv{query}")
        assert response.status_code == 200
        return {row[1] for row in _csv_rows(response)[1:]}

    everything = {"Circulate the roadmap", "Book the venue", "Send the report", "Answer the survey"}
    assert titles("") == everything
    assert titles("?status=done") == {"Send the report"}
    assert titles("?status=open") == everything - {"Send the report"}
    assert titles(f"?owner={people['member'].id}") == {"Send the report"}
    assert titles(f"?meeting={held.id}") == {"Circulate the roadmap", "Book the venue"}
    assert titles("?overdue=1") == {late.title, "Circulate the roadmap"}  # due 2026-04-30
    assert titles("?q=roadmap") == {"Circulate the roadmap"}
    assert titles("?status=closed&owner=-1&meeting=1e309") == everything


def test_only_the_team_exports_actions(client, sign_in, people, held):
    sign_in(people["member"])
    assert client.get("/actions.csv").status_code == 403


def test_exporting_more_actions_runs_no_more_statements(people, held, count_queries):
    def statements() -> int:
        with count_queries() as counter:
            rows = db.session.scalars(actions.register_query(ActionFilter(), clock.today()))
            exports.to_xlsx(exports.actions_table(rows))
        db.session.expire_all()
        return counter.count

    few = statements()
    for n in range(30):
        actions.record(ActionData(title=f"Follow-up {n}", owner_ids=[people["member"].id]), None)
    assert statements() == few


def test_approved_minutes_say_when_and_where(held, make_meeting, people):
    minutes = _minutes(held)
    lifecycle.circulate(held, minutes, now=clock.now() - timedelta(days=1))
    approving = make_meeting("plenary", starts_at=clock.now() - timedelta(hours=2), title="Autumn plenary")
    approving.status = MeetingStatus.CONFIRMED
    db.session.commit()
    lifecycle.approve(held, minutes, approved_on=None, at_meeting=approving, by_id=people["coordinator"].id)
    assert minutes.status is MinutesStatus.APPROVED
    line = exports.approval_line(minutes)
    assert line.startswith("Approved on ") and line.endswith(" at Autumn plenary")


@needs_weasyprint
def test_the_pdf_is_tagged_in_the_readers_language_and_marks_a_draft_on_every_page(
    client, sign_in, people, held, make_meeting
):
    team = sign_in(people["coordination_team"])
    minutes = _minutes(held)
    long = "\n\n".join(["The group went through the regional plans one by one. " * 8] * 40)
    writing.save(held, {**minutes.sections, "aob": long}, minutes.version, team.id)
    team.language = "it"
    db.session.commit()
    data = client.get(f"/meetings/{held.id}/minutes.pdf").data
    catalog = _catalog(data)
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "it"
    pages = _pdf_pages(data)
    assert len(pages) > 2 and all("BOZZA" in page for page in pages)

    minutes = _minutes(held)
    lifecycle.circulate(held, minutes, now=clock.now() - timedelta(days=1))
    approving = make_meeting("plenary", starts_at=clock.now() - timedelta(hours=2), title="Autumn plenary")
    approving.status = MeetingStatus.CONFIRMED
    db.session.commit()
    lifecycle.approve(held, minutes, approved_on=None, at_meeting=approving, by_id=people["coordinator"].id)
    team.language = "en"
    db.session.commit()
    data = client.get(f"/meetings/{held.id}/minutes.pdf").data
    assert _catalog(data)["/Lang"] == "en"
    pages = _pdf_pages(data)
    assert "Approved on" in pages[0]
    assert not any("DRAFT" in page or "BOZZA" in page for page in pages)
