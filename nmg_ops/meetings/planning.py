"""The year plan: next year's meetings on the agreed cadence, proposed, adjusted and committed in one step.

Every meeting type with a yearly target gets that many meetings, spread evenly over the days the group can
meet: weekdays outside the blackout periods (August and the Christmas break by default) and the national
holidays. A type planned later in the order keeps out of the weeks the earlier types took, so thematic
meetings never fall in a plenary week. Where a day can be chosen, Tuesday to Thursday wins: members travel
to onsite meetings and Mondays and Fridays are the days they cannot.

Each planned meeting has a key ("2027/plenary/3"); committing stores it on the meeting, so committing the
same plan twice, or from two browsers at once, adds nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..i18n import format_date
from ..models import Meeting, MeetingMode, MeetingStatus, MeetingType
from .invitees import current_members
from .lifecycle import add_draft
from .rules import MeetingData, MeetingError, invites_everyone_by_default
from .types import meeting_types

#: Tuesday, Wednesday, Thursday
PREFERRED_WEEKDAYS = frozenset({1, 2, 3})
#: how far ahead a plan can be made
YEARS_AHEAD = 3


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


@dataclass(frozen=True)
class Blackout:
    """A stretch of the year without meetings, as month-day pairs; it may wrap the year end."""

    first: tuple[int, int]
    last: tuple[int, int]

    def covers(self, day: date) -> bool:
        here = (day.month, day.day)
        if self.first <= self.last:
            return self.first <= here <= self.last
        return here >= self.first or here <= self.last

    def describe(self, year: int) -> str:
        first = date(year, *self.first)
        last = date(year if self.first <= self.last else year + 1, *self.last)
        if first == last:
            return format_date(first, "d MMMM")
        return f"{format_date(first, 'd MMMM')} – {format_date(last, 'd MMMM')}"


def blackouts() -> list[Blackout]:
    """The configured blackout periods, then each holiday as a one-day period."""
    periods = [Blackout(_month_day(a), _month_day(b)) for a, b in current_app.config["PLAN_BLACKOUTS"]]
    periods += [Blackout(_month_day(d), _month_day(d)) for d in current_app.config["PLAN_HOLIDAYS"]]
    return periods


def _blackout_of(day: date, periods: Sequence[Blackout]) -> Blackout | None:
    return next((period for period in periods if period.covers(day)), None)


def why_not(day: date, periods: Sequence[Blackout]) -> str | None:
    """Why no meeting should be planned on this day, or None when it is free."""
    if day.weekday() >= 5:
        return str(_l("%(day)s is a weekend day.", day=format_date(day, "full")))
    period = _blackout_of(day, periods)
    if period is None:
        return None
    return str(
        _l(
            "%(day)s falls in a period without meetings (%(period)s).",
            day=format_date(day, "full"),
            period=period.describe(day.year if day.month >= period.first[0] else day.year - 1),
        )
    )


def meeting_days(year: int, periods: Sequence[Blackout]) -> list[date]:
    """Every day of the year a meeting may be planned on; the reasons are only worded for the refused ones."""
    day, days = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5 and _blackout_of(day, periods) is None:
            days.append(day)
        day += timedelta(days=1)
    return days


def _week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def _spread(count: int, days: Sequence[date], busy_weeks: set[tuple[int, int]]) -> list[date]:
    """`count` days spread evenly over those outside busy weeks, each in its own week, mid-week if possible.

    The i-th meeting aims at the middle of the i-th equal share of the free days, so with August and the
    Christmas break left out, meetings keep an even rhythm over the months the group actually works.
    """
    free = [day for day in days if _week(day) not in busy_weeks]
    if not free or count <= 0:
        return []
    chosen: list[date] = []
    taken = set(busy_weeks)
    for i in range(count):
        ideal = free[min(len(free) - 1, int((i + 0.5) * len(free) / count))]
        after = chosen[-1] if chosen else date.min
        candidates = [day for day in free if day > after and _week(day) not in taken]
        if not candidates:
            break
        best = min(
            candidates,
            key=lambda day: (day.weekday() not in PREFERRED_WEEKDAYS, abs((day - ideal).days), day),
        )
        # A preferred weekday more than a few days away would bunch meetings up; take the ideal day then.
        if abs((best - ideal).days) > 3:
            best = min(candidates, key=lambda day: (abs((day - ideal).days), day))
        chosen.append(best)
        taken.add(_week(best))
    return chosen


def _onsite_numbers(kind: MeetingType, count: int) -> set[int]:
    """Which of the type's meetings (from 1) are onsite: the configured ones, then evenly spread extras."""
    if kind.min_onsite_per_year <= 0 or count <= 0:
        return set()
    configured = current_app.config["PLAN_ONSITE_MEETINGS"].get(kind.code, [1, -1])
    numbers = {count if n == -1 else n for n in configured if n == -1 or 1 <= n <= count}
    spare = [n for n in range(1, count + 1) if n not in numbers]
    while len(numbers) < min(kind.min_onsite_per_year, count) and spare:
        numbers.add(spare.pop(len(spare) // 2))
    return numbers


@dataclass
class Slot:
    """One meeting of the plan: proposed, adjusted by the coordinator, or already committed."""

    key: str
    kind: MeetingType
    number: int
    day: date
    mode: MeetingMode
    include: bool = True
    #: the meeting committed under this key before, if any; it is left as it is
    existing: Meeting | None = None
    problem: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        year = self.key.partition("/")[0]  # the plan's year, even while the day chosen is in another
        return f"{self.kind.name} {self.number}/{year}"


@dataclass
class Plan:
    year: int
    slots: list[Slot]
    #: plain-language remarks on the plan as a whole (quota not met, meetings already scheduled by hand)
    notes: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Slot]:
        return [slot for slot in self.slots if slot.problem and slot.include and slot.existing is None]

    @property
    def open_slots(self) -> list[Slot]:
        """The slots the coordinator can still change: those not committed yet."""
        return [slot for slot in self.slots if slot.existing is None]

    @property
    def new_slots(self) -> list[Slot]:
        return [slot for slot in self.slots if slot.include and slot.existing is None]


def plan_key(year: int, kind: MeetingType, number: int) -> str:
    return f"{year}/{kind.code}/{number}"


def plannable_years(today: date) -> list[int]:
    return list(range(today.year, today.year + YEARS_AHEAD + 1))


def _committed(year: int) -> dict[str, Meeting]:
    return {
        meeting.plan_key: meeting
        for meeting in db.session.scalars(sa.select(Meeting).where(Meeting.plan_key.like(f"{year}/%")))
        if meeting.plan_key
    }


def drafts(year: int) -> list[Meeting]:
    """The plan's meetings that are still drafts, in date order: those the coordinator confirms."""
    waiting = [meeting for meeting in _committed(year).values() if meeting.status is MeetingStatus.DRAFT]
    return sorted(waiting, key=lambda meeting: meeting.starts_at)


def propose(year: int, today: date) -> Plan:
    """The plan the rules give for the year, with the meetings already committed in their place."""
    periods = blackouts()
    days = meeting_days(year, periods)
    committed = _committed(year)
    busy: set[tuple[int, int]] = set()
    slots: list[Slot] = []
    for kind in meeting_types():
        if not kind.target_per_year:
            continue
        onsite = _onsite_numbers(kind, kind.target_per_year)
        for number, day in enumerate(_spread(kind.target_per_year, days, busy), start=1):
            key = plan_key(year, kind, number)
            existing = committed.get(key)
            if existing is not None:
                day = clock.local(existing.starts_at).date()
            mode = MeetingMode.ONSITE if number in onsite else kind.default_mode
            slots.append(Slot(key, kind, number, day, existing.mode if existing else mode, existing=existing))
            busy.add(_week(day))
    plan = Plan(year, slots)
    for slot in slots:
        if slot.existing is None and slot.day <= today:
            slot.include = False
    _review(plan, today, periods)
    return plan


def adjust(plan: Plan, choices: dict[str, tuple[bool, date, MeetingMode]], today: date) -> Plan:
    """The proposal with the coordinator's days, modes and omissions; committed meetings stay as they are."""
    for slot in plan.slots:
        if slot.existing is not None or slot.key not in choices:
            continue
        slot.include, slot.day, slot.mode = choices[slot.key]
        slot.problem = None
        slot.warnings = []
    _review(plan, today, blackouts())
    return plan


def _review(plan: Plan, today: date, periods: Sequence[Blackout]) -> None:
    """Mark what stops a slot from being committed, and warn about what the cadence would miss."""
    plan.notes = []
    weeks: dict[tuple[int, int], list[Slot]] = {}
    for slot in plan.slots:
        if not slot.include:
            continue
        if slot.existing is None:
            if slot.day.year != plan.year:
                slot.problem = str(_l("Choose a day in %(year)d.", year=plan.year))
            elif slot.day <= today:
                slot.problem = str(_l("This day has passed; choose a later one or leave the meeting out."))
            else:
                slot.problem = why_not(slot.day, periods)
        weeks.setdefault(_week(slot.day), []).append(slot)
    for together in weeks.values():
        for slot in together:
            others = [other.title for other in together if other is not slot and other.kind is not slot.kind]
            if others:
                slot.warnings.append(str(_l("Same week as %(others)s.", others=", ".join(others))))
    for kind in {slot.kind.id: slot.kind for slot in plan.slots}.values():
        mine = [slot for slot in plan.slots if slot.kind is kind and slot.include]
        onsite = sum(1 for slot in mine if slot.mode.needs_venue)
        about = {"year": plan.year, "type": kind.label}
        if kind.target_per_year and len(mine) < kind.target_per_year:
            plan.notes.append(
                str(
                    _l(
                        "%(year)d – %(type)s: %(count)d in the plan, %(target)d agreed.",
                        count=len(mine),
                        target=kind.target_per_year,
                        **about,
                    )
                )
            )
        if onsite < kind.min_onsite_per_year:
            plan.notes.append(
                str(
                    _l(
                        "%(year)d – %(type)s: only %(count)d onsite, %(minimum)d agreed.",
                        count=onsite,
                        minimum=kind.min_onsite_per_year,
                        **about,
                    )
                )
            )


def commit(
    plan: Plan, organiser_id: int | None, today: date, *, video_url: str = "", venue: str = ""
) -> list[Meeting]:
    """Add the plan's new meetings as drafts, all or none; the whole group is invited to each.

    The video link goes to the meetings held online or hybrid, the venue to those held onsite or hybrid;
    either can be changed per meeting later. They stay drafts: the coordinator confirms each when it is
    due, and only then do invitations reach calendars.
    """
    if plan.problems:
        raise MeetingError(_l("Some meetings of the plan need another day; see the marked rows."))
    start = time.fromisoformat(current_app.config["PLAN_START_TIME"])
    members = current_members(today)
    created = []
    try:
        for slot in plan.new_slots:
            data = MeetingData(
                type_id=slot.kind.id,
                title=slot.title,
                day=slot.day,
                start_time=start,
                mode=slot.mode,
                video_url=video_url if slot.mode.needs_video_link else "",
                venue=venue if slot.mode.needs_venue else "",
            )
            invitees: Iterable = members if invites_everyone_by_default(slot.kind) else []
            created.append(add_draft(data, organiser_id, invitees, plan_key=slot.key))
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise MeetingError(
            _l("The plan was committed elsewhere at the same moment; nothing was added twice. Reload it.")
        ) from exc
    except MeetingError:
        db.session.rollback()
        raise
    return created
