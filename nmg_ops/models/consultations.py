"""Consultations: short surveys the coordinator opens to members, with named or anonymous answers.

Who has answered is one row per (survey, member) in `survey_participation`, unique in the database: it is
what makes an answer one per member and what the reminders read. The answers themselves are a
`survey_response`: in a named survey it names the member (unique per survey too) and can be edited until
the deadline; in an anonymous survey it holds no member id and no token derived from one, only the
respondent's stakeholder type and region for the breakdowns. No row of either table carries a time, and
responses and answers have random ids and are rewritten in a new random order at each anonymous answer,
so that nothing in the database links an answer to a member (see docs/decisions/0017-consultations.md).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ..extensions import db
from .people import Member, WorkingGroup, enum_column
from .types import UTCDateTime, utcnow
from .vocab import StakeholderType

#: response ids are drawn below this, inside a signed 64-bit integer and JavaScript's exact range
RANDOM_ID_MAX = 2**53


class SurveyAudience(StrEnum):
    ALL = "all"
    WORKING_GROUP = "working_group"
    STAKEHOLDER_TYPE = "stakeholder_type"


class SurveyReach(StrEnum):
    """Who may answer: the members asked, the public (with no account), or both."""

    MEMBERS = "members"
    PUBLIC = "public"
    BOTH = "both"


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    TEXT = "text"


class Survey(db.Model):
    __table_args__ = (
        sa.CheckConstraint(
            "audience != 'working_group' OR audience_working_group_id IS NOT NULL", name="group_named"
        ),
        sa.CheckConstraint(
            "audience != 'stakeholder_type' OR audience_stakeholder_type IS NOT NULL", name="type_named"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: what the survey is about, shown as its heading
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: a few lines for the members before the questions
    description: so.Mapped[str | None] = so.mapped_column(sa.String(2000))
    #: who is asked: every current member, the members of a working group, or of a stakeholder type
    audience: so.Mapped[SurveyAudience] = so.mapped_column(enum_column(SurveyAudience, "survey_audience"))
    #: the working group asked, when the audience is a working group
    audience_working_group_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("working_group.id"))
    #: the stakeholder type asked, when the audience is a stakeholder type
    audience_stakeholder_type: so.Mapped[StakeholderType | None] = so.mapped_column(
        enum_column(StakeholderType, "survey_stakeholder_type")
    )
    #: members only, the public only, or both; the audience above applies to members
    reach: so.Mapped[SurveyReach] = so.mapped_column(
        enum_column(SurveyReach, "survey_reach"), default=SurveyReach.MEMBERS, server_default="members"
    )
    #: answers are accepted (and named ones edited) until this instant
    deadline_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    #: chosen before opening and fixed after: anonymous answers store no link to the member
    is_anonymous: so.Mapped[bool] = so.mapped_column(default=False)
    #: when the survey was opened to its audience; empty while the coordinator is still building it
    opened_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: when the record was created
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    #: the coordinator's summary of the results, in Markdown, written once the survey has closed
    results_summary: so.Mapped[str | None] = so.mapped_column(sa.String(4000))
    #: when the results page (summary, charts, tables, downloads) was published; empty while it is not
    results_published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: published to anyone, without an account; otherwise to the members only
    results_are_public: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    audience_working_group: so.Mapped[WorkingGroup | None] = so.relationship()
    questions: so.Mapped[list[SurveyQuestion]] = so.relationship(
        back_populates="survey", order_by="SurveyQuestion.position", cascade="all, delete-orphan"
    )

    @property
    def is_open_for_building(self) -> bool:
        return self.opened_at is None

    @property
    def asks_members(self) -> bool:
        return self.reach is not SurveyReach.PUBLIC

    @property
    def asks_public(self) -> bool:
        return self.reach is not SurveyReach.MEMBERS

    def __repr__(self) -> str:
        return f"<Survey {self.id} {self.title!r}>"


class SurveyQuestion(db.Model):
    __table_args__ = (sa.UniqueConstraint("survey_id", "position"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the survey the question belongs to
    survey_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    #: place in the survey, 1 for the first question
    position: so.Mapped[int] = so.mapped_column()
    #: single choice, multiple choice, a scale of 1 to 5 or free text
    kind: so.Mapped[QuestionKind] = so.mapped_column(enum_column(QuestionKind, "question_kind"))
    #: the question as members read it
    text: so.Mapped[str] = so.mapped_column(sa.String(500))
    #: the choices, one per line, for single and multiple choice; for a scale, the words of its two ends
    options: so.Mapped[str | None] = so.mapped_column(sa.String(2000))
    #: whether a member must answer it
    is_required: so.Mapped[bool] = so.mapped_column(default=False)

    survey: so.Mapped[Survey] = so.relationship(back_populates="questions")

    @property
    def choices(self) -> list[str]:
        if self.kind is QuestionKind.SCALE:
            return ["1", "2", "3", "4", "5"]
        return [line.strip() for line in (self.options or "").splitlines() if line.strip()]

    @property
    def scale_ends(self) -> tuple[str, str]:
        """What 1 and 5 mean: the words the survey's author gave, else the reader's "Not at all" and
        "Completely"; a scale whose ends say nothing is read differently by each person who answers."""
        low, high = [*(self.options or "").splitlines(), "", ""][:2]
        return low.strip() or str(_l("Not at all")), high.strip() or str(_l("Completely"))

    def choice_label(self, choice: str) -> str:
        """A choice as answer forms and result tables name it: the ends of a scale carry their words."""
        if self.kind is QuestionKind.SCALE and choice in ("1", "5"):
            return f"{choice} – {self.scale_ends[0 if choice == '1' else 1]}"
        return choice


class SurveyParticipation(db.Model):
    """Who has answered; holds no answer, so that it reveals nothing of an anonymous one."""

    # No serial id and no time: neither may be matched with a response's to tell who gave it.
    #: the survey answered
    survey_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    #: the member who answered; one row per member and survey, which the primary key enforces
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), primary_key=True, index=True)

    member: so.Mapped[Member] = so.relationship()


def random_id() -> int:
    return secrets.randbelow(RANDOM_ID_MAX) + 1


class SurveyResponse(db.Model):
    __table_args__ = (sa.UniqueConstraint("survey_id", "member_id"),)

    #: random, not serial, so that the order of responses cannot be matched with the order of answering
    id: so.Mapped[int] = so.mapped_column(
        sa.BigInteger, primary_key=True, autoincrement=False, default=random_id
    )
    #: the survey answered
    survey_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    #: the member, in a named survey only; always empty in an anonymous one
    member_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: the respondent's stakeholder type when answering, for the breakdown
    stakeholder_type: so.Mapped[StakeholderType] = so.mapped_column(
        enum_column(StakeholderType, "response_stakeholder_type")
    )
    #: the respondent's region when answering, empty for national scope
    region: so.Mapped[str | None] = so.mapped_column(sa.String(80))

    answers: so.Mapped[list[SurveyAnswer]] = so.relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class SurveyAnswer(db.Model):
    """One chosen option (a multiple choice has one row per option) or one free text."""

    #: random, not serial, for the same reason as the response's
    id: so.Mapped[int] = so.mapped_column(
        sa.BigInteger, primary_key=True, autoincrement=False, default=random_id
    )
    #: the response the answer is part of
    response_id: so.Mapped[int] = so.mapped_column(
        sa.BigInteger, sa.ForeignKey("survey_response.id", ondelete="CASCADE"), index=True
    )
    #: the question answered
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey_question.id", ondelete="CASCADE"), index=True
    )
    #: the option chosen, the scale value, or the free text
    value: so.Mapped[str] = so.mapped_column(sa.String(2000))

    response: so.Mapped[SurveyResponse] = so.relationship(back_populates="answers")
