"""The API's operations open to anyone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from . import bp, public_data
from . import schemas as s
from .reading import ApiReader
from .registry import read_operation


@read_operation(
    bp,
    "/group",
    s.GroupProfile,
    _l("The group"),
    _l("Its name, country, the partnership it mirrors and today's coordinating organisation."),
)
def group(reader: ApiReader):
    """The group's profile."""
    return public_data.group_profile()


@read_operation(
    bp,
    "/composition",
    s.Composition,
    _l("Composition by stakeholder type"),
    _l("How many current members each stakeholder type has; small groups are hidden."),
)
def composition(reader: ApiReader):
    """The composition by stakeholder type."""
    return public_data.composition()


@read_operation(
    bp,
    "/events",
    s.PublicEvent,
    _l("Public meetings and events"),
    _l("The meetings the group publishes, the latest first, each with its page and calendar file."),
    paged=True,
)
def events(reader: ApiReader):
    """Published meetings and events."""
    return public_data.events()


@read_operation(
    bp,
    "/news",
    s.NewsIssue,
    _l("E-news issues"),
    _l("The sent issues of the e-news, the newest first, each with its public page."),
    paged=True,
)
def news(reader: ApiReader):
    """Sent e-news issues."""
    return public_data.news_issues()


@read_operation(
    bp,
    "/documents",
    s.PublicDocument,
    _l("Public documents"),
    _l("The public documents with the version approved now and its download link."),
    paged=True,
)
def documents(reader: ApiReader):
    """Public documents, approved versions."""
    return public_data.documents()


@read_operation(
    bp,
    "/consultations",
    s.PublicConsultation,
    _l("Public consultations"),
    _l(
        "Consultations the public answers, with the page to answer while open, and those whose results "
        "are published to anyone, with their results page; the latest opened first."
    ),
    paged=True,
)
def consultations(reader: ApiReader):
    """Public consultations and published results."""
    return public_data.consultations()


@read_operation(
    bp,
    "/self-assessments",
    s.PublishedSelfAssessment,
    _l("Published self-assessments"),
    _l(
        "The years whose B1MG self-assessment the coordinator published, the latest first, each with its "
        "document in the open format and the schema it follows."
    ),
    paged=True,
)
def self_assessments(reader: ApiReader):
    """Published self-assessments."""
    return public_data.self_assessments()
