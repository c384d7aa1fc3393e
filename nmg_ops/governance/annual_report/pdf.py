"""The report as a PDF: the printable page, charts drawn as vectors."""

from __future__ import annotations

from flask import render_template

from ...i18n import format_date
from ...printing import html_pdf
from .figures import AnnualReport, generated_line, section_titles

PDF_TYPE = "application/pdf"


def report_html(report: AnnualReport) -> str:
    """The printable page the PDF is made from."""
    return render_template(
        "governance/annual_report.html",
        report=report,
        section_titles=section_titles(),
        generated_line=generated_line(report),
        as_of=format_date(report.as_of, "long"),
    )


def report_pdf(report: AnnualReport) -> bytes:
    """The report as a PDF, charts drawn as vectors."""
    return html_pdf(report_html(report))
