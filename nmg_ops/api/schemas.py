"""What the read API answers, as typed models: the answers are built from them and the OpenAPI document
is generated from them, so the document cannot say one thing while the API does another.

Times are in UTC (ISO 8601 with offset); a program shows them in its reader's zone, as the pages show them
in the group's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

Item = TypeVar("Item", bound=BaseModel)


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PageLinks(Answer):
    self: str
    next: str | None = Field(description="The next page, or null on the last one.")
    prev: str | None = Field(description="The previous page, or null on the first one.")


class Page(Answer, Generic[Item]):
    """One page of a list, newest first unless the operation says otherwise."""

    items: list[Item]
    page: int = Field(ge=1)
    size: int = Field(ge=1, description="Items per page, as asked (at most 100).")
    total: int = Field(ge=0, description="Items in the whole list.")
    links: PageLinks


class Problem(Answer):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str


class GroupProfile(Answer):
    name: str
    short_name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code of the group's country.")
    partnership: str = Field(description="The European partnership the group mirrors.")
    coordinator_organisation: str | None = Field(
        description="The organisation of today's coordinator, or null between terms."
    )
    website: str


class StakeholderCount(Answer):
    code: str
    name: str
    count: int | None = Field(description="Current members of this type, or null when hidden.")
    is_hidden: bool = Field(description="Hidden, with others, so that no small group can be told apart.")


class Composition(Answer):
    on: date
    total: int = Field(description="Current members.")
    hidden_below: int = Field(description="Groups smaller than this are hidden, with at least one other.")
    by_stakeholder_type: list[StakeholderCount]


class PublicEvent(Answer):
    id: int
    title: str
    type: str
    type_name: str
    status: str
    starts_at: datetime
    ends_at: datetime
    mode: str
    venue: str
    page_url: str
    ics_url: str = Field(description="The event as a calendar file (text/calendar).")


class NewsIssue(Answer):
    number: int
    title: str
    month: date = Field(description="The first day of the month the issue tells of.")
    sent_at: datetime
    url: str = Field(description="The issue's permanent page, public edition.")


class PublicConsultation(Answer):
    id: int
    title: str
    opened_at: datetime
    deadline_at: datetime = Field(description="Answers are accepted until this instant.")
    is_open: bool = Field(description="Whether the public can answer now.")
    page_url: str | None = Field(description="Where the public answers, while it is open; else null.")
    results_url: str | None = Field(description="The results published to anyone, once they are; else null.")


class PublishedSelfAssessment(Answer):
    year: int
    published_at: datetime
    url: str = Field(description="The year's self-assessment document, valid against the schema.")
    schema_url: str = Field(description="The JSON Schema the document follows.")


class PublicDocument(Answer):
    id: int
    title: str
    kind: str
    version: int = Field(description="The number of the version approved now.")
    filename: str
    content_type: str
    size: int = Field(description="Bytes.")
    sha256: str
    approved_at: datetime | None
    download_url: str = Field(description="Always the version approved now.")


class Me(Answer):
    id: int
    full_name: str
    roles: list[str]


class MyMeeting(Answer):
    id: int
    title: str
    type: str
    status: str = Field(description="draft (organisers only), confirmed, cancelled or held.")
    starts_at: datetime
    ends_at: datetime
    mode: str
    venue: str
    video_url: str | None
    is_public: bool
    answer: str | None = Field(description="Your answer to the invitation: yes, no, maybe, or null.")
    page_url: str
    ics_url: str


class MyAnswer(Answer):
    meeting_id: int
    meeting_title: str
    starts_at: datetime
    answer: str | None
    answered_at: datetime | None
    attendance: str | None = Field(description="As recorded after the meeting, or null.")


class MyAction(Answer):
    id: int
    title: str
    status: str
    due_on: date | None
    meeting_id: int | None
    owners: list[str]
    page_url: str


class ApprovedMinutes(Answer):
    meeting_id: int
    meeting_title: str
    meeting_starts_at: datetime
    approved_on: date | None
    sections: dict[str, str] = Field(description="Each section's text, Markdown, by section key.")
    page_url: str


class StandingDecision(Answer):
    id: int
    code: str = Field(description="year/number, as the minutes cite it.")
    text: str
    meeting_id: int
    meeting_title: str
    meeting_starts_at: datetime
