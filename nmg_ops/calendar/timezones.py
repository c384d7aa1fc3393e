"""VTIMEZONE blocks in the compact rule form that Outlook, Google and tzurl.org write (RFC 5545 3.6.5).

A zone with daylight saving time is written as the rule set in force today: one DAYLIGHT and one STANDARD
sub-component, each a yearly RRULE such as "last Sunday of March" starting at the first transition that
followed it. A rule set the zone used before is added, closed by UNTIL, only when one of the calendar's
times falls under it (just its last change, when that is all those times need); a one-off change (a zone
that moved its standard time, or stopped changing its clocks) is a sub-component without RRULE. A zone
that never changes is a single STANDARD.

The rules are not copied from a table: they are read off the transitions zoneinfo reports, so any IANA
zone works and every onset the block names is one that really happened (or that tzdata foresees).
That is also why the block is right for the calendar's own times whatever subset of the rule sets it
holds: each time's offset is given by the latest onset before it, and that onset is always included.

`icalendar`'s `add_missing_timezones()` writes instead every transition from 1970 to 2038 as one long
RDATE list: 3 KB a calendar, and Thunderbird's parser (ical.js) reads only the first date of such a list,
so it showed every summer meeting an hour late. See decisions/0013-vtimezone-rules.md.
"""

from __future__ import annotations

from bisect import bisect_right
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

#: the years always scanned for transitions; wider only for calendar times outside them
SCANNED_FROM = 1970
SCANNED_TO = 2040
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# A daily step finds every change that lasts a day or more (tzdata has no shorter one since 1970), and
# halving the day finds its exact second.
_STEP = timedelta(days=1)
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Transition:
    """One change of a zone's offset from UTC, or of whether it counts as summer time."""

    at: datetime  #: the instant of the change, in UTC
    offset_from: timedelta
    offset_to: timedelta
    name: str  #: the zone's abbreviation from then on, e.g. CEST
    is_daylight: bool

    @property
    def onset(self) -> datetime:
        """The change as RFC 5545 writes a DTSTART here: the local wall time before it, without zone."""
        return (self.at + self.offset_from).replace(tzinfo=None)

    @property
    def kind(self) -> tuple[bool, int, time, timedelta, timedelta, str]:
        """What must be equal for two changes to belong to one yearly rule (the day aside)."""
        onset = self.onset
        return (self.is_daylight, onset.month, onset.time(), self.offset_from, self.offset_to, self.name)

    def weekday_rules(self) -> frozenset[str]:
        """The BYDAY values that name the change's day in its month: "2SU", and "-1SU" if it is the last."""
        onset = self.onset
        weekday = _WEEKDAYS[onset.weekday()]
        rules = {f"{(onset.day - 1) // 7 + 1}{weekday}"}
        if onset.day + 7 > monthrange(onset.year, onset.month)[1]:
            rules.add(f"-1{weekday}")
        return frozenset(rules)


@dataclass
class _Run:
    """Changes of one kind in consecutive years that one yearly weekday rule describes."""

    transitions: list[Transition]
    rules: frozenset[str]
    in_force: bool = False

    @property
    def byday(self) -> str:
        # "Last Sunday" rather than "fourth Sunday" when both fit: it is how zones state their rules.
        return min(self.rules, key=lambda rule: (not rule.startswith("-1"), rule))


def _state(zone: ZoneInfo, instant: datetime) -> tuple[timedelta | None, bool, str | None]:
    # A zone that keeps its offset but stops calling it summer time (Istanbul in 2016) changes too: from
    # then on it is a zone without daylight saving time.
    local = instant.astimezone(zone)
    return local.utcoffset(), bool(local.dst()), local.tzname()


def _transition(zone: ZoneInfo, at: datetime) -> Transition:
    before = (at - _SECOND).astimezone(zone)
    after = at.astimezone(zone)
    return Transition(
        at=at,
        offset_from=before.utcoffset() or timedelta(0),
        offset_to=after.utcoffset() or timedelta(0),
        name=after.tzname() or zone.key,
        is_daylight=bool(after.dst()),
    )


@lru_cache(maxsize=64)
def transitions(key: str, first_year: int, last_year: int) -> tuple[Transition, ...]:
    """Every change of the zone's offset from the start of `first_year` to the end of `last_year` (UTC)."""
    zone = ZoneInfo(key)
    found: list[Transition] = []
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    while start < end:
        stop = start + _STEP
        target = _state(zone, stop)
        while _state(zone, start) != target:
            low, high, base = start, stop, _state(zone, start)
            while high - low > _SECOND:
                middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
                low, high = (middle, high) if _state(zone, middle) == base else (low, middle)
            found.append(_transition(zone, high))
            start = high
        start = stop
    return tuple(found)


@lru_cache(maxsize=64)
def _runs(key: str, first_year: int, last_year: int) -> tuple[_Run, ...]:
    """The zone's changes grouped into yearly rules; a change no rule continues is a run of one."""
    runs: list[_Run] = []
    open_runs: dict[tuple, _Run] = {}
    for change in transitions(key, first_year, last_year):
        run = open_runs.get(change.kind)
        rules = run.rules & change.weekday_rules() if run else frozenset()
        if run and rules and run.transitions[-1].onset.year + 1 == change.onset.year:
            run.transitions.append(change)
            run.rules = rules
        else:
            run = _Run([change], change.weekday_rules())
            runs.append(run)
            open_runs[change.kind] = run
    for run in runs:
        # A rule that still held in the last year scanned is the one in force, written without UNTIL.
        run.in_force = len(run.transitions) > 1 and run.transitions[-1].onset.year >= last_year
    return tuple(runs)


def _sub_component(
    run: _Run, only_last: bool = False
) -> icalendar.TimezoneStandard | icalendar.TimezoneDaylight:
    first = run.transitions[-1] if only_last else run.transitions[0]
    part = icalendar.TimezoneDaylight() if first.is_daylight else icalendar.TimezoneStandard()
    part.add("dtstart", first.onset)
    part.add("tzoffsetfrom", first.offset_from)
    part.add("tzoffsetto", first.offset_to)
    part.add("tzname", first.name)
    if len(run.transitions) > 1 and not only_last:
        rule: dict[str, object] = {"freq": "yearly", "bymonth": first.onset.month, "byday": run.byday}
        if not run.in_force:
            # Within a VTIMEZONE, UNTIL is a UTC time (RFC 5545 3.6.5).
            rule["until"] = run.transitions[-1].at
        part.add("rrule", rule)
    return part


def _unchanging(zone: ZoneInfo, since: datetime) -> icalendar.TimezoneStandard | icalendar.TimezoneDaylight:
    """The zone's time before the first change scanned, or always for a zone that never changes."""
    local = since.astimezone(zone)
    part = icalendar.TimezoneDaylight() if local.dst() else icalendar.TimezoneStandard()
    part.add("dtstart", local.replace(tzinfo=None))
    part.add("tzoffsetfrom", local.utcoffset())
    part.add("tzoffsetto", local.utcoffset())
    part.add("tzname", local.tzname() or zone.key)
    return part


def vtimezone(zone: ZoneInfo, times: Iterable[datetime]) -> icalendar.Timezone:
    """The VTIMEZONE with TZID `zone.key` that resolves every one of `times` (aware) to its UTC instant.

    It holds the zone's rule set in force, plus each earlier rule that governs one of the times, closed by
    UNTIL; when the times need only the last change of an earlier rule (the clocks have not changed since,
    as in a zone that gave up summer time), only that change, so such a zone gets a single STANDARD. A zone
    that never changed gets a single STANDARD too.
    """
    instants = sorted(moment.astimezone(UTC) for moment in times)
    first_year = min(SCANNED_FROM, instants[0].year - 1) if instants else SCANNED_FROM
    last_year = max(SCANNED_TO, instants[-1].year + 2) if instants else SCANNED_TO
    runs = _runs(zone.key, first_year, last_year)
    changes = sorted(
        (
            (change.at, number, position)
            for number, run in enumerate(runs)
            for position, change in enumerate(run.transitions)
        ),
        key=lambda change: change[0],
    )
    starts = [at for at, _number, _position in changes]
    needed: dict[int, set[int]] = {number: set() for number, run in enumerate(runs) if run.in_force}
    before_all = not changes
    for instant in instants:
        # The offset at an instant is the one set by the latest change before it.
        index = bisect_right(starts, instant) - 1
        if index < 0:
            before_all = True
        else:
            _at, number, position = changes[index]
            needed.setdefault(number, set()).add(position)
    if not needed and changes:
        # No time given and no rule in force: the zone as it has been since its last change.
        _at, number, position = changes[-1]
        needed[number] = {position}

    block = icalendar.Timezone()
    block.add("tzid", zone.key)
    parts = []
    for number, positions in needed.items():
        run = runs[number]
        only_last = not run.in_force and positions == {len(run.transitions) - 1}
        parts.append((run.transitions[-1 if only_last else 0].at, _sub_component(run, only_last)))
    if before_all:
        since = datetime(first_year, 1, 1, tzinfo=UTC)
        parts.append((since, _unchanging(zone, since)))
    for _at, part in sorted(parts, key=lambda pair: pair[0]):
        block.add_component(part)
    return block
