"""`flask --app nmg_ops members ...`: the member commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from .mapping import applying, export, planning, reading

members_cli = AppGroup("members", help="Manage the members of the NMG.")


def _read(file: Path) -> bytes:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    try:
        with file.open("rb") as fh:
            # One byte past the limit is enough to know the file is too large without reading all of it.
            return fh.read(limit + 1) if limit else fh.read()
    except OSError as exc:
        raise click.ClickException(
            _("Cannot read %(file)s: %(reason)s", file=file, reason=exc.strerror)
        ) from exc


@members_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change; write nothing.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows even when other rows have errors.")
def import_command(file: Path, dry_run: bool, skip_invalid: bool) -> None:
    """Import the B1MG expert mapping file FILE (CSV), matching members by e-mail."""
    try:
        plan = planning.plan_import(reading.decode(_read(file)))
    except reading.MappingFileError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    for line, message in plan.warnings:
        click.echo(f"{file}:{line}: " + _("warning: %(message)s", message=message), err=True)
    for line, message in plan.errors:
        click.echo(f"{file}:{line}: {message}", err=True)
    if plan.errors and not skip_invalid:
        raise click.ClickException(
            ngettext(
                "%(num)d row has errors; nothing was imported. Correct the file or use --skip-invalid.",
                "%(num)d rows have errors; nothing was imported. Correct the file or use --skip-invalid.",
                plan.invalid_row_count,
            )
        )
    counts = plan.counts
    if not dry_run:
        with click.progressbar(length=len(plan.rows), label=_("Importing")) as bar:
            counts = applying.apply_import(plan, progress=lambda: bar.update(1))
    summary = _(
        "%(new)d new, %(updated)d updated, %(unchanged)d unchanged; "
        "new organisations: %(organisations)d, new working groups: %(groups)d.",
        new=counts.new,
        updated=counts.updated,
        unchanged=counts.unchanged,
        organisations=counts.organisations,
        groups=counts.working_groups,
    )
    if plan.errors:
        summary += " " + ngettext(
            "%(num)d row with errors was skipped.",
            "%(num)d rows with errors were skipped.",
            plan.invalid_row_count,
        )
    if dry_run:
        click.echo(_("Dry run, nothing written: %(summary)s", summary=summary))
    else:
        click.echo(_("Imported: %(summary)s", summary=summary))


@members_cli.command("export")
@click.argument("file", default="-", type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
def export_command(file: str) -> None:
    """Write the current members as a B1MG expert mapping file to FILE (standard output for - or none)."""
    data = export.export_csv().encode("utf-8")
    try:
        with click.open_file(file, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise click.ClickException(
            _("Cannot write %(file)s: %(reason)s", file=file, reason=exc.strerror)
        ) from exc
    if file != "-":
        click.echo(_("Wrote the mapping file %(file)s.", file=file), err=True)
