"""Command-line entry points: `flask --app nmg_ops demo`, `members import`, `create-admin`."""

from __future__ import annotations

import click
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from flask.cli import with_appcontext

from . import audit
from .extensions import db
from .models import Member, MemberRole, Organisation, StakeholderType
from .text import is_single_line


@click.command("create-admin")
@click.option("--email", required=True, help="The administrator's e-mail address.")
@click.option("--name", required=True, help="Full name.")
@click.option("--organisation", required=True, help="Organisation name; created when new.")
@click.option(
    "--stakeholder-type",
    type=click.Choice([t.value for t in StakeholderType]),
    default=StakeholderType.MINISTRY.value,
    show_default=True,
    help="Stakeholder type of a new organisation.",
)
@with_appcontext
def create_admin_command(email: str, name: str, organisation: str, stakeholder_type: str) -> None:
    """Create the first administrator of a new installation and mail them an invitation."""
    from .auth.services import LinkPurpose, external_url, make_link_token, send_invitation

    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise click.BadParameter(str(exc), param_hint="--email") from exc
    for value, option in ((name, "--name"), (organisation, "--organisation")):
        if not value.strip() or not is_single_line(value) or len(value.strip()) > 200:
            raise click.BadParameter("give one line of at most 200 characters", param_hint=option)
    if db.session.scalar(sa.select(Member).where(Member.email == email)):
        raise click.ClickException(f"a member with the e-mail {email} already exists")
    org = db.session.scalar(
        sa.select(Organisation).where(sa.func.lower(Organisation.name) == organisation.lower())
    )
    if org is None:
        org = Organisation(name=organisation.strip(), stakeholder_type=StakeholderType(stakeholder_type))
        db.session.add(org)
    member = Member(
        full_name=name.strip(),
        email=email,
        organisation=org,
        role=MemberRole.SECRETARIAT,
        is_admin=True,
        timezone=current_app.config["TIMEZONE"],
        language=current_app.config["DEFAULT_LANGUAGE"],
    )
    db.session.add(member)
    db.session.flush()
    audit.record("created", "member", member.id, member.full_name)
    db.session.commit()
    send_invitation(member)
    link = external_url("auth.accept_invitation", token=make_link_token(member, LinkPurpose.INVITATION))
    click.echo(f"Created administrator {member.full_name} <{member.email}> and mailed an invitation.")
    click.echo(f"The same link, valid once: {link}")


def init_app(app: Flask) -> None:
    from .demo import demo_command
    from .members.cli import members_cli
    from .news.cli import news_cli
    from .scheduler import scheduler_command, tick_command

    app.cli.add_command(demo_command)
    app.cli.add_command(members_cli)
    app.cli.add_command(news_cli)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(tick_command)
