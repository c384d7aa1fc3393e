"""Who is invited to a meeting: the whole group, a working group, chosen members, guests; and removal.

An address that belongs to a member always invites the member, so that nobody is on a list twice. Lists
of a confirmed meeting change under a row lock, and the people added are told through an announcement;
someone taken off a confirmed meeting is sent a cancellation (`signals.invitee_removed`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from .. import audit
from ..errors import flush_or_refuse, lock_row
from ..extensions import db
from ..models import (
    Invitation,
    Meeting,
    MeetingStatus,
    Member,
    Rsvp,
    WorkingGroup,
    member_working_group,
)
from .announcements import announce_soon
from .rules import EMAIL_MAX, GUEST_NAME_MAX, MeetingError, check_single_line
from .signals import invitee_removed


def _check_invitees_open(meeting: Meeting) -> None:
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingError(_l("This meeting has been cancelled; its invitees can no longer be changed."))
    if meeting.status is MeetingStatus.HELD:
        raise MeetingError(_l("This meeting has been held; its invitees can no longer be changed."))


def _lock(meeting: Meeting) -> None:
    """Serialise invitee changes to one meeting, so two coordinators adding people at once do not collide."""
    lock_row(Meeting, meeting.id)


def _flush_invitations() -> None:
    flush_or_refuse(
        MeetingError(
            _l("Someone else changed the invitees at the same moment; nothing was added. Please try again.")
        )
    )


def _invited_member_ids(meeting: Meeting) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Invitation.member_id).where(
                Invitation.meeting_id == meeting.id, Invitation.member_id.is_not(None)
            )
        )
    )


def current_members(today: date) -> list[Member]:
    return list(
        db.session.scalars(
            sa.select(Member).where(Member.current_clause(today)).order_by(sa.func.lower(Member.full_name))
        )
    )


def add_member_invitations(
    meeting: Meeting, members: Iterable[Member], via: WorkingGroup | None
) -> list[Invitation]:
    """Invite those not invited yet; returns their new invitations. The caller commits."""
    _check_invitees_open(meeting)
    _lock(meeting)
    already = _invited_member_ids(meeting)
    added: list[Invitation] = []
    names: list[str] = []
    for member in members:
        if member.id in already:
            continue
        already.add(member.id)
        names.append(member.full_name)
        added.append(Invitation(meeting_id=meeting.id, member=member, via_working_group=via))
    if added:
        db.session.add_all(added)
        _flush_invitations()
        changes: dict[str, Any] = {"invitees": ", ".join(names)}
        if via is not None:
            changes["working_group"] = via.code
        audit.record("invited", "meeting", meeting.id, meeting.title, changes)
    return added


def invite_all_members(meeting: Meeting, today: date) -> list[Invitation]:
    """Invite every current member; returns the invitations of those not invited before."""
    added = add_member_invitations(meeting, current_members(today), via=None)
    db.session.commit()
    announce_soon(meeting, added)
    return added


def invite_working_group(meeting: Meeting, group: WorkingGroup, today: date) -> list[Invitation]:
    """Invite the group's current members, resolved now: people who join the group later are not added."""
    members = db.session.scalars(
        sa.select(Member)
        .join(member_working_group, member_working_group.c.member_id == Member.id)
        .where(member_working_group.c.working_group_id == group.id, Member.current_clause(today))
        .order_by(sa.func.lower(Member.full_name))
    )
    added = add_member_invitations(meeting, list(members), via=group)
    db.session.commit()
    announce_soon(meeting, added)
    return added


def invite_members(meeting: Meeting, member_ids: Iterable[int], today: date) -> list[Invitation]:
    """Invite the chosen current members; people who left the group are skipped."""
    wanted = set(member_ids)
    if not wanted:
        return []
    members = db.session.scalars(
        sa.select(Member)
        .where(Member.id.in_(wanted), Member.current_clause(today))
        .order_by(sa.func.lower(Member.full_name))
    )
    added = add_member_invitations(meeting, list(members), via=None)
    db.session.commit()
    announce_soon(meeting, added)
    return added


def invite_guest(meeting: Meeting, name: str, email: str) -> tuple[Invitation, bool]:
    """Invite an external guest; returns the invitation and whether it is new.

    An address that belongs to a member invites that member instead, so that nobody is on the list twice
    and the member answers from their own account.
    """
    _check_invitees_open(meeting)
    name = (name or "").strip()
    address = (email or "").strip().lower()
    if not name:
        raise MeetingError(_l("Give the guest's name."), "name")
    if len(name) > GUEST_NAME_MAX:
        raise MeetingError(_l("At most %(max)d characters.", max=GUEST_NAME_MAX), "name")
    check_single_line(name, "name")
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise MeetingError(_l("This is not a valid e-mail address."), "email") from exc
    if len(address) > EMAIL_MAX:
        raise MeetingError(_l("At most %(max)d characters.", max=EMAIL_MAX), "email")
    member = db.session.scalar(sa.select(Member).where(Member.email == address))
    if member is not None:
        existing = db.session.scalar(
            sa.select(Invitation).where(
                Invitation.meeting_id == meeting.id, Invitation.member_id == member.id
            )
        )
        if existing is not None:
            return existing, False
        (invitation,) = add_member_invitations(meeting, [member], via=None)
        db.session.commit()
        announce_soon(meeting, [invitation])
        return invitation, True
    _lock(meeting)
    existing = db.session.scalar(
        sa.select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.guest_email == address)
    )
    if existing is not None:
        return existing, False
    invitation = Invitation(meeting_id=meeting.id, guest_name=name, guest_email=address)
    db.session.add(invitation)
    _flush_invitations()
    audit.record("invited", "meeting", meeting.id, meeting.title, {"invitees": f"{name} <{address}>"})
    db.session.commit()
    announce_soon(meeting, [invitation])
    return invitation, True


def invitation_in(meeting: Meeting, invitation_id: int) -> Invitation | None:
    """The invitation if it belongs to this meeting; one of another meeting is not found."""
    return db.session.scalar(
        sa.select(Invitation).where(Invitation.id == invitation_id, Invitation.meeting_id == meeting.id)
    )


def remove_invitation(meeting: Meeting, invitation: Invitation) -> None:
    _check_invitees_open(meeting)
    label = f"{invitation.name} <{invitation.email}>"
    audit.record("updated", "meeting", meeting.id, meeting.title, {"invitees": [label, None]})
    invitee_removed.send(meeting, removed=invitation)
    db.session.delete(invitation)
    db.session.commit()


def invitable_members(meeting: Meeting, today: date) -> list[Member]:
    """Current members not invited yet, with their organisation, for the "choose members" list."""
    invited = sa.select(Invitation.member_id).where(
        Invitation.meeting_id == meeting.id, Invitation.member_id.is_not(None)
    )
    return list(
        db.session.scalars(
            sa.select(Member)
            .where(Member.current_clause(today), Member.id.not_in(invited))
            .options(so.joinedload(Member.organisation))
            .order_by(sa.func.lower(Member.full_name), Member.id)
        )
    )


def working_groups_with_sizes(today: date) -> list[tuple[WorkingGroup, int]]:
    """Active working groups with their number of current members, in one query."""
    sizes = (
        sa.select(member_working_group.c.working_group_id, sa.func.count().label("members"))
        .join(Member, Member.id == member_working_group.c.member_id)
        .where(Member.current_clause(today))
        .group_by(member_working_group.c.working_group_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(WorkingGroup, sa.func.coalesce(sizes.c.members, 0))
        .outerjoin(sizes, sizes.c.working_group_id == WorkingGroup.id)
        .where(WorkingGroup.is_active)
        .order_by(WorkingGroup.code)
    )
    return [(group, size) for group, size in rows]


def invitees_in_order(meeting: Meeting) -> list[Invitation]:
    """Members by name, then guests by name."""
    return sorted(
        meeting.invitations,
        key=lambda invitation: (invitation.member is None, invitation.name.casefold(), invitation.id),
    )


def rsvp_counts(meeting: Meeting) -> Counter[Rsvp | None]:
    """Answers so far; None counts the invitees who have not answered."""
    return Counter(invitation.rsvp for invitation in meeting.invitations)
