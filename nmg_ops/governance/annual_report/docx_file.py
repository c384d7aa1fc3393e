"""The report as a DOCX for the coordinator to edit, the charts as PNG images."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

from ...i18n import format_date
from ..charts import BarChart
from .figures import AnnualReport, generated_line, section_titles

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: fonts with the accented letters of the NMG's languages, tried in turn; Pillow's own font lacks them
CHART_FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf", "Arial.ttf")


def _font(size: int):
    from PIL import ImageFont

    for name in CHART_FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _chart_png(chart: BarChart) -> bytes:
    """The chart drawn as a PNG at twice its SVG size, for the DOCX: labels above bars, counts beside."""
    from PIL import Image, ImageDraw

    scale = 2
    width, height = chart.width * scale, max(chart.height, 1) * scale
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    label_font, value_font = _font(13 * scale), _font(12 * scale)
    for bar in chart.bars:
        colour = "#b02a37" if bar.is_missing else "#1f4e79"
        draw.text(
            (0, bar.y * scale),
            bar.short_label,
            fill="#b02a37" if bar.is_missing else "#111111",
            font=label_font,
        )
        top = bar.bar_y * scale
        if bar.width:
            draw.rectangle((0, top, bar.width * scale, top + chart.bar_height * scale), fill=colour)
        draw.text((bar.value_x * scale, top - 2 * scale), str(bar.value), fill="#111111", font=value_font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


#: the language tag Word checks spelling and reads aloud with, by the reader's language
_WORD_LANGUAGES = {"it": "it-IT", "en": "en-GB"}


def chart_text(chart: BarChart) -> str:
    """The chart in words: its title, then each bar's label and value."""
    return f"{chart.title}: " + "; ".join(f"{bar.label}: {bar.value}" for bar in chart.bars)


def _a4_in_the_readers_language(doc) -> None:
    """The group's paper (A4, 2 cm margins, not python-docx's US Letter) and the reader's language on
    every style, so that Word checks the spelling in Italian for an Italian report."""
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm

    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2)
    language = _WORD_LANGUAGES.get(str(get_locale()), "en-GB")
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    run_properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    tag = run_properties.find(qn("w:lang"))
    if tag is None:
        tag = run_properties.makeelement(qn("w:lang"), {})
        run_properties.append(tag)
    tag.set(qn("w:val"), language)


def report_docx(report: AnnualReport) -> bytes:
    """The report as a DOCX for the coordinator to edit: the same sections, tables and charts."""
    from docx import Document as Docx
    from docx.shared import Cm

    doc = Docx()
    _a4_in_the_readers_language(doc)
    doc.core_properties.title = f"{report.nmg_name} – {report.title}"
    doc.add_paragraph(report.nmg_name)
    doc.add_heading(report.title, level=0)
    doc.add_paragraph(generated_line(report))

    def table(header: list[str], rows: list[list[object]]) -> None:
        texts = [["" if value is None else str(value) for value in row] for row in rows]
        grid = doc.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        grid.autofit = False
        for cell, text in zip(grid.rows[0].cells, header, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in texts:
            for cell, text in zip(grid.add_row().cells, row, strict=True):
                cell.text = text
        # Word keeps the widths written on every cell of a column, not those of the column alone.
        for column, width in zip(grid.columns, column_widths(header, texts), strict=True):
            for cell in column.cells:
                cell.width = width

    def chart(key: str) -> None:
        picture = report.charts[key]
        if picture.bars:
            doc.add_paragraph(picture.title).runs[0].italic = True
            doc.add_picture(io.BytesIO(_chart_png(picture)), width=Cm(15))
            # A screen reader reads the chart's figures from its description, as the table beside it.
            doc.inline_shapes[-1]._inline.docPr.set("descr", chart_text(picture))

    for heading, fill in _docx_sections(report, table, chart):
        doc.add_heading(heading, level=1)
        fill(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


#: the width of A4 within the report's 2 cm margins, in millimetres
TEXT_WIDTH_MM = 170
#: a column of long text wraps at this many characters rather than squeezing the others
WIDEST = 40


def column_widths(header: list[str], rows: list[list[str]]) -> list[int]:
    """Widths in proportion to what each column holds: its header's longest word never breaks, a column of
    figures stays narrow, and a column of sentences takes the room the others leave."""
    needs = []
    for index, title in enumerate(header):
        longest_word = max((len(word) for word in title.split()), default=1)
        longest_cell = max((len(row[index]) for row in rows), default=0)
        needs.append(max(longest_word, min(max(longest_cell, len(title)), WIDEST)))
    from docx.shared import Mm

    total = sum(needs)
    return [Mm(TEXT_WIDTH_MM * need / total) for need in needs]


def _docx_sections(
    report: AnnualReport,
    table: Callable[[list[str], list[list[object]]], None],
    chart: Callable[[str], None],
) -> list[tuple[str, Callable[[Any], None]]]:
    """Each section's heading and what fills it, in the order of `section_titles`."""
    comp = report.composition

    def composition(doc) -> None:
        doc.add_paragraph(
            _(
                "%(start)d members when the year began, %(end)d on %(day)s: %(joined)d joined and "
                "%(left)d left.",
                start=report.members_at_start,
                end=comp.total,
                day=format_date(report.as_of, "long"),
                joined=len(report.joined),
                left=len(report.left),
            )
        )
        if report.coordinators:
            doc.add_paragraph(_("Coordinators: %(names)s.", names="; ".join(report.coordinators)))
        table(
            [_("Stakeholder type"), _("Members")],
            [[kind.label, n] for kind, n in comp.by_stakeholder_type.items()],
        )
        chart("members")
        changes = [[_("Joined"), c.name, c.organisation, format_date(c.day)] for c in report.joined]
        changes += [[_("Left"), c.name, c.organisation, format_date(c.day)] for c in report.left]
        if changes:
            table([_("Change"), _("Name"), _("Organisation"), _("Date")], changes)

    def meetings(doc) -> None:
        doc.add_paragraph(
            _(
                "%(held)d meetings held of %(agreed)d agreed.",
                held=report.meetings_held,
                agreed=report.meetings_agreed,
            )
        )
        table(
            [_("Meeting type"), _("Agreed"), _("Planned"), _("Held"), _("Onsite"), _("Cancelled")],
            [[m.type_name, m.agreed, m.planned, m.held, m.onsite, m.cancelled] for m in report.meeting_types],
        )
        chart("meetings")
        if report.held_meetings:
            table(
                [_("Date"), _("Meeting"), _("Meeting type"), _("Present")],
                [
                    [format_date(m.day), m.title, m.type_name, f"{m.present}/{m.recorded}"]
                    for m in report.held_meetings
                ],
            )
        doc.add_heading(_("Attendance by stakeholder type"), level=2)
        rows = [*report.attendance, report.attendance_overall]
        table(
            [_("Stakeholder type"), _("Present"), _("Excused"), _("Absent"), _("Share present")],
            [[a.label, a.present, a.excused, a.absent, "—" if a.rate is None else a.rate] for a in rows],
        )
        chart("attendance")

    def decisions(doc) -> None:
        if not report.decisions:
            doc.add_paragraph(_("No decision was recorded."))
            return
        table(
            [_("Decision"), _("Date"), _("Meeting"), _("Text")],
            [[d.code, format_date(d.day), d.meeting, d.text] for d in report.decisions],
        )

    def actions(doc) -> None:
        doc.add_paragraph(
            _(
                "%(total)d actions agreed: %(done)d done, %(open)d open (%(overdue)d past due).",
                total=report.actions_total,
                done=report.actions_done,
                open=report.actions_open,
                overdue=report.actions_overdue,
            )
        )
        table([_("Status"), _("Actions")], [[s.label, n] for s, n in report.actions_by_status.items()])
        chart("actions")

    def enews(doc) -> None:
        doc.add_paragraph(
            _(
                "%(issues)d issues sent. Public subscribers at the end of the period: %(subscribers)d "
                "(%(new)d new, %(gone)d unsubscribed).",
                issues=len(report.issues_sent),
                subscribers=report.subscribers_at_end,
                new=report.subscribers_new,
                gone=report.subscribers_left,
            )
        )
        if report.issues_sent:
            table(
                [_("Issue"), _("Sent on"), _("Recipients")],
                [[i.title, format_date(i.sent_on), i.recipients] for i in report.issues_sent],
            )

    def consultations(doc) -> None:
        if not report.consultations:
            doc.add_paragraph(_("No consultation was run."))
            return
        table(
            [_("Consultation"), _("Opened"), _("Deadline"), _("Responses")],
            [
                [c.title, format_date(c.opened_on), format_date(c.deadline_on), c.responses]
                for c in report.consultations
            ],
        )

    def assessment(doc) -> None:
        table(
            [_("Measure"), str(report.year - 1), str(report.year), _("Change")],
            [
                [
                    line.measure.label,
                    line.previous.light.label if line.previous else "—",
                    f"{line.measure.light.label}: {line.measure.value}",
                    line.change,
                ]
                for line in report.assessment
            ],
        )
        chart("assessment")

    fills = (composition, meetings, decisions, actions, enews, consultations, assessment)
    return list(zip(section_titles(), fills, strict=True))
