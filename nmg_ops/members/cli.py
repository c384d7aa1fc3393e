"""`flask --app nmg_ops members ...`: the member commands."""

from __future__ import annotations

from flask.cli import AppGroup

members_cli = AppGroup("members", help="Manage the members of the NMG.")
