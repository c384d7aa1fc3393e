"""Italian as Italians write it: an article or preposition before a word that starts with a vowel sound
drops its vowel ("l'8 dicembre", "all'80 %", "dell'NMG"). A translation cannot do it alone, since the number
is known only once filled in; every translated text passes here once its values are in."""

from __future__ import annotations

import re

from flask_babel import Babel, Domain, get_locale
from jinja2 import pass_context
from markupsafe import Markup
from werkzeug.utils import cached_property

#: the elided form of each article and articulated preposition
_ELIDED = {"il": "l'", "al": "all'", "dal": "dall'", "del": "dell'", "nel": "nell'", "sul": "sull'"}
_BEFORE = re.compile(r"\b(il|al|dal|del|nel|sul|Il|Al|Dal|Del|Nel|Sul) (\d[\d.,]*|NMG\b|[AEIOUaeiou]\w*)")


def _sounds_like_a_vowel(word: str) -> bool:
    """Otto, ottanta, ottocento…; undici and undicimila; NMG is read "enne-emme-gi"; a name filled in
    that starts with a vowel ("IT NMG", "Italian National Mirror Group"), since a translation never puts
    these articles before a vowel itself."""
    if word == "NMG" or word[0] in "AEIOUaeiou":
        return True
    whole = word.split(",")[0].replace(".", "")
    return whole.startswith("8") or (whole.startswith("11") and len(whole) in (2, 5, 8))


def _elide(match: re.Match[str]) -> str:
    article, word = match.groups()
    if not _sounds_like_a_vowel(word.rstrip(".,")):
        return match.group(0)
    elided = _ELIDED[article.lower()]
    return (elided.capitalize() if article[0].isupper() else elided) + word


def elide(text: str) -> str:
    """The text with elisions applied where the language is Italian; Markup stays Markup."""
    if not text or str(get_locale() or "") != "it":
        return text
    written = _BEFORE.sub(_elide, str(text))
    return Markup(written) if isinstance(text, Markup) else written


class ItalianDomain(Domain):
    def gettext(self, string, **variables):
        return elide(super().gettext(string, **variables))

    def ngettext(self, singular, plural, num, **variables):
        return elide(super().ngettext(singular, plural, num, **variables))

    def pgettext(self, context, string, **variables):
        return elide(super().pgettext(context, string, **variables))

    def npgettext(self, context, singular, plural, num, **variables):
        return elide(super().npgettext(context, singular, plural, num, **variables))


class WrittenBabel(Babel):
    """Babel whose translations, in code and in templates, come out elided."""

    @cached_property
    def domain_instance(self) -> Domain:
        return ItalianDomain(domain=self.domain)

    def init_app(self, app, *args, **kwargs) -> None:
        super().init_app(app, *args, **kwargs)
        # Templates fill the values in themselves after translating: elide what they produce.
        for name in ("gettext", "ngettext", "pgettext", "npgettext"):
            app.jinja_env.globals[name] = _eliding(app.jinja_env.globals[name])


def _eliding(translate):
    @pass_context
    def translated(context, *args, **variables):
        return elide(translate(context, *args, **variables))

    return translated
