"""The partnership view: the self-assessments of the partnership's NMGs side by side, as the B1MG survey
showed its countries.

The documents are the open format's (`self_assessment.document`): every `.json` file of PARTNERSHIP_DIR,
holding one NMG's document or a list of its years, beside this group's own document of the current year.
The files are read at each request: a few dozen documents of a few KB each take less time than a cache
would save. A file that is not a valid document is named with its first problems, and the others still
show.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import clock
from ..minutes.exports import Table
from ..models import AnsweredMeasure
from .self_assessment.definitions import QUESTIONS, Light
from .self_assessment.document import document, problems

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
    """How many NMGs have each light on one measure."""

    label: str
    counts: dict[Light, int]


@dataclass(frozen=True)
class View:
    rows: list[Row]
    unreadable: list[Unreadable]
    tallies: list[Tally]


_STAGES = {
    "operational": _l("Operational"),
    "constructing": _l("Under construction"),
    "planning": _l("Planning"),
    "no_activity": _l("No activity"),
}


def _stage(measure: dict[str, Any]) -> str:
    return str(_STAGES.get(measure["stage"], measure["stage"]))


def _yes_no(measure: dict[str, Any]) -> str:
    return _("Yes") if measure["approved_on"] else _("No")


def _choice(question: AnsweredMeasure) -> Callable[[dict[str, Any]], str]:
    def text(measure: dict[str, Any]) -> str:
        choice = QUESTIONS[question].choice(measure["choice"] or "")
        return str(choice.label) if choice else _("Not answered")

    return text


def _experts(measure: dict[str, Any]) -> str:
    return str(measure["experts"])


def _stakeholders(measure: dict[str, Any]) -> str:
    kinds = measure["by_stakeholder_type"].values()
    return _(
        "%(represented)d of %(types)d",
        represented=sum(1 for kind in kinds if kind["represented"]),
        types=len(kinds),
    )


def _cadence(measure: dict[str, Any]) -> str:
    return _("%(held)d held of %(agreed)d agreed", held=measure["held"], agreed=measure["agreed_per_year"])


def columns() -> list[Column]:
    """The measures the B1MG survey compared across countries, in its order."""
    return [
        Column("stage", _("Stage of development"), _stage),
        Column("terms_of_reference", _("Terms of reference"), _yes_no),
        Column("nomination_process", _("Nomination process"), _choice(AnsweredMeasure.NOMINATION_PROCESS)),
        Column("organisational_model", _("Governance model"), _choice(AnsweredMeasure.ORGANISATIONAL_MODEL)),
        Column("funding", _("Funding"), _choice(AnsweredMeasure.FUNDING)),
        Column("composition", _("Experts"), _experts),
        Column("stakeholders", _("Stakeholder types represented"), _stakeholders),
        Column("communication_meetings", _("Meeting cadence kept"), _cadence),
    ]


def country_name(code: str) -> str:
    """The country's name in the reader's language (the code itself for a code Babel does not know)."""
    return Locale.parse(str(get_locale() or "en")).territories.get(code, code)


def _latest(content: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """The latest year's document of a file's content, or the problems that make it none."""
    documents = content if isinstance(content, list) else [content]
    if not documents:
        return None, [_("The file holds an empty list, and no self-assessment.")]
    is_list = isinstance(content, list)
    # Each problem's JSON path starts at its document; in a list, at the document's place in it.
    found = [
        (f"$[{i}]" if is_list else "$") + problem[1:]
        for i, doc in enumerate(documents)
        for problem in problems(doc)
    ]
    if found:
        return None, found
    return max(documents, key=lambda doc: doc["year"]), []


def _read(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    try:
        content = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None, [_("The file is not JSON.")]
    return _latest(content)


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


def _said(found: list[str]) -> str:
    text = "; ".join(found[:SHOWN_PROBLEMS])
    more = len(found) - SHOWN_PROBLEMS
    return text + (" " + _("(and %(num)d more)", num=more) if more > 0 else "")


def view() -> View:
    """This group's current document and every readable file's latest year, ordered by country."""
    shown = columns()
    docs = [document(clock.local(clock.now()).year)]
    unreadable = []
    folder = Path(current_app.config["PARTNERSHIP_DIR"])
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        doc, found = _read(path)
        if doc is None:
            unreadable.append(Unreadable(path.name, _said(found)))
        else:
            docs.append(doc)
    rows = sorted((_row(doc, shown) for doc in docs), key=lambda row: (row.country, row.name))
    tallies = [
        Tally(column.label, {light: sum(row.cells[i].light is light for row in rows) for light in Light})
        for i, column in enumerate(shown)
    ]
    return View(rows, unreadable, tallies)


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
