"""What an uploaded file is, read from its bytes, and the name it may be saved under.

The name and the type the browser sends are the uploader's claims; a page saved as `x.pdf` is still a
page, and served as a PDF it would be opened by whatever the reader's browser guesses. So the type is read
from the content (PDF signature; the parts an Office Open XML or OpenDocument package must have), anything
else is refused, and the stored name gets the extension of the type found.

A package is a zip, and a zip can unpack to a thousand times its size or to more than its header says. The
check reads the central directory (names and declared sizes, nothing inflated) and refuses a package that
declares more than `UNPACKED_MAX`, or an entry packed more than `RATIO_MAX` times; the one entry it reads
(an OpenDocument's `mimetype`, at most 100 bytes declared), it inflates in small steps and refuses as soon
as the output passes the size its header declares or `RATIO_MAX` times the packed bytes read so far. No
zip, however built, makes the check inflate more than a hundred bytes.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
import zlib
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

#: most all entries of a package may declare they unpack to
UNPACKED_MAX = 512 * 1_048_576
#: most times an entry may unpack to its packed size; office XML packs 5 to 30 times
RATIO_MAX = 100
#: unpacked size below which the ratio is not looked at (a short repetitive part packs very well)
_RATIO_FREE = 1_048_576
#: longest `mimetype` entry of an OpenDocument package that is read
_MIMETYPE_MAX = 100
_STEP = 16_384

_BOMB = _l(
    "This file is refused: unpacked, it would be far larger than it is or than it declares. "
    "It may be damaged, or made to overload the server."
)


class _Bomb(Exception):
    """A package that unpacks, or declares it unpacks, beyond the limits."""


def _check_declared(entries: list[zipfile.ZipInfo]) -> None:
    if sum(entry.file_size for entry in entries) > UNPACKED_MAX:
        raise _Bomb
    for entry in entries:
        if entry.file_size > _RATIO_FREE and entry.file_size > RATIO_MAX * max(entry.compress_size, 1):
            raise _Bomb


def _unpack(data: bytes, entry: zipfile.ZipInfo) -> bytes:
    """The entry's content, inflated step by step; _Bomb once it passes the size its header declares or
    RATIO_MAX times the packed bytes read (past the first megabyte)."""
    if entry.flag_bits & 0x1 or entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise zipfile.BadZipFile("encrypted or unusual compression")
    header = data[entry.header_offset : entry.header_offset + zipfile.sizeFileHeader]
    fields = struct.unpack(zipfile.structFileHeader, header)  # struct.error if cut short
    if fields[0] != zipfile.stringFileHeader:
        raise zipfile.BadZipFile("no local header")
    start = entry.header_offset + zipfile.sizeFileHeader + fields[10] + fields[11]
    packed = memoryview(data)[start : start + entry.compress_size]
    bound = entry.file_size
    if entry.compress_type == zipfile.ZIP_STORED:
        if len(packed) > bound:
            raise _Bomb
        return bytes(packed)
    inflater, out, read = zlib.decompressobj(-zlib.MAX_WBITS), bytearray(), 0
    while read < len(packed) and not inflater.eof:
        pending, read = packed[read : read + _STEP], read + _STEP
        while pending and not inflater.eof:
            allowed = min(bound, max(_RATIO_FREE, RATIO_MAX * read))
            out += inflater.decompress(pending, allowed + 1 - len(out))
            if len(out) > allowed:
                raise _Bomb
            pending = inflater.unconsumed_tail
    return bytes(out)


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
        _check_declared(entries)
        names = {entry.filename for entry in entries}
        # OpenDocument: the first entry is `mimetype`, stored uncompressed, naming the type.
        first = entries[0] if entries else None
        if first is not None and first.filename == "mimetype":
            if first.file_size <= _MIMETYPE_MAX and _unpack(data, first).strip() == ODT.encode("ascii"):
                return ODT
            return None
        if "[Content_Types].xml" in names:
            if any(name.startswith("word/") for name in names):
                return DOCX
            if any(name.startswith("xl/") for name in names):
                return XLSX
    except _Bomb:
        raise RuleError(_BOMB, "file") from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        struct.error,
        NotImplementedError,
        RuntimeError,
        EOFError,
        OSError,
    ):
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
