"""Exports of the record: a meeting's minutes as Markdown and as a printable PDF, the decisions and
actions registers as CSV and XLSX. Functions from the models to bytes; the routes only serve them.

Every text in them is written by members, so:

- the PDF's page shows the sections through `render_markdown`, the same allow-list as the pages, and
  `printing` makes it fetching nothing but `data:` URLs: no text can make the server request a URL or
  read a local file (`printed` keeps each PDF made);
- a CSV or XLSX cell that a spreadsheet would run as a formula gets a leading apostrophe, as in the
  members' export, and characters a spreadsheet file cannot hold are dropped.

Dates and times are the NMG's own (its zone), whoever downloads: the record reads the same for everyone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app, render_template
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .. import clock
from ..i18n import format_date, format_datetime, format_time
from ..models import ActionItem, Decision, Invitation, Meeting, Minutes, MinutesApproval, MinutesStatus
from ..text import FORMULA_STARTS, defuse_formula
from . import actions, decisions, lifecycle, sections
from .sections import Section

#: what a cell holds: text, a number or a date; None is an empty cell
Cell = str | int | date | None

#: column widths in characters: narrow enough to keep the sheet readable, wide enough for a title
MIN_WIDTH, MAX_WIDTH = 8, 60
#: Excel's limit on a sheet's name
SHEET_NAME_MAX = 31


@dataclass
class Record:
    """The minutes as every export shows them: heading lines, attendance, then the sections in order."""

    title: str
    when: str
    type_name: str
    status: str
    present: list[str]
    apologies: list[str]
    sections: list[Section] = field(default_factory=list)


@dataclass
class Table:
    """A register as rows of plain values under a header, ready for CSV or XLSX."""

    name: str
    header: list[str]
    rows: list[list[Cell]]


# --- the minutes -----------------------------------------------------------------------------------------


def meeting_when(meeting: Meeting) -> str:
    """Start and end in the NMG's zone, with the zone's name for that date."""
    start, end = clock.local(meeting.starts_at), clock.local(meeting.ends_at)
    zone = format_datetime(start, "zzzz", rebase=False)
    if start.date() == end.date():
        return _(
            "%(day)s, %(start)s–%(end)s (%(zone)s)",
            day=format_date(start.date(), "full"),
            start=format_time(start, "short", rebase=False),
            end=format_time(end, "short", rebase=False),
            zone=zone,
        )
    return _("%(start)s – %(end)s (%(zone)s)", start=_day_and_time(start), end=_day_and_time(end), zone=zone)


def _day_and_time(instant: datetime) -> str:
    return _(
        "%(day)s, %(time)s",
        day=format_date(instant.date(), "medium"),
        time=format_time(instant, "short", rebase=False),
    )


def approval_line(minutes: Minutes) -> str:
    """Where the minutes stand: approved (when, and where), circulated (until when), or a draft."""
    if minutes.status is MinutesStatus.APPROVED and minutes.approved_on is not None:
        day = format_date(minutes.approved_on, "long")
        if minutes.approved_at_meeting is not None:
            return _("Approved on %(day)s at %(meeting)s", day=day, meeting=minutes.approved_at_meeting.title)
        if minutes.approved_how is MinutesApproval.WRITTEN:
            return _("Approved on %(day)s by written procedure", day=day)
        return _("Approved on %(day)s by the coordination team", day=day)
    if minutes.status is MinutesStatus.CIRCULATED and minutes.comments_due_on is not None:
        return _(
            "Draft circulated for comments until %(day)s", day=format_date(minutes.comments_due_on, "long")
        )
    return _("Draft, not yet approved")


def _person(invitation: Invitation) -> str:
    member = invitation.member
    if member is None:
        return invitation.name
    return f"{member.full_name} ({member.organisation.name})"


def owners_text(action: ActionItem) -> str:
    names = [member.full_name for member in action.owners]
    if action.is_team_owned:
        names.append(_("coordination team"))
    return ", ".join(names)


def _due_text(action: ActionItem) -> str:
    if action.due_on is None:
        return _("due as soon as possible")
    return _("due %(day)s", day=format_date(action.due_on, "medium"))


def _sections(meeting: Meeting, minutes: Minutes) -> list[Section]:
    """The agenda's sections with their text, decisions and actions; those recorded under no section
    the meeting has (any more) come last, so that nothing of the record is left out."""
    laid_out = sections.layout(meeting, minutes.sections)
    by_key = {section.key: section for section in laid_out}
    elsewhere = Section("", _("Other decisions and actions"))
    for decision in decisions.of_meeting(meeting.id):
        by_key.get(decision.section, elsewhere).decisions.append(decision)
    for action in actions.of_meeting(meeting.id):
        by_key.get(action.section, elsewhere).actions.append(action)
    # Every agenda item is listed, even without text: the record follows the agenda as it was held.
    shown = [s for s in laid_out if s.text or s.decisions or s.actions or s.agenda_item is not None]
    if elsewhere.decisions or elsewhere.actions:
        shown.append(elsewhere)
    return shown


def record(meeting: Meeting, minutes: Minutes) -> Record:
    """The minutes laid out for export; `meeting` as `writing.meeting_for_minutes` loads it."""
    return Record(
        title=meeting.title,
        when=meeting_when(meeting),
        type_name=meeting.type.label,
        status=approval_line(minutes),
        present=[_person(i) for i in lifecycle.attendees(meeting)],
        apologies=[_person(i) for i in lifecycle.apologies(meeting)],
        sections=_sections(meeting, minutes),
    )


def heading(section: Section) -> str:
    return f"{section.number}. {section.title}" if section.number else section.title


def _markdown_section(section: Section) -> list[str]:
    lines = ["", f"## {heading(section)}"]
    if section.text:
        lines += ["", section.text]
    if section.decisions:
        lines += ["", f"**{_('Decisions')}**", ""]
        lines += [
            f"- **{decision.code}** {decision.text}" + ("" if decision.stands else f" _({_('provisional')})_")
            for decision in section.decisions
        ]
    if section.actions:
        lines += ["", f"**{_('Actions')}**", ""]
        lines += [
            f"- **A-{action.id}** {action.title} — {owners_text(action)} — {_due_text(action)} — "
            f"{action.status.label}"
            for action in section.actions
        ]
    return lines


def minutes_markdown(meeting: Meeting, minutes: Minutes) -> str:
    """The minutes as one Markdown file: heading, attendance, then each section with its decisions and
    actions."""
    doc = record(meeting, minutes)
    nobody = "—"
    lines = [
        f"# {doc.title}",
        "",
        f"- {_('Date')}: {doc.when}",
        f"- {_('Meeting type')}: {doc.type_name}",
        f"- {_('Status')}: {doc.status}",
        "",
        f"## {_('Attendance')}",
        "",
        f"**{_('Present')}:** {', '.join(doc.present) or nobody}",
        "",
        f"**{_('Apologies')}:** {', '.join(doc.apologies) or nobody}",
    ]
    for section in doc.sections:
        lines += _markdown_section(section)
    return "\n".join(lines) + "\n"


def minutes_html(meeting: Meeting, minutes: Minutes) -> str:
    """The printable page the PDF is made from; minutes not yet approved are marked as a draft on every
    page."""
    # Section texts go through the `markdown` filter: `render_markdown`, the pages' allow-list.
    return render_template(
        "minutes/print.html",
        doc=record(meeting, minutes),
        draft=minutes.status is not MinutesStatus.APPROVED,
        heading=heading,
        owners_text=owners_text,
        nmg_name=current_app.config["NMG_NAME"],
    )


# --- the registers ---------------------------------------------------------------------------------------


def decisions_table(rows: Iterable[Decision]) -> Table:
    """One line per decision: its code, the meeting's day, title and type, the text, and whether it is
    provisional (its minutes not yet approved)."""
    return Table(
        _("Decisions"),
        [_("Decision"), _("Date"), _("Meeting"), _("Meeting type"), _("Text"), _("Provisional")],
        [
            [
                decision.code,
                clock.local(decision.meeting.starts_at).date(),
                decision.meeting.title,
                decision.meeting.type.label,
                decision.text,
                "" if decision.stands else _("yes"),
            ]
            for decision in rows
        ],
    )


def actions_table(rows: Iterable[ActionItem], today: date | None = None) -> Table:
    """One line per action: what, who, by when, where it stands, and the meeting that agreed it."""
    today = today or clock.today()
    return Table(
        _("Actions"),
        [
            _("Action"),
            _("Title"),
            _("Owners"),
            _("Due"),
            _("Status"),
            _("Overdue"),
            _("Meeting"),
            _("Meeting date"),
        ],
        [
            [
                f"A-{action.id}",
                action.title,
                owners_text(action),
                action.due_on,
                action.status.label,
                _("yes") if action.is_overdue(today) else "",
                action.meeting.title if action.meeting else "",
                clock.local(action.meeting.starts_at).date() if action.meeting else None,
            ]
            for action in rows
        ],
    )


def _safe_text(value: str) -> str:
    # The members' export's guard: every download of the NMG defuses formulas the same way.
    return defuse_formula(ILLEGAL_CHARACTERS_RE.sub("", value))


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    """Text as a text cell, shown as typed. openpyxl would store text starting with "=" as a formula; a
    cell typed as text with Excel's quote prefix is shown without the apostrophe a CSV needs, and stays
    text when someone edits it."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = text.startswith(FORMULA_STARTS)
    return cell


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, date):
        return cell.isoformat()
    return _safe_text(str(cell))


def to_csv(table: Table) -> bytes:
    """UTF-8 with a BOM, so that Excel reads the accents right."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in [table.header, *table.rows]:
        writer.writerow([_csv_cell(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _widths(table: Table) -> list[int]:
    widths = [len(name) for name in table.header]
    for row in table.rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(_csv_cell(cell)))
    return [min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widths]


def to_xlsx(table: Table) -> bytes:
    """One sheet: a bold, frozen header with filters, dates as dates, columns as wide as their content."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.name[:SHEET_NAME_MAX] or "Sheet")
    for index, width in enumerate(_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(table.header))
    sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    bold = Font(bold=True)
    header = []
    for name in table.header:
        cell = _text_cell(sheet, name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        # A date stays a date cell (shown as yyyy-mm-dd).
        sheet.append([_text_cell(sheet, cell) if isinstance(cell, str) else cell for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
