"""Consultations: the coordinator builds a short survey, opens it to an audience with a deadline, members
answer once, and the results are counted per question, overall and by stakeholder type and region.

The audience is resolved when it is read (answering, reminders), not frozen when the survey opens: a
member who joins a working group during a consultation is asked too, and one who leaves the NMG is not
reminded. One answer per member is the primary key of `survey_participation`; a named answer can be
changed until the deadline, an anonymous one cannot, since nothing links it back to its author (see
docs/decisions/0017-consultations.md). An anonymous answer is stored by writing the survey's anonymous
responses again, the new one among them, with new random ids in a random order: neither an id, nor the
order of the rows, nor the transaction that wrote them tells which one came last. Results are counted in
`consultation_results`.

Opening a survey announces it to its audience by mail, and the reminders follow (`consultation_mails`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..errors import RuleError, lock_row
from ..extensions import db
from ..models import (
    Member,
    QuestionKind,
    StakeholderType,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyParticipation,
    SurveyQuestion,
    SurveyReach,
    SurveyResponse,
)
from ..models.consultations import random_id
from .consultation_audience import is_asked
from .consultation_mails import announce


class ConsultationError(RuleError):
    pass


@dataclass
class SurveyDraft:
    title: str
    description: str | None
    audience: SurveyAudience
    deadline_at: datetime
    is_anonymous: bool
    reach: SurveyReach = SurveyReach.MEMBERS
    working_group_id: int | None = None
    stakeholder_type: StakeholderType | None = None


@dataclass
class QuestionDraft:
    kind: QuestionKind
    text: str
    options: list[str] = field(default_factory=list)
    is_required: bool = False


# --- building ---------------------------------------------------------------------------------------------


def create_survey(draft: SurveyDraft) -> Survey:
    if draft.deadline_at <= clock.now():
        raise ConsultationError(_l("The deadline must be in the future."), "deadline_at")
    if draft.audience is SurveyAudience.WORKING_GROUP and draft.working_group_id is None:
        raise ConsultationError(_l("Choose the working group to ask."), "working_group_id")
    if draft.audience is SurveyAudience.STAKEHOLDER_TYPE and draft.stakeholder_type is None:
        raise ConsultationError(_l("Choose the stakeholder type to ask."), "stakeholder_type")
    survey = Survey(
        title=draft.title,
        description=draft.description,
        audience=draft.audience,
        audience_working_group_id=(
            draft.working_group_id if draft.audience is SurveyAudience.WORKING_GROUP else None
        ),
        audience_stakeholder_type=(
            draft.stakeholder_type if draft.audience is SurveyAudience.STAKEHOLDER_TYPE else None
        ),
        deadline_at=draft.deadline_at,
        is_anonymous=draft.is_anonymous,
        reach=draft.reach,
    )
    db.session.add(survey)
    db.session.commit()
    return survey


def _stored_options(draft: QuestionDraft) -> str | None:
    """The choices of a single or multiple choice, one a line; the words at the ends of a scale, the low
    one on the first line; nothing for free text."""
    if draft.kind is QuestionKind.SCALE:
        ends = [" ".join(end.split()) for end in (*draft.options, "", "")[:2]]
        return "\n".join(ends) if any(ends) else None
    options = [option for option in dict.fromkeys(o.strip() for o in draft.options) if option]
    if draft.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(options) < 2:
            raise ConsultationError(_l("Give at least two choices, one per line."), "options")
        return "\n".join(options)
    return None


def _still_building(survey: Survey) -> None:
    if not survey.is_open_for_building:
        raise ConsultationError(_l("The survey is open: its questions can no longer change."))


def _question_of(survey: Survey, question_id: int) -> SurveyQuestion:
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        raise ConsultationError(_l("This question is not part of the survey."))
    return question


def add_question(survey: Survey, draft: QuestionDraft) -> SurveyQuestion:
    _still_building(survey)
    question = SurveyQuestion(
        survey=survey,
        position=len(survey.questions) + 1,
        kind=draft.kind,
        text=draft.text,
        options=_stored_options(draft),
        is_required=draft.is_required,
    )
    db.session.add(question)
    db.session.commit()
    return question


def change_question(survey: Survey, question_id: int, draft: QuestionDraft) -> SurveyQuestion:
    """Write a question of a survey still being built again: nobody has answered it yet."""
    _still_building(survey)
    question = _question_of(survey, question_id)
    question.options = _stored_options(draft)
    question.kind, question.text, question.is_required = draft.kind, draft.text, draft.is_required
    db.session.commit()
    return question


def _renumber(survey: Survey, ordered: list[SurveyQuestion]) -> None:
    # Positions are unique per survey: set them through negative numbers, so that no intermediate state
    # collides.
    for offset, question in enumerate(ordered, start=1):
        question.position = -offset
    db.session.flush()
    for question in ordered:
        question.position = -question.position
    db.session.flush()
    survey.questions.sort(key=lambda q: q.position)


def move_question(survey: Survey, question_id: int, step: int) -> None:
    """One place up (step -1) or down (+1) in a survey still being built; at either end, it stays."""
    _still_building(survey)
    ordered = list(survey.questions)
    question = _question_of(survey, question_id)
    at = ordered.index(question)
    to = min(max(at + step, 0), len(ordered) - 1)
    ordered.insert(to, ordered.pop(at))
    _renumber(survey, ordered)
    db.session.commit()


def remove_question(survey: Survey, question_id: int) -> None:
    """Take a question out of a survey still being built; the ones after it move up."""
    _still_building(survey)
    survey.questions.remove(_question_of(survey, question_id))
    db.session.flush()
    _renumber(survey, list(survey.questions))
    db.session.commit()


def open_survey(survey: Survey) -> None:
    if not survey.is_open_for_building:
        raise ConsultationError(_l("The survey is already open."))
    if not survey.questions:
        raise ConsultationError(_l("Add at least one question before opening the survey."))
    if survey.deadline_at <= clock.now():
        raise ConsultationError(_l("The deadline has passed; the survey cannot be opened."))
    survey.opened_at = clock.now()
    db.session.commit()
    announce(survey, survey.opened_at)


# --- state ------------------------------------------------------------------------------------------------


def is_accepting(survey: Survey, now: datetime | None = None) -> bool:
    return survey.opened_at is not None and (now or clock.now()) < survey.deadline_at


def has_answered(survey: Survey, member: Member) -> bool:
    return db.session.get(SurveyParticipation, (survey.id, member.id)) is not None


def surveys_for(member: Member, may_manage: bool) -> list[Survey]:
    """The surveys the member is asked in (open or closed), and every survey for those who build them."""
    surveys = db.session.scalars(sa.select(Survey).order_by(Survey.deadline_at.desc(), Survey.id)).all()
    if may_manage:
        return list(surveys)
    return [s for s in surveys if s.opened_at is not None and is_asked(s, member)]


# --- answering --------------------------------------------------------------------------------------------


def named_answers(survey: Survey, member: Member) -> dict[int, list[str]]:
    """The member's own answers in a named survey, by question id, to fill the form again."""
    if survey.is_anonymous:
        return {}
    response = db.session.scalar(
        sa.select(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.member_id == member.id
        )
    )
    answers: dict[int, list[str]] = {}
    for answer in response.answers if response else []:
        answers.setdefault(answer.question_id, []).append(answer.value)
    return answers


#: the longest free-text answer kept, the column's size
ANSWER_MAX = SurveyAnswer.__table__.c.value.type.length


def checked_answers(survey: Survey, values: dict[int, list[str]]) -> list[tuple[int, str]]:
    """The answers as rows of (question id, value); ConsultationError on the first one the survey refuses."""
    rows = []
    for question in survey.questions:
        given = [v.strip() for v in values.get(question.id, []) if v and v.strip()]
        if question.is_required and not given:
            raise ConsultationError(_l("This question needs an answer."), f"q{question.id}")
        if question.kind is not QuestionKind.TEXT and any(v not in question.choices for v in given):
            raise ConsultationError(_l("Choose among the choices offered."), f"q{question.id}")
        if question.kind is not QuestionKind.MULTIPLE and len(given) > 1:
            raise ConsultationError(_l("Choose one answer."), f"q{question.id}")
        if any(len(v) > ANSWER_MAX for v in given):
            raise ConsultationError(
                _l("Keep the answer under %(max)d characters.", max=ANSWER_MAX), f"q{question.id}"
            )
        rows.extend((question.id, value) for value in dict.fromkeys(given))
    return rows


def answer(survey: Survey, member: Member, values: dict[int, list[str]]) -> None:
    """Record the member's answers: a first answer, or a change of a named one before the deadline."""
    if not is_accepting(survey):
        raise ConsultationError(_l("The survey is closed: answers are no longer accepted."))
    if not is_asked(survey, member):
        raise ConsultationError(_l("This survey is not addressed to you."))
    rows = checked_answers(survey, values)
    if survey.is_anonymous:
        _answer_anonymously(survey, member, rows)
        return
    if has_answered(survey, member):
        response = db.session.scalar(
            sa.select(SurveyResponse).where(
                SurveyResponse.survey_id == survey.id, SurveyResponse.member_id == member.id
            )
        )
        response.answers.clear()
    else:
        db.session.add(SurveyParticipation(survey_id=survey.id, member_id=member.id))
        response = _response(survey, member)
        db.session.add(response)
    response.answers.extend(SurveyAnswer(question_id=qid, value=value) for qid, value in rows)
    _commit_once()


def _response(survey: Survey, member: Member) -> SurveyResponse:
    return SurveyResponse(
        survey_id=survey.id,
        member_id=None if survey.is_anonymous else member.id,
        stakeholder_type=member.organisation.stakeholder_type,
        region=member.region or member.organisation.region,
    )


def _commit_once() -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:
        # Two submissions at once: the participation's primary key lets only the first in.
        db.session.rollback()
        raise ConsultationError(_l("Your answer was already recorded.")) from exc


def _answer_anonymously(survey: Survey, member: Member, rows: list[tuple[int, str]]) -> None:
    # Answers to the survey take turns, so that each rewrite starts from all the others' responses.
    lock_row(Survey, survey.id)
    if has_answered(survey, member):
        db.session.rollback()
        raise ConsultationError(_l("You have answered this anonymous survey; its answers cannot be changed."))
    db.session.add(SurveyParticipation(survey_id=survey.id, member_id=member.id))
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise ConsultationError(_l("Your answer was already recorded.")) from exc
    new = _response(survey, member)
    ballots = [(new.stakeholder_type, new.region, rows), *_anonymous_ballots(survey)]
    db.session.execute(
        sa.delete(SurveyAnswer)
        .where(
            SurveyAnswer.response_id.in_(
                sa.select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id)
            )
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.delete(SurveyResponse)
        .where(SurveyResponse.survey_id == survey.id)
        .execution_options(synchronize_session=False)
    )
    responses, answers = [], []
    for stakeholder_type, region, given in ballots:
        response_id = random_id()
        responses.append(
            {
                "id": response_id,
                "survey_id": survey.id,
                "stakeholder_type": stakeholder_type,
                "region": region,
            }
        )
        answers.extend(
            {"id": random_id(), "response_id": response_id, "question_id": qid, "value": value}
            for qid, value in given
        )
    shuffle = secrets.SystemRandom().shuffle
    shuffle(responses)
    shuffle(answers)
    db.session.execute(sa.insert(SurveyResponse), responses)
    if answers:
        db.session.execute(sa.insert(SurveyAnswer), answers)
    _commit_once()


def _anonymous_ballots(survey: Survey) -> list[tuple[StakeholderType, str | None, list[tuple[int, str]]]]:
    """The survey's responses as they stand, without their ids."""
    given: dict[int, list[tuple[int, str]]] = {}
    for response_id, question_id, value in db.session.execute(
        sa.select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.value)
        .join(SurveyResponse)
        .where(SurveyResponse.survey_id == survey.id)
    ):
        given.setdefault(response_id, []).append((question_id, value))
    return [
        (stakeholder_type, region, given.get(response_id, []))
        for response_id, stakeholder_type, region in db.session.execute(
            sa.select(SurveyResponse.id, SurveyResponse.stakeholder_type, SurveyResponse.region).where(
                SurveyResponse.survey_id == survey.id
            )
        )
    ]
