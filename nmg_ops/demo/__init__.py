"""The demo NMG: the Italian National Mirror Group as of its kick-off on 12 November 2024.

Each part has its module, loaded in this order: the people (`members`), the meetings, the record of those
held (`minutes`), the documents, the e-news, the consultation and the self-assessment; `scale` adds
synthetic data for benchmarks.
"""

from __future__ import annotations

from datetime import date

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from .. import clock
from ..extensions import db
from ..models.people import Member
from .consultations import load_consultations
from .documents import load_documents
from .meetings import load_meetings
from .members import KICK_OFF, load_members
from .minutes import load_minutes
from .news import load_news
from .scale import (
    SCALE_ACTIONS,
    SCALE_MEETINGS,
    SCALE_SUBSCRIBERS,
    add_scale,
    add_scale_meetings,
    add_scale_minutes,
    add_scale_subscribers,
)
from .self_assessment import load_self_assessment

DEFAULT_PASSWORD = "demo-password"


def load(today: date, password: str) -> dict[str, int]:
    """Insert the demo NMG; returns counts of what was created."""
    roster = load_members(today, password)
    meetings = load_meetings(roster.members, roster.terms, KICK_OFF, today)
    return {
        "organisations": roster.organisations,
        "members": len(roster.members) + 1,
        "coordinator terms": len(roster.terms),
        "meetings": meetings,
        **load_minutes(roster.members, roster.terms, today),
        **load_documents(roster.members, roster.coordinator),
        **load_news(today),
        **load_consultations(roster.members, KICK_OFF),
        **load_self_assessment(roster.terms),
    }


@click.command("demo")
@click.option(
    "--password", default=DEFAULT_PASSWORD, show_default=True, help="Password of every demo account."
)
@click.option(
    "--scale",
    type=click.IntRange(min=0),
    default=0,
    help=f"Add this many synthetic members, {SCALE_MEETINGS} synthetic meetings across years, minutes for "
    f"those held, {SCALE_ACTIONS} actions and {SCALE_SUBSCRIBERS} e-news subscribers.",
)
@click.option("--if-empty", is_flag=True, help="Do nothing, successfully, when members already exist.")
@with_appcontext
def demo_command(password: str, scale: int, if_empty: bool) -> None:
    """Load the demo Italian NMG (never under the production configuration)."""
    if current_app.config["ENVIRONMENT"] == "production":
        raise click.ClickException("the demo refuses to run under the production configuration")
    if db.session.scalar(sa.select(sa.func.count()).select_from(Member)):
        if if_empty:
            click.echo("Members already exist; the demo was not loaded again.")
            return
        raise click.ClickException("the database already has members; load the demo into an empty database")
    counts = load(clock.today(), password)
    click.echo("Loaded the demo IT NMG: " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")
    if scale:
        add_scale(scale)
        add_scale_meetings(SCALE_MEETINGS)
        minutes = add_scale_minutes(SCALE_ACTIONS)
        add_scale_subscribers(SCALE_SUBSCRIBERS)
        click.echo(
            f"Added {scale} synthetic members, {SCALE_MEETINGS} synthetic meetings, {minutes} minutes, "
            f"{SCALE_ACTIONS} actions and {SCALE_SUBSCRIBERS} e-news subscribers."
        )
    click.echo("Sign in as coordinator@demo.nmg, ct@demo.nmg, member@demo.nmg or admin@demo.nmg.")
