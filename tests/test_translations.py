"""The Italian catalogue is complete: every string marked in code and templates has a translation."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "nmg_ops" / "translations" / "it" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "_nl": (1, 2),
    "lazy_gettext": None,
    "pgettext": ((1, "c"), 2),
}


def _marked_strings() -> dict[tuple[str, str | None], str]:
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[tuple[str, str | None], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault((msgid, context), f"{filename}:{lineno}")
    return found


def test_every_marked_string_has_an_italian_translation():
    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh, locale="it")
    marked = _marked_strings()
    assert len(marked) > 50, "extraction found almost nothing; is babel.cfg right?"
    missing = []
    for (msgid, context), where in sorted(marked.items(), key=lambda item: item[1]):
        entry = catalogue.get(msgid, context=context)
        translated = entry is not None and (
            all(entry.string) if isinstance(entry.string, tuple) else bool(entry.string)
        )
        if not translated or entry.fuzzy:
            missing.append(f"{where}: {msgid!r}")
    assert not missing, (
        "untranslated in messages.po (run `make extract-messages`, then translate):\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("placeholder", ["%(name)s", "%(nmg)s", "%(minutes)d", "%(hours)d"])
def test_translations_keep_their_placeholders(placeholder):
    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh, locale="it")
    for message in catalogue:
        if message.id and isinstance(message.id, str) and placeholder in message.id and message.string:
            assert placeholder in message.string, message.id
