"""Importing this group's earlier self-assessments from a file: documents in the open format, kept elsewhere.

The file holds one document or a list of them. Each is checked against the schema, and every error is
reported with where it is (a JSON path) and what is wrong; a file with any error writes nothing. A
document must be this group's: the country and the partnership name one NMG, so another NMG's document
is refused (its name may have been written differently over the years, so the name is not compared).

What is stored are the coordinator's answers, where the page keeps them (`answers.record`): the figures
read from the data the app computes from its own records, and an imported document's figures would say
something else about the same year. A year that already has answers is replaced only once the
coordinator confirms; a question the document leaves unanswered keeps the answer the year has.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ... import clock
from ...errors import RuleError
from ...extensions import db
from ...models import AnsweredMeasure, AuditAction, Member, SelfAssessmentAnswer
from .answers import record
from .document import identity, problems


class ImportRefused(RuleError):
    """A file the self-assessment cannot import; `problems` lists each error found."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message, "file")
        self.problems = problems or []


@dataclass
class ImportPlan:
    """The answers a valid file gives, per year, and the years whose answers they would replace."""

    answers: dict[int, dict[AnsweredMeasure, tuple[str, str]]] = field(default_factory=dict)
    replaces: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(given) for given in self.answers.values())


def max_bytes() -> int:
    """The largest file taken (SELF_ASSESSMENT_IMPORT_MAX_BYTES)."""
    return current_app.config["SELF_ASSESSMENT_IMPORT_MAX_BYTES"]


def documents_in(
    raw: bytes, limit: int, checks: Callable[[dict[str, Any], str], list[str]] = lambda _doc, _where: []
) -> list[dict[str, Any]]:
    """The documents of a file (one, or a list of years), each valid against the schema and passing
    `checks` (given a valid document and its JSON path); raises `ImportRefused` with every error found."""
    if len(raw) > limit:
        raise ImportRefused(
            _("The file is larger than %(size)d KB; a self-assessment is a few KB.", size=limit // 1024)
        )
    try:
        content = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ImportRefused(_("The file is not text in UTF-8, so it is no JSON document.")) from None
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            _("The file is not JSON: %(error)s (line %(line)d).", error=exc.msg, line=exc.lineno)
        ) from None
    except RecursionError:
        # Lists within lists thousands deep: JSON, but no document of the schema, whose depth is five.
        raise ImportRefused(
            _("The file nests lists or objects too deeply to be a self-assessment.")
        ) from None
    documents = content if isinstance(content, list) else [content]
    if not documents:
        raise ImportRefused(_("The file holds an empty list, and no self-assessment."))
    is_list = isinstance(content, list)
    errors = []
    for i, doc in enumerate(documents):
        where = f"$[{i}]" if is_list else "$"
        found = [where + problem[1:] for problem in problems(doc)]
        errors += found or checks(doc, where)
    if errors:
        raise ImportRefused(_("The file is not a valid self-assessment; nothing was imported."), errors)
    years = [doc["year"] for doc in documents]
    twice = sorted({year for year in years if years.count(year) > 1})
    if twice:
        raise ImportRefused(
            _("The file is not a valid self-assessment; nothing was imported."),
            [f"$: {_('%(year)d is described more than once.', year=year)}" for year in twice],
        )
    return documents


def read(raw: bytes) -> ImportPlan:
    """What the file would store; raises `ImportRefused` with every error found, having written nothing."""
    documents = documents_in(raw, max_bytes(), _ours)
    plan = ImportPlan()
    for doc in documents:
        plan.answers[doc["year"]] = {
            measure: (given["choice"], given["note"])
            for measure in AnsweredMeasure
            if (given := doc["measures"][measure.value])["choice"] is not None
        }
    answered = db.session.scalars(
        sa.select(SelfAssessmentAnswer.year)
        .where(SelfAssessmentAnswer.year.in_([year for year, given in plan.answers.items() if given]))
        .distinct()
    )
    plan.replaces = sorted(answered)
    return plan


def _ours(doc: dict[str, Any], where: str) -> list[str]:
    """What makes a valid document not this group's, or not of a year begun."""
    found = []
    ours, theirs = identity(), doc["group"]
    if (theirs["country"], theirs["partnership"]) != (ours["country"], ours["partnership"]):
        found.append(
            where
            + ".group: "
            + _(
                "this is the self-assessment of %(name)s (%(country)s, %(partnership)s), not of this "
                "group (%(our_country)s, %(our_partnership)s).",
                name=theirs["name"],
                country=theirs["country"],
                partnership=theirs["partnership"],
                our_country=ours["country"],
                our_partnership=ours["partnership"],
            )
        )
    if doc["year"] > clock.local(clock.now()).year:
        found.append(where + ".year: " + _("%(year)d has not begun yet.", year=doc["year"]))
    return found


def store(plan: ImportPlan, by: Member) -> None:
    """Store the file's answers; the caller has had the replacement of any answered year confirmed."""
    for year, given in sorted(plan.answers.items()):
        for measure, (choice, note) in given.items():
            record(year, measure, choice, note, by, AuditAction.IMPORTED)
