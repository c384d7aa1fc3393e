"""The top navigation: the sections members think in, the pages of each, and the section a page is in.

An item is shown to whoever its route admits: the right is read from the route's own `@require`, so the
bar never offers a page that answers 403 and a change in `permissions.GRANTS` changes the bar with it.
A section with no item left for the reader is not shown. A page belongs to the section that names its
endpoint, else to the one that names its blueprint; the start page and the signed-out pages are in none.
A new section (the e-news) is one more `Section` here.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .permissions import can


@dataclass(frozen=True)
class Item:
    endpoint: str
    label: LazyString


@dataclass(frozen=True)
class Section:
    key: str
    label: LazyString
    #: the menu's items, in groups a divider separates
    groups: tuple[tuple[Item, ...], ...]
    #: blueprints ("meetings") and endpoints ("minutes.minutes_page") whose pages are in this section
    owns: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "meetings",
        _l("Meetings"),
        (
            (
                Item("meetings.meeting_list", _l("All meetings")),
                Item("meetings.my_meetings", _l("My meetings")),
            ),
            (
                Item("meetings.year_plan", _l("Year plan")),
                Item("meetings.cadence_dashboard", _l("Cadence")),
                Item("meetings.meeting_type_list", _l("Meeting types")),
            ),
        ),
        owns=(
            "meetings",
            "calendar",
            # The minutes are a meeting's pages; the registers built from them are the next section's.
            "minutes.minutes_page",
            "minutes.edit_minutes",
            "minutes.approve_minutes",
            "minutes.minutes_erratum",
            "minutes.minutes_revisions",
            "minutes.compare_revisions",
        ),
    ),
    Section(
        "records",
        _l("Decisions and actions"),
        (
            (
                Item("minutes.decisions", _l("Decisions")),
                Item("minutes.my_actions", _l("My actions")),
                Item("minutes.actions", _l("All actions")),
            ),
            (Item("minutes.search", _l("Search the record")),),
        ),
        owns=("minutes",),
    ),
    Section(
        "people",
        _l("Members and organisations"),
        ((Item("members.directory", _l("Members")), Item("members.organisations", _l("Organisations"))),),
        owns=("members", "privacy.member_data", "privacy.member_data_file", "privacy.erase_member"),
    ),
    Section(
        "governance",
        _l("Governance"),
        (
            (
                Item("governance.composition", _l("Composition")),
                Item("governance.self_assessment_page", _l("Self-assessment")),
                Item("governance.annual_report_page", _l("Annual report")),
                Item("governance.working_groups", _l("Working groups")),
                Item("governance.coordinators", _l("Coordinators")),
                Item("governance.consultations_list", _l("Consultations")),
                Item("documents.document_list", _l("Documents")),
            ),
            (
                Item("governance.handover", _l("Handover")),
                Item("governance.audit_log", _l("Audit trail")),
                Item("delivery.deliveries", _l("Deliveries")),
                Item("privacy.retention_periods", _l("Retention of personal data")),
            ),
        ),
        owns=("governance", "delivery", "documents", "privacy.retention_periods"),
    ),
    Section(
        "news",
        _l("E-news"),
        (
            (
                Item("news.issue_list", _l("Issues")),
                Item("news.image_library", _l("Images")),
                Item("news.subscribers", _l("Subscribers")),
            ),
        ),
        owns=("news",),
    ),
)

#: the account menu's pages: the profile and what it holds (language, password, calendar feed, my data)
ACCOUNT = "account"
ACCOUNT_ENDPOINTS = frozenset({"members.profile", "privacy.my_data", "privacy.my_data_file"})


@dataclass(frozen=True)
class ShownSection:
    """A section as one reader sees it: only the items the reader may open."""

    key: str
    label: LazyString
    groups: list[list[Item]]
    is_current: bool


def section_of(endpoint: str | None) -> str | None:
    """The key of the section the endpoint's page is in, or None."""
    if endpoint is None:
        return None
    if endpoint in ACCOUNT_ENDPOINTS:
        return ACCOUNT
    for section in SECTIONS:
        if endpoint in section.owns:
            return section.key
    blueprint = endpoint.partition(".")[0]
    for section in SECTIONS:
        if blueprint in section.owns:
            return section.key
    return None


def may_open(endpoint: str) -> bool:
    """Whether the reader may open the page: the right its route requires, or any signed-in member."""
    right = getattr(current_app.view_functions[endpoint], "required_right", None)
    return can(right) if right is not None else current_user.is_authenticated


def shown_sections(endpoint: str | None) -> list[ShownSection]:
    """The sections the reader may use, each with the items the reader may open."""
    current = section_of(endpoint)
    shown = []
    for section in SECTIONS:
        groups = [
            kept for group in section.groups if (kept := [item for item in group if may_open(item.endpoint)])
        ]
        if groups:
            shown.append(ShownSection(section.key, section.label, groups, section.key == current))
    return shown
