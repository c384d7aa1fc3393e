"""The partnership view: the self-assessments of the partnership's NMGs side by side, as the B1MG survey
showed its countries.

The documents are the open format's (`self_assessment.document`): those kept from the sources (addresses
the scheduler fetches and files the coordinator uploaded, `sources`), every `.json` file of
PARTNERSHIP_DIR (one NMG's document or a list of its years), and this group's own document of the current
year. One row per NMG shows its latest year; the counts by light are made for that year and for every year
some document describes. A file that is not a valid document, or a source whose last reading failed, is
named with its first problems, and the others still show. The view is made again only when one of them
changed (`kept`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...minutes.exports import Table
from ...models import AnsweredMeasure, SourceOutcome
from ..self_assessment.definitions import QUESTIONS, Light, recommendation
from ..self_assessment.importing import ImportRefused, documents_in
from .sources import kept_documents, max_bytes

#: problems shown for a file that cannot be read, before "and N more"
SHOWN_PROBLEMS = 3


@dataclass(frozen=True)
class Cell:
    """One measure of one NMG: the answer in a few words, and its light."""

    text: str
    light: Light


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    #: the answer in a few words, from the measure's part of the document
    text: Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class Row:
    country: str
    name: str
    public_site: str
    year: int
    cells: list[Cell]


@dataclass(frozen=True)
class Unreadable:
    file: str
    problems: str


@dataclass(frozen=True)
class Tally:
    """How many NMGs have each light on one measure, in their latest year and in each year."""

    label: str
    #: the B1MG recommendation, as the self-assessment shows it
    recommendation: str
    counts: dict[Light, int]
    by_year: dict[int, dict[Light, int]]


@dataclass(frozen=True)
class View:
    rows: list[Row]
    unreadable: list[Unreadable]
    tallies: list[Tally]
    #: every year some NMG's document describes, oldest first
    years: list[int]


_STAGES = {
    "operational": _l("Operational"),
    "constructing": _l("Under construction"),
    "planning": _l("Planning"),
    "no_activity": _l("No activity"),
}


def _words(words: dict[str, str], field: str, otherwise: str) -> Callable[[dict[str, Any]], str]:
    return lambda measure: words.get(measure[field] or "", otherwise)


def _choices(question: AnsweredMeasure) -> dict[str, str]:
    return {choice.value: str(choice.label) for choice in QUESTIONS[question].choices}


def _approved(yes: str, no: str) -> Callable[[dict[str, Any]], str]:
    return lambda measure: yes if measure["approved_on"] else no


def _stakeholders(template: str) -> Callable[[dict[str, Any]], str]:
    def text(measure: dict[str, Any]) -> str:
        kinds = measure["by_stakeholder_type"].values()
        return template % {
            "represented": sum(1 for kind in kinds if kind["represented"]),
            "types": len(kinds),
        }

    return text


def _cadence(template: str) -> Callable[[dict[str, Any]], str]:
    return lambda measure: template % {"held": measure["held"], "agreed": measure["agreed_per_year"]}


def columns() -> list[Column]:
    """The measures the B1MG survey compared across countries, in its order (`sources.COMPARED`).

    Each word is translated once here, not once per NMG: a view of 40 NMGs shows some 300 answers."""
    unanswered = _("Not answered")
    return [
        Column(
            "stage",
            _("Stage of development"),
            _words({key: str(label) for key, label in _STAGES.items()}, "stage", ""),
        ),
        Column(
            "terms_of_reference",
            _("Terms of reference"),
            _approved(_("Yes"), _("No")),
        ),
        Column(
            "nomination_process",
            _("Nomination process"),
            _words(_choices(AnsweredMeasure.NOMINATION_PROCESS), "choice", unanswered),
        ),
        Column(
            "organisational_model",
            _("Governance model"),
            _words(_choices(AnsweredMeasure.ORGANISATIONAL_MODEL), "choice", unanswered),
        ),
        Column("funding", _("Funding"), _words(_choices(AnsweredMeasure.FUNDING), "choice", unanswered)),
        Column("composition", _("Experts"), lambda measure: str(measure["experts"])),
        Column(
            "stakeholders",
            _("Stakeholder types represented"),
            _stakeholders(_("%(represented)d of %(types)d")),
        ),
        Column(
            "communication_meetings",
            _("Meeting cadence kept"),
            _cadence(_("%(held)d held of %(agreed)d agreed")),
        ),
    ]


@cache
def _territories(language: str) -> dict[str, str]:
    # Parsing the locale takes a millisecond; a view of 40 NMGs would spend most of its time on it.
    return dict(Locale.parse(language).territories)


def country_name(code: str) -> str:
    """The country's name in the reader's language (the code itself for a code Babel does not know)."""
    return _territories(str(get_locale() or "en")).get(code, code)


def _read(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """A file's valid documents, or none and the problems that make them none."""
    try:
        return documents_in(path.read_bytes(), max_bytes()), []
    except ImportRefused as exc:
        return [], exc.problems or [str(exc)]


def _row(doc: dict[str, Any], shown: list[Column]) -> Row:
    group = doc["group"]
    return Row(
        country=country_name(group["country"]),
        name=group["name"],
        public_site=group["public_site"],
        year=doc["year"],
        cells=[
            Cell(column.text(doc["measures"][column.key]), Light(doc["measures"][column.key]["light"]))
            for column in shown
        ],
    )


def said(found: list[str]) -> str:
    text = "; ".join(found[:SHOWN_PROBLEMS])
    more = len(found) - SHOWN_PROBLEMS
    return text + (" " + _("(and %(num)d more)", num=more) if more > 0 else "")


def folder() -> Path:
    return Path(current_app.config["PARTNERSHIP_DIR"])


def files() -> list[Path]:
    """The folder's documents, in the order they are read."""
    return sorted(folder().glob("*.json")) if folder().is_dir() else []


def _gathered(own: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Unreadable]]:
    """Every valid document, those that take precedence for an NMG's year last: the folder's files, then
    the sources (the latest read last), then this group's own; and what could not be read."""
    docs: list[dict[str, Any]] = []
    unreadable = []
    for path in files():
        found, wrong = _read(path)
        docs += found
        if wrong:
            unreadable.append(Unreadable(path.name, said(wrong)))
    kept = kept_documents()
    for source, found in sorted(kept, key=lambda pair: pair[0].read_at or pair[0].added_at):
        docs += found
        if source.outcome is SourceOutcome.FAILED:
            unreadable.append(Unreadable(source.url or source.country or "", source.error))
    docs.append(own)
    return docs, unreadable


def _counts(cells: list[Cell]) -> dict[Light, int]:
    return {light: sum(cell.light is light for cell in cells) for light in Light}


def view(own: dict[str, Any]) -> View:
    """Each NMG's latest year, ordered by country, how many meet each measure, and the same by year, with
    `own`, this group's document of the current year."""
    shown = columns()
    docs, unreadable = _gathered(own)
    # One NMG is one country in one partnership; a later document of the same year replaces an earlier.
    by_nmg: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
    for doc in docs:
        by_nmg.setdefault((doc["group"]["country"], doc["group"]["partnership"]), {})[doc["year"]] = doc
    years = sorted({year for by_year in by_nmg.values() for year in by_year})
    # The years' counts need the lights only, not the answers in words.
    lights_by_year = {
        year: [
            [Cell("", Light(by_year[year]["measures"][column.key]["light"])) for column in shown]
            for by_year in by_nmg.values()
            if year in by_year
        ]
        for year in years
    }
    rows = sorted(
        (_row(by_year[max(by_year)], shown) for by_year in by_nmg.values()),
        key=lambda row: (row.country, row.name),
    )
    tallies = [
        Tally(
            column.label,
            recommendation(column.key),
            _counts([row.cells[i] for row in rows]),
            {year: _counts([cells[i] for cells in lights_by_year[year]]) for year in years},
        )
        for i, column in enumerate(shown)
    ]
    return View(rows, unreadable, tallies, years)


def table(seen: View) -> Table:
    """The first table of the page as a spreadsheet: each measure's answer and its light."""
    header = [_("Country"), _("NMG"), _("Public site"), _("Year")]
    for column in columns():
        header += [column.label, _("%(measure)s: light", measure=column.label)]
    return Table(
        name=_("Partnership"),
        header=header,
        rows=[
            [row.country, row.name, row.public_site, row.year]
            + [value for cell in row.cells for value in (cell.text, cell.light.label)]
            for row in seen.rows
        ],
    )
