"""Reading a mapping file: its encoding, its CSV dialect, its size and its header."""

from __future__ import annotations

import csv
import io

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from .columns import REQUIRED_COLUMNS, Column

MAX_ROWS = 5000


class MappingFileError(ValueError):
    """The file as a whole cannot be imported (not CSV, too big, a required column missing)."""


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{max(1, n // 1024)} KB"


def too_large_message() -> str:
    return _("The file is larger than %(limit)s.", limit=_size(current_app.config["MAX_CONTENT_LENGTH"]))


def decode(data: bytes) -> str:
    """The text of a mapping file: UTF-8 with or without BOM, else the Windows encoding Excel saves in."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and len(data) > limit:
        raise MappingFileError(too_large_message())
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 reads any byte, so a file always gets a preview.
        return data.decode("latin-1")


def _delimiter(first_line: str) -> str:
    # The header names contain neither separator, so the more frequent one in the header is the delimiter.
    # Excel writes ";" where the decimal separator is a comma, as in Italy.
    return ";" if first_line.count(";") > first_line.count(",") else ","


def csv_records(text: str) -> list[tuple[int, list[str]]]:
    """Non-blank records with the physical line each starts on; quoted values may span lines."""
    first_line = next(line for line in text.splitlines() if line.strip())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    records: list[tuple[int, list[str]]] = []
    ends_on = 0
    try:
        for cells in reader:
            starts_on, ends_on = ends_on + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                records.append((starts_on, cells))
                if len(records) > MAX_ROWS + 1:
                    raise MappingFileError(
                        _("The file has more than %(max)d rows; split it into smaller files.", max=MAX_ROWS)
                    )
    except csv.Error as exc:
        raise MappingFileError(
            _("Line %(line)d cannot be read as CSV: %(reason)s", line=reader.line_num, reason=str(exc))
        ) from exc
    return records


def read_header(cells: list[str], line: int) -> tuple[dict[Column, int], list[tuple[int, str]]]:
    by_name = {column.value.casefold(): column for column in Column}
    positions: dict[Column, int] = {}
    warnings: list[tuple[int, str]] = []
    for index, cell in enumerate(cells):
        name = cell.strip()
        column = by_name.get(name.casefold())
        if column is None:
            if name:
                warnings.append(
                    (
                        line,
                        _(
                            "The column “%(column)s” is not part of the mapping file and is ignored.",
                            column=name,
                        ),
                    )
                )
        elif column in positions:
            raise MappingFileError(_("The column “%(column)s” appears twice in the header.", column=name))
        else:
            positions[column] = index
    missing = [column.value for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        raise MappingFileError(
            ngettext(
                "The required column %(columns)s is missing from the header (line %(line)d).",
                "The required columns %(columns)s are missing from the header (line %(line)d).",
                len(missing),
                columns=", ".join(f"“{name}”" for name in missing),
                line=line,
            )
        )
    return positions, warnings
