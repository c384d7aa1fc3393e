"""The coordinator's annual report: its figures follow the data of the year, it opens as a PDF with its
charts and as a DOCX with tables and pictures, it is published as a version of a report document that can
be approved, and its cost does not grow with the group."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from nmg_ops.documents import library
from nmg_ops.extensions import db
from nmg_ops.governance.annual_report import docx_file, figures, gathering, pdf, publishing
from nmg_ops.governance.charts import BAR_HEIGHT, VALUE_ROOM, WIDTH
from nmg_ops.models import (
    ActionItem,
    ActionStatus,
    Attendance,
    Decision,
    DocumentKind,
    DocumentVisibility,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    NewsIssue,
    NewsIssueStatus,
    NewsSubscriber,
    StakeholderType,
    SubscriberStatus,
    Survey,
    SurveyAudience,
    SurveyResponse,
    VersionStatus,
)

ROME = ZoneInfo("Europe/Rome")
NMG_NAME = "Italian National Mirror Group"
CHART_TITLES = ("Meetings held by type", "Attendance by stakeholder type (% present)")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ROME)


def report(app, year: int = 2025) -> figures.AnnualReport:
    with app.test_request_context():
        return gathering.report_for(year)


@pytest.fixture
def year_2025(people, make_org, make_member, make_meeting, make_term):
    """A year with something in every section: a held plenary with a ministry and a patients' member, a
    decision of its approved minutes, two actions, a coordinator's term, a sent e-news, subscribers, a
    consultation, a member joining and one leaving."""
    ministry = make_member(full_name="Mario Ministry")
    patients = make_member(
        organisation=make_org("Patients Together", StakeholderType.PATIENT), full_name="Paola Patient"
    )
    make_term(ministry, starts_on=date(2024, 11, 12), days=365)
    make_member(full_name="Nina Newcomer", joined_on=date(2025, 5, 1))
    make_member(full_name="Luca Leaver", left_on=date(2025, 9, 30))
    meeting = make_meeting(
        "plenary", starts_at=at(date(2025, 3, 10)), status=MeetingStatus.HELD, invitees=[ministry, patients]
    )
    marks = {ministry.id: Attendance.PRESENT, patients.id: Attendance.ABSENT}
    for invitation in meeting.invitations:
        invitation.attendance = marks[invitation.member_id]
    db.session.add(Decision(year=2025, number=1, meeting_id=meeting.id, text="Adopt the work plan"))
    approved = Minutes(meeting_id=meeting.id, status=MinutesStatus.APPROVED, approved_on=date(2025, 4, 7))
    db.session.add(approved)
    db.session.add(ActionItem(title="Draft the plan", meeting_id=meeting.id, status=ActionStatus.DONE))
    db.session.add(ActionItem(title="Ask the regions", meeting_id=meeting.id, status=ActionStatus.OPEN))
    db.session.add(
        NewsIssue(
            number=1,
            month=date(2025, 4, 1),
            title="IT NMG e-news n. 1 — April 2025",
            status=NewsIssueStatus.SENT,
            sent_at=at(date(2025, 4, 20)),
            recipient_count=42,
        )
    )
    db.session.add_all(
        [
            NewsSubscriber(
                email="reader@example.org",
                status=SubscriberStatus.CONFIRMED,
                confirmed_at=at(date(2025, 2, 1)),
            ),
            NewsSubscriber(
                email="gone@example.org",
                status=SubscriberStatus.UNSUBSCRIBED,
                confirmed_at=at(date(2025, 2, 1)),
                unsubscribed_at=at(date(2025, 8, 1)),
            ),
        ]
    )
    survey = Survey(
        title="Priorities for 2026",
        audience=SurveyAudience.ALL,
        deadline_at=at(date(2025, 6, 30)),
        opened_at=at(date(2025, 6, 1)),
    )
    db.session.add(survey)
    db.session.flush()
    db.session.add_all(
        [
            SurveyResponse(
                survey_id=survey.id, member_id=ministry.id, stakeholder_type=StakeholderType.MINISTRY
            ),
            SurveyResponse(
                survey_id=survey.id, member_id=patients.id, stakeholder_type=StakeholderType.PATIENT
            ),
        ]
    )
    db.session.commit()
    return meeting


def test_an_empty_year_reports_zeros(app, people):
    result = report(app)
    assert result.meetings_held == 0
    assert result.decisions == []
    assert result.actions_total == 0
    assert result.issues_sent == [] and result.subscribers_at_end == 0
    assert result.consultations == []
    assert result.composition.total == 4  # the four people with roles, who joined in 2024


def test_the_figures_follow_the_year_data(app, year_2025):
    result = report(app)
    assert result.members_at_start == 7
    assert [c.name for c in result.joined] == ["Nina Newcomer"]
    assert [c.name for c in result.left] == ["Luca Leaver"]
    assert result.composition.total == 7
    assert [c.split(" (")[0] for c in result.coordinators] == ["Mario Ministry"]

    plenary = next(line for line in result.meeting_types if line.held)
    assert (plenary.held, plenary.agreed) == (1, 6)
    assert [(m.title, m.present, m.recorded) for m in result.held_meetings] == [(year_2025.title, 1, 2)]
    by_type = {line.label: (line.present, line.absent) for line in result.attendance}
    assert by_type == {StakeholderType.MINISTRY.label: (1, 0), StakeholderType.PATIENT.label: (0, 1)}
    assert result.attendance_overall.rate == 50

    assert [(d.code, d.text) for d in result.decisions] == [("2025/01", "Adopt the work plan")]
    assert (result.actions_total, result.actions_done, result.actions_open) == (2, 1, 1)
    assert [(i.title, i.recipients) for i in result.issues_sent] == [("IT NMG e-news n. 1 — April 2025", 42)]
    assert (result.subscribers_at_end, result.subscribers_new, result.subscribers_left) == (1, 2, 1)
    assert [(c.title, c.responses) for c in result.consultations] == [("Priorities for 2026", 2)]
    assert set(result.assessment_greens) == {2024, 2025}
    assert all(line.previous is not None for line in result.assessment)


def test_another_year_does_not_see_2025(app, year_2025):
    result = report(app, 2024)
    assert result.meetings_held == 0 and result.decisions == [] and result.issues_sent == []
    assert result.subscribers_at_end == 0 and result.consultations == []
    assert set(result.assessment_greens) == {2024}
    assert all(line.previous is None for line in result.assessment)


def test_a_year_without_data_is_refused(app, people):
    with app.test_request_context(), pytest.raises(figures.ReportYearError):
        gathering.report_for(2031)


def _pdf_text(data: bytes) -> tuple[str, list[bytes]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    streams = [page.get_contents().get_data() for page in reader.pages]
    return text, streams


def _catalog(data: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data)).trailer["/Root"]


def _has_bars(streams: list[bytes]) -> bool:
    """The SVG made it as vectors: each chart's longest bar is a filled rectangle at the left edge, as wide
    as the drawing leaves for bars and as high as a bar."""
    longest = rb"\b0 \d+(\.\d+)? %d(\.0+)? %d re\s+f\b" % (WIDTH - VALUE_ROOM, BAR_HEIGHT)
    return any(re.search(longest, stream) for stream in streams)


def test_the_pdf_has_the_name_the_year_the_sections_and_the_charts(app, year_2025):
    with app.test_request_context():
        data = pdf.report_pdf(gathering.report_for(2025))
        titles = figures.section_titles()
    assert data.startswith(b"%PDF")
    text, streams = _pdf_text(data)
    flat = " ".join(text.split())
    assert NMG_NAME.upper() in flat.upper()
    assert "Annual report 2025" in flat
    for title in [*titles, *CHART_TITLES]:
        assert title in flat, title
    assert "Adopt the work plan" in flat and "Priorities for 2026" in flat
    assert _has_bars(streams)
    # Tagged for screen readers, in the reader's language.
    catalog = _catalog(data)
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "en"


def test_the_pdf_is_tagged_in_the_readers_language(app, year_2025):
    with app.test_request_context(headers={"Accept-Language": "it"}):
        data = pdf.report_pdf(gathering.report_for(2025))
    catalog = _catalog(data)
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "it"
    assert "Relazione annuale 2025" in " ".join(_pdf_text(data)[0].split())


def test_the_docx_has_headings_tables_and_charts(app, year_2025):
    from docx import Document

    with app.test_request_context():
        data = docx_file.report_docx(gathering.report_for(2025))
        titles = figures.section_titles()
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert "Annual report 2025" in headings
    assert all(title in headings for title in titles)
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert {"2025/01", "Adopt the work plan", "Priorities for 2026"} <= cells
    assert len(doc.inline_shapes) >= 4


@pytest.mark.parametrize(("language", "tag"), [("it", "it-IT"), ("en", "en-GB")])
def test_the_docx_is_on_a4_in_the_readers_language_with_charts_described(app, year_2025, language, tag):
    from docx import Document
    from docx.oxml.ns import qn

    with app.test_request_context(), force_locale(language):
        report = gathering.report_for(2025)
        data = docx_file.report_docx(report)
    doc = Document(io.BytesIO(data))
    (section,) = doc.sections
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert lang.find(qn("w:lang")).get(qn("w:val")) == tag
    descriptions = [shape._inline.docPr.get("descr") for shape in doc.inline_shapes]
    assert descriptions and all(descriptions), "every chart has its alternative text"
    chart = next(c for c in report.charts.values() if c.bars)
    assert docx_file.chart_text(chart) in descriptions
    assert f"{chart.bars[0].label}: {chart.bars[0].value}" in docx_file.chart_text(chart)


def test_publishing_adds_a_draft_report_version_that_can_be_approved(app, people, year_2025):
    coordinator = people["coordinator"]
    with app.test_request_context():
        first = publishing.publish(2025, coordinator)
        db.session.commit()
        second = publishing.publish(2025, coordinator)
        db.session.commit()
        document = first.document
        assert second.document_id == document.id and second.number == 2
        assert document.kind is DocumentKind.REPORT
        assert document.visibility is DocumentVisibility.TEAM
        assert document.title == "Annual report 2025"
        assert second.is_pdf and second.note.startswith("Generated on")
        text, _streams = _pdf_text(library.read(second))
        assert "Annual report 2025" in text
        library.approve(second, coordinator, note="Approved by the coordinator")
        db.session.commit()
        assert second.status is VersionStatus.APPROVED
        assert library.current_approved(DocumentKind.REPORT) == second


def test_the_coordinator_downloads_and_publishes_from_the_page(client, sign_in, people, year_2025):
    sign_in(people["coordinator"])
    page = client.get("/governance/annual-report?year=2025")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Annual report 2025" in html and "/governance/annual-report/2025/publish" in html

    pdf = client.get("/governance/annual-report/2025.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    docx = client.get("/governance/annual-report/2025.docx")
    assert docx.status_code == 200
    assert docx.headers["Content-Disposition"] == 'attachment; filename="annual-report-2025-en.docx"'

    token = client.get("/governance/annual-report?year=2025").get_data(as_text=True)
    csrf = token.split('name="csrf_token" value="')[1].split('"')[0]
    published = client.post("/governance/annual-report/2025/publish", data={"csrf_token": csrf})
    assert published.status_code == 302
    assert "/documents/" in published.headers["Location"]
    document = client.get(published.headers["Location"])
    assert "annual-report-2025.pdf" in document.get_data(as_text=True)


def test_the_report_comes_in_the_language_asked_for(client, sign_in, people, year_2025):
    from docx import Document

    sign_in(people["coordinator"])
    page = client.get("/governance/annual-report?year=2025").get_data(as_text=True)
    assert "/governance/annual-report/2025.docx?language=it" in page and "In Italian:" in page
    italian = client.get("/governance/annual-report/2025.docx?language=it")
    assert italian.headers["Content-Language"] == "it"
    assert 'filename="annual-report-2025-it.docx"' in italian.headers["Content-Disposition"]
    headings = [p.text for p in Document(io.BytesIO(italian.data)).paragraphs]
    assert "Relazione annuale 2025" in headings, headings[:5]
    pdf_it = client.get("/governance/annual-report/2025.pdf?language=it")
    assert pdf_it.status_code == 200 and pdf_it.headers["Content-Language"] == "it"
    refused = client.get("/governance/annual-report/2025.pdf?language=xx")
    assert refused.status_code == 400 and "The report is written in it, en." in refused.get_data(as_text=True)


def test_the_docx_columns_fit_their_headers_and_give_text_the_room(app, year_2025):
    from docx import Document

    decision = db.session.scalars(sa.select(Decision)).one()
    decision.text = "Adopt the work plan for 2025, with the two thematic meetings moved to the autumn " * 2
    db.session.commit()
    with app.test_request_context(), force_locale("en"):
        doc = Document(io.BytesIO(docx_file.report_docx(gathering.report_for(2025))))
    for table in doc.tables:
        widths = [cell.width for cell in table.rows[0].cells]
        assert round(sum(widths) / 36000) <= 170, "the table fits between the margins"
        for cell, width in zip(table.rows[0].cells, widths, strict=True):
            longest_word = max(len(word) for word in cell.text.split())
            # About 2 mm a character of the 11 pt default font: the header's longest word never breaks.
            assert width / 36000 >= 1.9 * longest_word, f"{cell.text}: {width / 36000:.0f} mm"
    decisions = next(t for t in doc.tables if t.rows[0].cells[0].text == "Decision")
    date_width, text_width = decisions.rows[0].cells[1].width, decisions.rows[0].cells[3].width
    assert text_width > 2 * date_width
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    assert not any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) for text in cells)


def test_the_team_sees_the_report_but_does_not_publish(client, sign_in, people, year_2025):
    sign_in(people["coordination_team"])
    html = client.get("/governance/annual-report?year=2025").get_data(as_text=True)
    assert "/governance/annual-report/2025.pdf" in html
    assert "/publish" not in html


def test_a_year_out_of_range_is_not_found_with_a_reason(client, sign_in, people):
    sign_in(people["coordinator"])
    for path in ("/governance/annual-report?year=2031", "/governance/annual-report/2031.pdf"):
        response = client.get(path)
        assert response.status_code == 404
        assert "There is no annual report for 2031" in response.get_data(as_text=True)


def test_the_demo_2025_report_opens_as_a_pdf_with_its_charts(demo_loaded):
    with demo_loaded.test_request_context():
        made = gathering.report_for(2025)
        data = pdf.report_pdf(made)
    assert made.meetings_held > 0
    text, streams = _pdf_text(data)
    flat = " ".join(text.split())
    assert "Annual report 2025" in flat
    for title in CHART_TITLES:
        assert title in flat, title
    assert _has_bars(streams)


def test_the_statements_do_not_grow_with_the_members(
    app, people, year_2025, make_member, make_org, count_queries
):
    def statements() -> int:
        with app.test_request_context():
            gathering.report_for(2025)
            with count_queries() as counted:
                gathering.report_for(2025)
        return counted.count

    few = statements()
    orgs = [make_org(f"Bulk {i}", list(StakeholderType)[i % 10]) for i in range(10)]
    crowd = [make_member(organisation=orgs[i % 10], password=False) for i in range(40)]
    for member in crowd[:20]:
        member.left_on = date(2025, 6, 1) + timedelta(days=len(member.full_name))
    year_2025.invitations.extend(
        type(year_2025.invitations[0])(member=m, attendance=Attendance.PRESENT) for m in crowd
    )
    db.session.add_all(
        ActionItem(title=f"Action {i}", meeting_id=year_2025.id, status=ActionStatus.OPEN) for i in range(10)
    )
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionItem)) == 12
    assert statements() == few
