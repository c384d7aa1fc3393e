"""Command-line entry points: `flask --app nmg_ops demo`, `members import`, and friends."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .demo import demo_command
    from .members.cli import members_cli

    app.cli.add_command(demo_command)
    app.cli.add_command(members_cli)
