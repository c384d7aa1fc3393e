"""Consultation results: the answers counted per question, overall and by stakeholder type and region.

A named survey's results are shown as they come in. An anonymous survey's follow the rules statistics
offices apply to small counts (docs/decisions/0017-consultations.md):

- nothing counted is shown while the survey accepts answers, since each answer would show as a change;
- with fewer than `MIN_ANONYMOUS_GROUP` respondents in all, no number at all, not even their count;
- in each breakdown a group of fewer than `MIN_ANONYMOUS_GROUP` is suppressed, and so are the smallest
  other groups until the suppressed ones are at least two and `MIN_ANONYMOUS_GROUP` respondents together:
  the total minus the groups shown then gives only a sum over several groups, never one small group;
- a suppressed group shows neither its counts nor its number of respondents.

Which groups are suppressed depends on the groups' sizes only, never on the answers, and is the same for
every question of the survey.

Published results (`published=True`, the page the coordinator publishes to members or to anyone) follow
the anonymous survey's rules whatever the survey was: a reader of a published page may know who sits in a
group of two, named survey or not. They show no free text at all: a free text may name its author or
someone else, and no rule on counts can make that safe; the coordinator's summary says what they said.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import (
    Member,
    PublicCapacity,
    PublicResponse,
    QuestionKind,
    StakeholderType,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)
from .consultation_audience import audience_clause
from .consultations import is_accepting

#: an anonymous survey shows no numbers for a group of fewer respondents than this
MIN_ANONYMOUS_GROUP = 3

K = TypeVar("K", bound=Hashable)
#: a member's or the public's response: both have answers of (question id, value)
Answered = SurveyResponse | PublicResponse
R = TypeVar("R", SurveyResponse, PublicResponse)


@dataclass
class GroupCounts:
    label: str
    #: how many answered; None when the group is suppressed
    respondents: int | None
    #: option -> count; empty when the group is suppressed
    counts: dict[str, int]
    is_hidden: bool = False


@dataclass
class QuestionResult:
    question: SurveyQuestion
    overall: GroupCounts
    by_stakeholder_type: list[GroupCounts]
    by_region: list[GroupCounts]
    #: the free texts, in no particular order and without names
    texts: list[str]


@dataclass
class PublicQuestionResult:
    question: SurveyQuestion
    overall: GroupCounts
    by_capacity: list[GroupCounts]
    by_region: list[GroupCounts]
    texts: list[str]


@dataclass
class PublicResults:
    """The public's confirmed answers, counted like an anonymous survey's: the respondents are not members
    and gave no name, so small groups and their complements are never shown."""

    #: how many confirmed answers; None with fewer than the minimum
    respondents: int | None
    questions: list[PublicQuestionResult]
    #: still accepting answers: only the number of respondents is shown
    is_withheld: bool = False


@dataclass
class Results:
    survey: Survey
    #: how many answered; None for an anonymous survey with fewer than the minimum
    respondents: int | None
    asked: int
    questions: list[QuestionResult]
    #: an anonymous survey still accepting answers: nothing counted is shown
    is_withheld: bool = False
    #: the public's answers, for a survey open to the public
    public: PublicResults | None = None


def suppressed(sizes: dict[K, int], minimum: int = MIN_ANONYMOUS_GROUP) -> set[K]:
    """The groups of one breakdown to hide: those under `minimum`, and the smallest others with them, until
    the hidden ones are at least two and hold `minimum` respondents together (or are all the groups)."""
    hidden = {key for key, size in sizes.items() if size < minimum}
    others = sorted((key for key in sizes if key not in hidden), key=lambda key: (sizes[key], str(key)))
    while hidden and others and (len(hidden) < 2 or sum(sizes[key] for key in hidden) < minimum):
        hidden.add(others.pop(0))
    return hidden


def _group(label: str, responses: Sequence[Answered], question: SurveyQuestion, hidden: bool) -> GroupCounts:
    if hidden:
        return GroupCounts(label=label, respondents=None, counts={}, is_hidden=True)
    counts: Counter[str] = Counter()
    for response in responses:
        counts.update(a.value for a in response.answers if a.question_id == question.id)
    return GroupCounts(
        label=label,
        respondents=len(responses),
        counts={choice: counts[choice] for choice in question.choices},
    )


def _breakdown(
    groups: dict[K, list[R]], labels: dict[K, str], anonymous: bool, all_hidden: bool
) -> list[tuple[str, list[R], bool]]:
    hidden = suppressed({key: len(group) for key, group in groups.items()}) if anonymous else set()
    return [(labels[key], group, all_hidden or key in hidden) for key, group in groups.items()]


def results(survey: Survey, *, published: bool = False) -> Results:
    """The survey's results as the team reads them, or (`published`) as a published page shows them."""
    asked = db.session.scalar(sa.select(sa.func.count(Member.id)).where(audience_clause(survey))) or 0
    anonymous = survey.is_anonymous or published
    responses = list(
        db.session.scalars(
            sa.select(SurveyResponse)
            .where(SurveyResponse.survey_id == survey.id)
            .options(so.selectinload(SurveyResponse.answers))
        )
    )
    too_few = anonymous and len(responses) < MIN_ANONYMOUS_GROUP
    respondents = None if too_few else len(responses)
    if anonymous and is_accepting(survey):
        return Results(survey=survey, respondents=respondents, asked=asked, questions=[], is_withheld=True)
    by_type: dict[StakeholderType, list[SurveyResponse]] = {}
    by_region: dict[str, list[SurveyResponse]] = {}
    for response in responses:
        by_type.setdefault(response.stakeholder_type, []).append(response)
        by_region.setdefault(response.region or "", []).append(response)
    national = str(_l("National / no region"))
    type_groups = _breakdown(
        dict(sorted(by_type.items(), key=lambda item: item[0].label)),
        {kind: kind.label for kind in by_type},
        anonymous,
        too_few,
    )
    region_groups = _breakdown(
        dict(sorted(by_region.items(), key=lambda item: (item[0] == "", item[0]))),
        {region: region or national for region in by_region},
        anonymous,
        too_few,
    )
    out = []
    for question in survey.questions:
        overall = _group(str(_l("All respondents")), responses, question, too_few)
        texts = [] if published else _texts(question, responses, overall)
        out.append(
            QuestionResult(
                question=question,
                overall=overall,
                by_stakeholder_type=[_group(label, g, question, hide) for label, g, hide in type_groups],
                by_region=[_group(label, g, question, hide) for label, g, hide in region_groups],
                texts=texts,
            )
        )
    return Results(
        survey=survey,
        respondents=respondents,
        asked=asked,
        questions=out,
        public=public_results(survey, published=published) if survey.asks_public else None,
    )


def _texts(question: SurveyQuestion, responses: Sequence[Answered], overall: GroupCounts) -> list[str]:
    if question.kind is not QuestionKind.TEXT or overall.is_hidden:
        return []
    return sorted(a.value for r in responses for a in r.answers if a.question_id == question.id)


def public_results(survey: Survey, *, published: bool = False) -> PublicResults:
    """The public's confirmed answers, overall and by capacity and region, under the anonymous rules; as
    a published page shows them (`published`), without free texts."""
    responses = list(
        db.session.scalars(
            sa.select(PublicResponse)
            .where(PublicResponse.survey_id == survey.id)
            .options(so.selectinload(PublicResponse.answers))
        )
    )
    too_few = len(responses) < MIN_ANONYMOUS_GROUP
    respondents = None if too_few else len(responses)
    if is_accepting(survey):
        return PublicResults(respondents=respondents, questions=[], is_withheld=True)
    by_capacity: dict[PublicCapacity, list[PublicResponse]] = {}
    by_region: dict[str, list[PublicResponse]] = {}
    for response in responses:
        by_capacity.setdefault(response.capacity, []).append(response)
        by_region.setdefault(response.region or "", []).append(response)
    capacity_groups = _breakdown(
        dict(sorted(by_capacity.items(), key=lambda item: list(PublicCapacity).index(item[0]))),
        {capacity: capacity.label for capacity in by_capacity},
        True,
        too_few,
    )
    no_region = str(_l("No region given"))
    region_groups = _breakdown(
        dict(sorted(by_region.items(), key=lambda item: (item[0] == "", item[0]))),
        {region: region or no_region for region in by_region},
        True,
        too_few,
    )
    out = []
    for question in survey.questions:
        overall = _group(str(_l("All respondents")), responses, question, too_few)
        out.append(
            PublicQuestionResult(
                question=question,
                overall=overall,
                by_capacity=[_group(label, g, question, hide) for label, g, hide in capacity_groups],
                by_region=[_group(label, g, question, hide) for label, g, hide in region_groups],
                texts=[] if published else _texts(question, responses, overall),
            )
        )
    return PublicResults(respondents=respondents, questions=out)


def _table_rows(
    q: SurveyQuestion, groups: list[tuple[str, GroupCounts]], texts: list[str], free_text: str
) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for breakdown, group in groups:
        if group.is_hidden:
            rows.append([q.position, q.text, breakdown, group.label, None, None, None])
            continue
        for choice, count in group.counts.items():
            rows.append([q.position, q.text, breakdown, group.label, group.respondents, choice, count])
    rows.extend([q.position, q.text, free_text, "", None, text, None] for text in texts)
    return rows


def results_table(result: Results):
    """The results as one table for CSV and XLSX: a row per question, breakdown, group and choice."""
    from ..minutes.exports import Table

    rows: list[list[Any]] = []
    for item in result.questions:
        groups = [(str(_l("Overall")), item.overall)]
        groups += [(str(_l("Stakeholder type")), g) for g in item.by_stakeholder_type]
        groups += [(str(_l("Region")), g) for g in item.by_region]
        rows.extend(_table_rows(item.question, groups, item.texts, str(_l("Free text"))))
    for public in result.public.questions if result.public else []:
        groups = [(str(_l("Public: overall")), public.overall)]
        groups += [(str(_l("Public: capacity")), g) for g in public.by_capacity]
        groups += [(str(_l("Public: region")), g) for g in public.by_region]
        rows.extend(_table_rows(public.question, groups, public.texts, str(_l("Public: free text"))))
    header = [
        str(_l("Question number")),
        str(_l("Question")),
        str(_l("Breakdown")),
        str(_l("Group")),
        str(_l("Respondents")),
        str(_l("Answer")),
        str(_l("Count")),
    ]
    return Table(name=str(_l("Results")), header=header, rows=rows)
