"""Coordinator terms (the coordinator role rotates, and its rights move with the term) and the coordinator's
self-assessment answers."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .people import Member, enum_column
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .minutes import Decision


class CoordinatorTerm(db.Model):
    __table_args__ = (sa.CheckConstraint("ends_on > starts_on", name="ends_after_start"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: who coordinates the NMG during the term
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), index=True)
    #: first day of the term
    starts_on: so.Mapped[date] = so.mapped_column(sa.Date, unique=True)
    #: first day after the term (exclusive), so that consecutive terms share a boundary without overlapping
    ends_on: so.Mapped[date] = so.mapped_column(sa.Date)
    #: place in the agreed rotation, 1 for the first holder
    rotation_position: so.Mapped[int] = so.mapped_column()
    #: False while the term is only proposed: a proposed term gives no rights and does not stop the
    #: rotation warnings; terms recorded before proposals existed count as confirmed
    is_confirmed: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    #: the decision of a meeting that confirmed the term, if it was confirmed by one
    decision_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("decision.id", ondelete="SET NULL"))
    #: the coordinator's note when the coordinator confirmed the term without a decision
    confirmation_note: so.Mapped[str] = so.mapped_column(sa.String(1000), default="", server_default="")
    #: who confirmed it
    confirmed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id", ondelete="SET NULL"))
    #: when
    confirmed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: who proposed it, when it was proposed (a term recorded directly has none)
    proposed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id", ondelete="SET NULL"))

    member: so.Mapped[Member] = so.relationship(foreign_keys=[member_id])
    decision: so.Mapped[Decision | None] = so.relationship()
    confirmed_by: so.Mapped[Member | None] = so.relationship(foreign_keys=[confirmed_by_id])

    @property
    def is_self_proposed(self) -> bool:
        """The member proposed themselves for the term."""
        return self.proposed_by_id is not None and self.proposed_by_id == self.member_id

    def covers(self, day: date) -> bool:
        return self.starts_on <= day < self.ends_on

    @classmethod
    def covering(cls, day: date) -> sa.ColumnElement[bool]:
        """The SQL condition for the term that covers `day` (at most one: terms never overlap)."""
        return sa.and_(cls.starts_on <= day, cls.ends_on > day)

    def __repr__(self) -> str:
        return f"<CoordinatorTerm {self.starts_on}..{self.ends_on} member={self.member_id}>"


class AnsweredMeasure(StrEnum):
    """The self-assessment measures the data cannot tell, which the coordinator answers for each year."""

    ORGANISATIONAL_MODEL = "organisational_model"
    NOMINATION_PROCESS = "nomination_process"
    FUNDING = "funding"


class SelfAssessmentAnswer(db.Model):
    """The coordinator's answer to one self-assessment question for one year."""

    __table_args__ = (
        sa.UniqueConstraint("year", "measure"),
        sa.CheckConstraint("year BETWEEN 1900 AND 2199", name="year_in_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the year the answer describes
    year: so.Mapped[int] = so.mapped_column()
    #: which question it answers
    measure: so.Mapped[AnsweredMeasure] = so.mapped_column(enum_column(AnsweredMeasure, "answered_measure"))
    #: one of the fixed choices of that question (governance.self_assessment.definitions.QUESTIONS)
    choice: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: the coordinator's short explanation
    note: so.Mapped[str] = so.mapped_column(sa.String(1000), default="", server_default="")
    #: who answered last
    answered_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: when
    answered_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    answered_by: so.Mapped[Member | None] = so.relationship()

    def __repr__(self) -> str:
        return f"<SelfAssessmentAnswer {self.year} {self.measure}={self.choice}>"


class FiguresVersion(db.Model):
    """A token that changes whenever data some derived figures are read from changes, so that the figures
    can be kept between requests and read again only then (`governance/figures_cache.py`)."""

    #: which figures: "self_assessment"
    name: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    #: a new random value at each change
    token: so.Mapped[str] = so.mapped_column(sa.String(32))


class PublishedSelfAssessment(db.Model):
    """A year's self-assessment as the coordinator published it: the open-format document, kept as it was
    when published so that its public address serves the same bytes until the coordinator publishes again."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the year the document describes
    year: so.Mapped[int] = so.mapped_column(unique=True)
    #: the JSON document (docs/schema/nmg-self-assessment-1.json), as served
    document: so.Mapped[str] = so.mapped_column(sa.Text)
    #: when it was published (the Last-Modified of its address)
    published_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: who published it
    published_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id", ondelete="SET NULL"))

    published_by: so.Mapped[Member | None] = so.relationship()

    __table_args__ = (sa.CheckConstraint("year BETWEEN 1900 AND 2199", name="year_in_range"),)

    def __repr__(self) -> str:
        return f"<PublishedSelfAssessment {self.year}>"
