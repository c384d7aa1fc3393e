"""The coordinator's annual report: a year of the NMG in figures, as a PDF, as a DOCX to edit, and as a
version of the document "Annual report <year>" that the group approves like any other document.

The report reads the year as the self-assessment does: up to its end, or up to now for the current year.
Its sections follow the order the NMG asked for: composition and its changes; meetings agreed, held and
attended by stakeholder type; decisions; actions; the e-news and its subscribers; consultations; the
self-assessment and its change since the year before. Every figure comes from an aggregate or a single
list query, so the statements run do not grow with the number of members, meetings or issues.

The PDF draws the charts as the pages do (inline SVG through `_chart.html`); the DOCX carries the same
charts as PNG images, since word processors do not all read SVG.

`gathering` reads the year into the `figures` of an `AnnualReport`; `pdf` and `docx_file` make the two files
from it, and `publishing` adds the PDF to the year's document.
"""
