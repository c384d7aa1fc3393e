"""Members of the NMG, the organisations they represent and the working groups they follow."""

from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from .. import clock
from ..extensions import db
from .types import UTCDateTime, utcnow
from .vocab import Gender, Language, MemberRole, StakeholderType


def enum_column(enum_cls: type, name: str) -> sa.Enum:
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda cls: [item.value for item in cls],
        validate_strings=True,
    )


member_working_group = sa.Table(
    "member_working_group",
    db.metadata,
    sa.Column("member_id", sa.ForeignKey("member.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("working_group_id", sa.ForeignKey("working_group.id", ondelete="CASCADE"), primary_key=True),
)


class Organisation(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: full name, as the organisation writes it
    name: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    #: short name used in lists (AGENAS, ISS)
    acronym: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    #: one of the ten B1MG stakeholder types
    stakeholder_type: so.Mapped[StakeholderType] = so.mapped_column(
        enum_column(StakeholderType, "stakeholder_type")
    )
    #: region of the country, empty for national bodies
    region: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    #: public web site
    website: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    #: deactivated organisations stay for history but are not offered for new members
    is_active: so.Mapped[bool] = so.mapped_column(default=True)

    members: so.WriteOnlyMapped[Member] = so.relationship(back_populates="organisation")

    @property
    def display_name(self) -> str:
        return f"{self.acronym} – {self.name}" if self.acronym and self.acronym != self.name else self.name

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


class WorkingGroup(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: short code the partnership uses (WP4)
    code: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    #: what the group works on
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: groups the NMG no longer follows stay for history
    is_active: so.Mapped[bool] = so.mapped_column(default=True)

    @property
    def display_name(self) -> str:
        return f"{self.code} – {self.name}" if self.name and self.name != self.code else self.code

    def __repr__(self) -> str:
        return f"<WorkingGroup {self.code}>"


class Member(UserMixin, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: name as shown to other members
    full_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: sign-in and contact address, stored lower-case so that uniqueness ignores case
    email: so.Mapped[str] = so.mapped_column(sa.String(320), unique=True)
    #: the organisation the member represents
    organisation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organisation.id"), index=True)
    #: job title in the organisation
    position: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    #: optional; asked only for the group's gender balance
    gender: so.Mapped[Gender | None] = so.mapped_column(enum_column(Gender, "gender"))
    #: region the member works in, empty for national scope
    region: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    #: fields of expertise, free text
    expertise: so.Mapped[str | None] = so.mapped_column(sa.String(2000))
    #: role in the group as the B1MG mapping file records it
    role: so.Mapped[MemberRole] = so.mapped_column(
        enum_column(MemberRole, "member_role"), default=MemberRole.EXPERT
    )
    #: member of the coordination team, who write agendas, minutes and the e-news
    is_coordination_team: so.Mapped[bool] = so.mapped_column(default=False)
    #: may administer the installation whatever the governance says
    is_admin: so.Mapped[bool] = so.mapped_column(default=False)
    #: day the member joined the group
    joined_on: so.Mapped[date] = so.mapped_column(sa.Date, default=clock.today)
    #: day the member left; members are deactivated, never deleted, so that history keeps its authors
    left_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    #: language of the interface and of mails
    language: so.Mapped[Language] = so.mapped_column(enum_column(Language, "language"), default=Language.IT)
    #: IANA zone the member reads times in
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64), default="Europe/Rome")
    #: empty until the member accepts the invitation
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(256))
    #: part of the session id; replaced on password change so that other sessions end
    session_token: so.Mapped[str] = so.mapped_column(sa.String(64), default=lambda: secrets.token_hex(16))
    #: SHA-256 of the secret in the member's personal calendar feed address; the secret itself is never stored
    feed_token_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    #: minutes before each meeting that calendar apps should alert, in the personal feed; empty for none
    feed_alarm_minutes: so.Mapped[int | None] = so.mapped_column()
    #: the member asked not to receive the members' edition of the e-news
    news_opt_out: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    #: last invitation mail
    invited_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: last successful sign-in
    last_sign_in_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: when the record was created
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    organisation: so.Mapped[Organisation] = so.relationship(back_populates="members")
    working_groups: so.Mapped[list[WorkingGroup]] = so.relationship(
        secondary=member_working_group, order_by=WorkingGroup.code
    )

    @property
    def is_current(self) -> bool:
        """Still in the group today (the day the member left no longer counts)."""
        return self.left_on is None or self.left_on > clock.today()

    @property
    def is_active(self) -> bool:  # read by Flask-Login: people who left cannot sign in
        return self.is_current

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    #: the secret of the session this request runs in; set on sign-in and by the session loader, never stored
    session_key = ""

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}:{self.session_key}"

    @classmethod
    def current_clause(cls, today: date) -> sa.ColumnElement[bool]:
        return sa.or_(cls.left_on.is_(None), cls.left_on > today)

    def __repr__(self) -> str:
        return f"<Member {self.email}>"
