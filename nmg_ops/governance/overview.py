"""The start page's view of governance: the surveys I am asked to answer, and for the coordinator the
surveys still being built, a proposed successor to confirm and a term ending without one. A fixed number
of statements whatever the number of surveys or terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from .. import clock
from ..extensions import db
from ..models import CoordinatorTerm, Member, Survey, SurveyParticipation
from ..permissions import Right, can
from .consultation_audience import asked_clause
from .rotation import SuccessionGap, succession_gap


@dataclass
class GovernanceOverview:
    #: open surveys addressed to me that I have not answered, the nearest deadline first
    surveys_to_answer: list[Survey] = field(default_factory=list)
    #: surveys not opened yet, for those who build them
    surveys_to_open: list[Survey] = field(default_factory=list)
    #: a proposed coordinator term waiting for its confirmation
    proposal: CoordinatorTerm | None = None
    #: the current term ends soon and nobody is confirmed to follow
    succession_gap: SuccessionGap | None = None

    def __bool__(self) -> bool:
        return bool(self.surveys_to_answer or self.surveys_to_open or self.proposal or self.succession_gap)


def overview(member_id: int, now: datetime) -> GovernanceOverview:
    """What waits for the signed-in member in governance; each part only for those whose role it concerns."""
    today = clock.today()
    seen = GovernanceOverview()
    seen.surveys_to_answer = list(
        db.session.scalars(
            sa.select(Survey)
            .join(Member, Member.id == member_id)
            .where(
                Survey.opened_at.is_not(None),
                Survey.deadline_at > now,
                asked_clause(today),
                ~sa.exists().where(
                    SurveyParticipation.survey_id == Survey.id, SurveyParticipation.member_id == member_id
                ),
            )
            .order_by(Survey.deadline_at, Survey.id)
        )
    )
    if can(Right.MANAGE_CONSULTATIONS):
        seen.surveys_to_open = list(
            db.session.scalars(
                sa.select(Survey)
                .where(Survey.opened_at.is_(None), Survey.deadline_at > now)
                .order_by(Survey.deadline_at, Survey.id)
            )
        )
    if can(Right.CONFIRM_COORDINATOR):
        seen.proposal = db.session.scalar(
            sa.select(CoordinatorTerm)
            .where(~CoordinatorTerm.is_confirmed, CoordinatorTerm.ends_on > today)
            .options(so.joinedload(CoordinatorTerm.member))
            .order_by(CoordinatorTerm.starts_on)
            .limit(1)
        )
    if can(Right.VIEW_HANDOVER):
        seen.succession_gap = succession_gap(today)
    return seen
