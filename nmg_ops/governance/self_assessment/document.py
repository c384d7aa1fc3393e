"""A year's self-assessment as an open document, valid against `docs/schema/nmg-self-assessment-1.json`.

The document holds every measure of the year (`rules.measures`) with its light and where it comes from, the
figures behind it as numbers and codes rather than sentences (so that a program reading many groups'
documents compares them without reading Italian or English), the coordinator's answers, and the group's
identity. Nothing in it names a member: the coordinator measure says whether there is one, not who.

Counts by gender, region and stakeholder type follow the rule of the published consultation results
(`consultation_results.suppressed`): a group of fewer than three members shows no count, and neither do
the smallest others with it until the hidden ones cannot be told apart. Whether a stakeholder type or a
region is represented at all is shown, as the B1MG survey showed it for every country; a group with no
member is counted 0, which tells nothing about anyone.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jsonschema import Draft202012Validator, ValidationError

from ... import clock
from ...models import Gender, MemberRole, SelfAssessmentAnswer, StakeholderType
from ..consultation_results import suppressed
from .definitions import Light, Source
from .facts import Facts, Period
from .rules import due_meetings, measures
from .trend import periods_and_facts

SCHEMA_VERSION = 1
#: where the app serves the schema, below the group's public address
SCHEMA_PATH = f"/self-assessment/schema/{SCHEMA_VERSION}.json"
SCHEMA_FILE = Path(__file__).resolve().parents[3] / "docs" / "schema" / "nmg-self-assessment-1.json"


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every document of this version is valid against."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def public_site() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/"


def identity() -> dict[str, str]:
    """The group a document describes: two documents with the same country and partnership are one NMG's."""
    config = current_app.config
    return {
        "name": config["NMG_NAME"],
        "country": config["NMG_COUNTRY"],
        "partnership": config["NMG_PARTNERSHIP"],
        "public_site": public_site(),
    }


def document(year: int) -> dict[str, Any]:
    """The year's self-assessment as the data stands now (at the year's end, for a year that is over)."""
    (period,), facts = periods_and_facts([year])
    return {
        "schema": public_site().rstrip("/") + SCHEMA_PATH,
        "schema_version": SCHEMA_VERSION,
        "group": identity(),
        "year": year,
        "as_of": period.as_of.isoformat(),
        "year_complete": not period.is_current,
        "measures": {
            measure.key: {
                "light": measure.light.value,
                "source": measure.source.value,
                **(
                    _answer(measure.answer)
                    if measure.source is Source.COORDINATOR
                    else _FIGURES[measure.key](period, facts, measure.light)
                ),
            }
            for measure in measures(period, facts)
        },
    }


def _answer(answer: SelfAssessmentAnswer | None) -> dict[str, Any]:
    return {"choice": answer.choice if answer else None, "note": answer.note if answer else ""}


def _counts(sizes: dict[str, int]) -> dict[str, int | None]:
    """Each group's count, or None for the groups too small to show (zeros are shown: they tell nothing)."""
    hidden = suppressed({key: n for key, n in sizes.items() if n > 0})
    return {key: None if key in hidden else n for key, n in sizes.items()}


def _stage(period: Period, facts: Facts, light: Light) -> dict[str, Any]:
    if facts.composition[period.year].experts == 0:
        stage = "no_activity"
    else:
        stage = {Light.GREEN: "operational", Light.AMBER: "constructing"}.get(light, "planning")
    return {"stage": stage}


def _size(period: Period, facts: Facts, light: Light) -> dict[str, Any]:
    comp = facts.composition[period.year]
    return {"experts": comp.experts, "members": comp.total, "recommended_minimum": comp.min_experts}


def _gender(period: Period, facts: Facts, light: Light) -> dict[str, Any]:
    comp = facts.composition[period.year]
    counts = _counts(
        {
            **{gender.value: comp.by_gender.get(gender, 0) for gender in Gender},
            "not_given": comp.by_gender.get(None, 0),
        }
    )
    share = comp.gender_share()
    shown = counts[Gender.FEMALE.value] is not None and counts[Gender.MALE.value] is not None
    return {
        "by_gender": counts,
        # The share would give back a hidden count from the other one.
        "smaller_share": round(share, 2) if share is not None and shown else None,
        "target_share": comp.min_gender_share,
    }


def _regions(period: Period, facts: Facts, light: Light) -> dict[str, Any]:
    comp = facts.composition[period.year]
    named = {region: n for region, n in comp.by_region if region is not None}
    counts = _counts(named)
    return {
        "regions": comp.regions,
        "recommended_minimum": comp.min_regions,
        "by_region": [{"region": region, "members": counts[region]} for region in sorted(named)],
    }


def _stakeholders(period: Period, facts: Facts, light: Light) -> dict[str, Any]:
    comp = facts.composition[period.year]
    sizes = {kind.value: comp.by_stakeholder_type.get(kind, 0) for kind in StakeholderType}
    counts = _counts(sizes)
    return {
        "by_stakeholder_type": {
            kind: {"represented": sizes[kind] > 0, "members": counts[kind]} for kind in sizes
        },
        "missing": [kind.value for kind in comp.missing_stakeholder_types],
    }


def _coordinator(period: Period, facts: Facts, light: Light) -> dict[str, Any]:
    return {"has_coordinator": facts.coordinator[period.year] is not None}


def _contact_point(period: Period, facts: Facts, light: Light) -> dict[str, Any]:
    by_role = facts.composition[period.year].by_role
    return {"contact_points": by_role.get(MemberRole.NATIONAL_CONTACT_POINT, 0)}


def _terms_of_reference(period: Period, facts: Facts, light: Light) -> dict[str, Any]:
    approved_at = facts.tor_approved[period.year]
    day: date | None = clock.local(approved_at).date() if approved_at else None
    return {"approved_on": day.isoformat() if day else None}


def _enews(period: Period, facts: Facts, light: Light) -> dict[str, Any]:
    due = period.due_months
    return {"months_due": len(due), "months_sent": sum(month in facts.enews_months for month in due)}


def _meetings(period: Period, facts: Facts, light: Light) -> dict[str, Any]:
    entry = facts.meetings[period.year]
    return {
        "agreed_per_year": entry.agreed,
        "due": due_meetings(period, entry.agreed),
        "held": entry.held,
        "planned_or_held": entry.planned,
    }


def _national_activities(period: Period, facts: Facts, light: Light) -> dict[str, Any]:
    entry = facts.meetings[period.year]
    return {"held": entry.held, "planned_or_held": entry.planned}


def _working_groups(period: Period, facts: Facts, light: Light) -> dict[str, Any]:
    groups = facts.composition[period.year].by_working_group
    attendance = facts.group_attendance[period.year].values()
    recorded = sum(r for _p, r in attendance)
    return {
        "groups": len(groups),
        "groups_with_members": sum(1 for group in groups if group.count),
        "attendance_share": round(sum(p for p, _r in attendance) / recorded, 2) if recorded else None,
    }


#: the figures of each measure read from the data, by its key in `rules.measures`
_FIGURES = {
    "stage": _stage,
    "composition": _size,
    "gender": _gender,
    "regions": _regions,
    "stakeholders": _stakeholders,
    "coordinator": _coordinator,
    "contact_point": _contact_point,
    "terms_of_reference": _terms_of_reference,
    "communication_enews": _enews,
    "communication_meetings": _meetings,
    "national_activities": _national_activities,
    "working_groups": _working_groups,
}


def problems(instance: Any) -> list[str]:
    """What makes `instance` no document of this schema, one line per error: where (as a JSON path) and
    what is wrong, in the reader's language; none for a valid document."""
    validator = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(instance), key=lambda error: [str(p) for p in error.absolute_path])
    return [f"{error.json_path}: {_what_is_wrong(error)}" for error in errors]


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


def _what_is_wrong(error: ValidationError) -> str:
    """The schema's error said in the reader's language, for the checks this schema uses."""
    rule, expected, value = error.validator, error.validator_value, error.instance
    if rule == "required":
        missing = [name for name in expected if isinstance(value, dict) and name not in value]
        return _("%(names)s is missing.", names=", ".join(f"“{name}”" for name in missing))
    if rule == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = [name for name in value if name not in known]
        return _("%(names)s is not part of the format.", names=", ".join(f"“{name}”" for name in extra))
    if rule == "type":
        wanted = [expected] if isinstance(expected, str) else expected
        return _(
            "should be %(wanted)s, not %(value)s.",
            wanted=_(" or ").join(str(_TYPES.get(kind, kind)) for kind in wanted),
            value=_shown(value),
        )
    if rule in ("enum", "const"):
        choices = expected if rule == "enum" else [expected]
        return _(
            "should be one of %(choices)s, not %(value)s.",
            choices=", ".join(_shown(choice) for choice in choices),
            value=_shown(value),
        )
    if rule == "minimum":
        return _("should be at least %(limit)s, not %(value)s.", limit=expected, value=_shown(value))
    if rule == "maximum":
        return _("should be at most %(limit)s, not %(value)s.", limit=expected, value=_shown(value))
    if rule in ("pattern", "format", "minLength", "maxLength", "uniqueItems"):
        return _("%(value)s is not in the form the schema asks for here.", value=_shown(value))
    return error.message


_TYPES = {
    "integer": _l("a whole number"),
    "number": _l("a number"),
    "string": _l("text"),
    "object": _l("an object"),
    "array": _l("a list"),
    "boolean": _l("true or false"),
    "null": _l("null"),
}
