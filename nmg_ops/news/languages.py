"""An issue in each of the group's languages.

The issue's own title and sections are in the group's language (DEFAULT_LANGUAGE); the other languages of
LANGUAGES have their own title and section texts beside them. A reader of another language gets the
section written for them; where its text is empty they get the group's text under its own heading rather
than nothing, and the editor sees which sections those are before anything is sent, so that an "English"
edition is never Italian text in an English frame unannounced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..i18n import format_date
from ..models import Language, NewsIssue, NewsIssueTitle, NewsSection, NewsSectionText


def group_language() -> str:
    return str(current_app.config["DEFAULT_LANGUAGE"])


def other_languages() -> list[str]:
    """The languages an issue is written in besides the group's, in the order LANGUAGES gives."""
    return [code for code in current_app.config["LANGUAGES"] if code != group_language()]


def issue_title(number: int, month: date) -> str:
    """The drafted title, in the language of the locale in force."""
    return str(
        _l(
            "%(nmg)s e-news n. %(number)d — %(month)s",
            nmg=current_app.config["NMG_SHORT_NAME"],
            number=number,
            month=format_date(month, "MMMM y"),
        )
    )


def _text(section: NewsSection, language: str) -> NewsSectionText | None:
    return next((text for text in section.texts if text.language == language), None)


@dataclass(frozen=True)
class SectionInLanguage:
    heading: str
    body: str
    #: the section's text in that language is empty: the group's text stands in for it
    falls_back: bool


def section_in(section: NewsSection, language: str) -> SectionInLanguage:
    if language == group_language():
        return SectionInLanguage(section.heading, section.body, False)
    text = _text(section, language)
    if text is not None and text.body.strip():
        return SectionInLanguage(text.heading or section.heading, text.body, False)
    return SectionInLanguage(section.heading, section.body, bool(section.body.strip()))


def title_in(issue: NewsIssue, language: str) -> str:
    """The subject of that language's mails: its own title, else the drafted title in that language while
    the group's title is still the drafted one, else the group's title."""
    if language == group_language():
        return issue.title
    own = next((row.title for row in issue.titles if row.language == language), "")
    if own:
        return own
    with force_locale(group_language()):
        drafted = issue_title(issue.number, issue.month)
    if issue.title != drafted:
        return issue.title
    with force_locale(language):
        return issue_title(issue.number, issue.month)


def untranslated(issue: NewsIssue) -> dict[str, list[str]]:
    """For each other language, the headings of the sections its readers would get in the group's
    language; languages with none are left out."""
    missing = {
        language: [section.heading for section in issue.sections if section_in(section, language).falls_back]
        for language in other_languages()
    }
    return {language: headings for language, headings in missing.items() if headings}


def write_title(issue: NewsIssue, language: str, title: str) -> None:
    row = next((row for row in issue.titles if row.language == language), None)
    if row is None:
        issue.titles.append(NewsIssueTitle(language=Language(language), title=title))
    else:
        row.title = title


def write_text(section: NewsSection, language: str, heading: str, body: str) -> None:
    text = _text(section, language)
    if text is None:
        section.texts.append(NewsSectionText(language=Language(language), heading=heading, body=body))
    else:
        text.heading, text.body = heading, body
