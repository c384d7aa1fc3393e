"""Italian as Italians write it: an article or preposition before a word that starts with a vowel sound
drops its vowel ("l'8 dicembre", "all'80 %", "dell'NMG"). A translation cannot do it alone, since the number
is known only once filled in; every translated text passes here once its values are in."""

from __future__ import annotations

import re
from functools import lru_cache

from babel.support import NullTranslations
from flask.globals import _cv_app
from flask_babel import Babel, Domain, get_domain, get_locale
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


def babel_context() -> object | None:
    """What Flask-Babel keeps for the current application context (its locale, zone, catalogue), or None;
    read from the context itself, since each use of Flask's `g` proxy looks the context up again and a
    page asks hundreds of times."""
    app_context = _cv_app.get(None)
    return None if app_context is None else app_context.g.__dict__.get("_flask_babel")


def _speaking() -> tuple[object, bool] | None:
    """The translations of the language the page or mail speaks now and whether it is Italian, or None
    outside any application. A page translates hundreds of strings: Flask-Babel would look up its context,
    the locale and the catalogue for each; they are worked out once and kept with its context for as long
    as the language stays the same object (`refresh()` and `force_locale()` put another in its place)."""
    context = babel_context()
    locale = getattr(context, "babel_locale", None) or get_locale()
    if locale is None:
        return None
    if context is None:
        # Made by get_locale() just now.
        context = babel_context()
    known = getattr(context, "nmg_speaking", None)
    if known is None or known[0] is not locale:
        translations = Domain.get_translations(get_domain())
        known = context.nmg_speaking = (locale, translations, str(locale) == "it")
    return known[1], known[2]


def elide(text: str) -> str:
    """The text with elisions applied where the language is Italian; Markup stays Markup."""
    speaking = _speaking() if text else None
    return _elided(text, bool(speaking and speaking[1]))


def _elided(text: str, italian: bool) -> str:
    if not italian or not text:
        return text
    written = _italian(str(text))
    return Markup(written) if isinstance(text, Markup) else written


@lru_cache(maxsize=8192)
def _italian(text: str) -> str:
    # A list page writes the same labels and phrases on every row: each is elided once per process.
    return _BEFORE.sub(_elide, text)


class ItalianDomain(Domain):
    def get_translations(self):
        return _translations()

    def gettext(self, string, **variables):
        speaking = None if variables else _speaking()
        if speaking is None:
            return elide(super().gettext(string, **variables))
        # The labels of every row of a list come here: the language looked up once for each, not thrice.
        return _elided(speaking[0].ugettext(string), speaking[1])

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
        # The catalogue of the language spoken now, found once per page rather than once per text.
        app.jinja_env.install_gettext_callables(
            gettext=lambda s: _translations().ugettext(s),
            ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
            newstyle=True,
            pgettext=lambda c, s: _translations().upgettext(c, s),
            npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        )
        # Templates fill the values in themselves after translating: elide what they produce.
        for name in ("gettext", "ngettext", "pgettext", "npgettext"):
            app.jinja_env.globals[name] = _eliding(app.jinja_env.globals[name])


def _translations():
    speaking = _speaking()
    return NullTranslations() if speaking is None else speaking[0]


def _eliding(translate):
    @pass_context
    def translated(context, *args, **variables):
        return elide(translate(context, *args, **variables))

    return translated
