"""The demo NMG: the Italian National Mirror Group as of its kick-off on 12 November 2024."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo Italian NMG."""
    if current_app.config["ENVIRONMENT"] == "production":
        raise click.ClickException("the demo refuses to run under the production configuration")
