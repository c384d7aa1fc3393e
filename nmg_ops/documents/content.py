"""What an uploaded file is, read from its bytes, and the name it may be saved under.

The name and the type the browser sends are the uploader's claims; a page saved as `x.pdf` is still a
page, and served as a PDF it would be opened by whatever the reader's browser guesses. So the type is read
from the content (PDF signature; the parts an Office Open XML or OpenDocument package must have), anything
else is refused, and the stored name gets the extension of the type found.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..errors import RuleError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

#: the types accepted, with the extension a download gets
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", ODT: "odt"}

#: longest stored name, extension included
NAME_MAX = 120

_UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*;]+')


@dataclass(frozen=True)
class Content:
    content_type: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def _package_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
            names = {entry.filename for entry in entries}
            # OpenDocument: the first entry is `mimetype`, stored uncompressed, naming the type.
            first = entries[0] if entries else None
            if first is not None and first.filename == "mimetype" and first.file_size < 100:
                if package.read(first).strip() == ODT.encode("ascii"):
                    return ODT
                return None
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return DOCX
                if any(name.startswith("xl/") for name in names):
                    return XLSX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError):
        return None
    return None


def identify(data: bytes) -> Content:
    """The type of the content, or RuleError (on the `file` field) for anything but PDF, DOCX, XLSX or ODT."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return Content(PDF)
    if data.startswith(b"PK\x03\x04") and (found := _package_type(data)):
        return Content(found)
    raise RuleError(
        _l("This file is not a PDF, Word (.docx), Excel (.xlsx) or OpenDocument text (.odt) document."),
        "file",
    )


def safe_filename(name: str, content: Content) -> str:
    """The uploaded name without folders, control characters or characters file systems refuse, ending in
    the extension of the content found; "document.<ext>" when nothing of the name is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(" " if unicodedata.category(c).startswith(("C", "Z")) else c for c in name)
    name = _UNSAFE_IN_NAMES.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem.strip(" .")[: NAME_MAX - len(content.extension) - 1].rstrip(" .")
    return f"{stem or 'document'}.{content.extension}"
