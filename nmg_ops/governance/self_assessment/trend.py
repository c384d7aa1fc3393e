"""The measures of one year or several, and the years the NMG has existed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ... import clock
from ...extensions import db
from ...models import Member, SelfAssessmentAnswer
from .definitions import Measure
from .facts import Facts, Period, read_facts, year_period
from .rules import measures


def assessment_for(year: int, now: datetime | None = None) -> list[Measure]:
    """Every B1MG measure for the year, as the data stood at its end (now, for the current year)."""
    return trend([year], now)[year]


def trend(years: list[int], now: datetime | None = None) -> dict[int, list[Measure]]:
    """The measures of each year, oldest first; the same rules for every year, read together."""
    if not years:
        return {}
    periods, facts = periods_and_facts(years, now)
    return {period.year: measures(period, facts) for period in periods}


def periods_and_facts(years: list[int], now: datetime | None = None) -> tuple[list[Period], Facts]:
    """The years as the assessment sees them, oldest first, and what the data knows of them."""
    now = now or clock.now()
    began = db.session.scalar(sa.select(sa.func.min(Member.joined_on)))
    periods = [year_period(year, now, began) for year in sorted(set(years))]
    return periods, read_facts(periods)


def assessed_years(now: datetime | None = None) -> list[int]:
    """The years the NMG has existed: from the first member's joining (or the first answer) to this year."""
    now = now or clock.now()
    this_year = clock.local(now).year
    first_joined, first_answer = db.session.execute(
        sa.select(
            sa.select(sa.func.min(Member.joined_on)).scalar_subquery(),
            sa.select(sa.func.min(SelfAssessmentAnswer.year)).scalar_subquery(),
        )
    ).one()
    firsts = [first_joined.year if first_joined else None, first_answer]
    first = min((y for y in firsts if y is not None and y <= this_year), default=this_year)
    return list(range(first, this_year + 1))
