"""The coordinator's answers to the questions the data cannot tell, one per question and year."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ... import audit, clock
from ...errors import RuleError, flush_or_refuse
from ...extensions import db
from ...models import AnsweredMeasure, AuditAction, AuditSubject, Member, SelfAssessmentAnswer
from .definitions import QUESTIONS
from .trend import assessed_years


class SelfAssessmentError(RuleError):
    """An answer the self-assessment cannot take."""


def answer(year: int, measure: AnsweredMeasure, choice: str, note: str, by: Member) -> SelfAssessmentAnswer:
    """Record (or replace) the coordinator's answer to one question for one year."""
    question = QUESTIONS[measure]
    if question.choice(choice) is None:
        raise SelfAssessmentError(_("Choose one of the answers offered."), "choice")
    if choice == question.explained_by_note and not note.strip():
        raise SelfAssessmentError(_("Describe the model in the note."), "note")
    if year not in assessed_years():
        raise SelfAssessmentError(_("There is no self-assessment for %(year)d.", year=year), "year")
    return record(year, measure, choice, note, by, AuditAction.UPDATED)


def record(
    year: int, measure: AnsweredMeasure, choice: str, note: str, by: Member, action: AuditAction
) -> SelfAssessmentAnswer:
    """Store the answer, replacing the year's earlier answer to the question, and write it in the audit
    trail; the callers have checked the choice and the year."""
    row = db.session.scalar(
        sa.select(SelfAssessmentAnswer)
        .where(SelfAssessmentAnswer.year == year, SelfAssessmentAnswer.measure == measure)
        .with_for_update()
    )
    before = row.choice if row else None
    if row is None:
        row = SelfAssessmentAnswer(year=year, measure=measure)
        db.session.add(row)
    row.choice = choice
    row.note = note.strip()
    row.answered_by = by
    row.answered_at = clock.now()
    flush_or_refuse(SelfAssessmentError(_("The answer was changed at the same moment; send it again.")))
    audit.record(
        action,
        AuditSubject.SELF_ASSESSMENT_ANSWER,
        row.id,
        f"{year} – {QUESTIONS[measure].label}",
        {"choice": [before, choice]},
    )
    return row


def previous_answers(year: int) -> dict[AnsweredMeasure, SelfAssessmentAnswer]:
    """The latest answer before `year` to each question, to start this year's answer from."""
    latest = (
        sa.select(SelfAssessmentAnswer.measure, sa.func.max(SelfAssessmentAnswer.year).label("year"))
        .where(SelfAssessmentAnswer.year < year)
        .group_by(SelfAssessmentAnswer.measure)
        .subquery()
    )
    rows = db.session.scalars(
        sa.select(SelfAssessmentAnswer).join(
            latest,
            sa.and_(
                SelfAssessmentAnswer.measure == latest.c.measure, SelfAssessmentAnswer.year == latest.c.year
            ),
        )
    )
    return {row.measure: row for row in rows}
