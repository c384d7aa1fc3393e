"""Every route of the URL map, as every kind of visitor, fed hostile values: never a 500, every refusal a 4xx
with a message, and nothing written when a request is refused.

The routes come from the application itself, so a new route is walked the day it is added. Form fields
come from the page the route serves (every input, select and textarea), plus the names the route's
query strings commonly use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from functools import cache
from io import BytesIO

import pytest
import sqlalchemy as sa
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from nmg_ops import clock, create_app
from nmg_ops.delivery.outbox import build_message, enqueue
from nmg_ops.extensions import db
from nmg_ops.models import (
    ActionItem,
    AgendaItem,
    DeliveryStatus,
    Invitation,
    MeetingStatus,
    OutboundMessage,
    SurveyReach,
    WorkingGroup,
)
from tests.fixtures.consultations import open_survey, published_survey
from tests.fixtures.factories import PASSWORD
from tests.fixtures.news import news_world

HOSTILE = [
    "x" * 20_000,
    "",
    " ",
    "\x00",
    "a\r\nBcc: x@evil.example",
    "name\u2028\u0085\x0b\x0c",
    "9223372036854775808",
    "99999999999999999999",
    "-1",
    "0",
    "2026x",
    "abc",
    "\u0663",
    "1e309",
    "9999-12-31",
    "10000-01-01",
    "0000-00-00",
    "2027-03-28T02:30",
    "02:30",
    "25:61",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "=cmd|' /C calc'!A0",
    "/%09/evil.example",
    "https://evil.example/",
]
QUERY_NAMES = [
    "page",
    "year",
    "status",
    "actor",
    "subject",
    "next",
    "q",
    "search",
    "when",
    "type",
    "organisation",
]
PATH_VALUES = {"int": ["9223372036854775808", "0"], "default": ["not-a-token", "x" * 300, "%0a"]}
#: tables that record attempts, refusals included, on purpose (the brakes count them)
RECORDS_REFUSALS = {"sign_in_attempt", "password_reset_request", "sign_in_session", "audit_entry"}
ROLES = ("public", "member", "admin")
_FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.I)
_FORM = re.compile(r'<form\b[^>]*\baction="([^"?#]*)[^"]*"[^>]*>(.*?)</form>', re.I | re.S)


def _document() -> int:
    """A public document whose only version is a draft, waiting to be approved."""
    from nmg_ops.documents import library
    from nmg_ops.models import DocumentKind, DocumentVisibility
    from tests.fixtures.documents import pdf_bytes

    draft = library.NewDocument("Work plan", DocumentKind.WORK_PLAN, DocumentVisibility.PUBLIC)
    document = library.create_document(draft, pdf_bytes(), "plan.pdf", "", None)
    db.session.commit()
    return document.id


@pytest.fixture
def world(people, make_meeting, make_member, make_working_group, make_term):
    """One of every record a route can address, owned by nobody whose role the walk signs in as."""
    target = make_member(email="target@example.org", full_name="Tina Target")
    group = make_working_group("WPX")
    meeting = make_meeting(
        "plenary", invitees=[target, people["member"]], status=MeetingStatus.CONFIRMED, is_public=True
    )
    db.session.add(AgendaItem(meeting_id=meeting.id, position=1, title="Welcome"))
    message = build_message(to_email="x@example.org", to_name="X", subject="Hello", text="t", html="<p>t</p>")
    enqueue("test", "bad-input:1", "x@example.org", message)
    db.session.commit()
    db.session.execute(sa.update(OutboundMessage).values(status=DeliveryStatus.FAILED))
    term = make_term(target, starts_on=clock.today() + timedelta(days=400))
    action = ActionItem(title="Target's action", owners=[target], meeting_id=meeting.id)
    db.session.add(action)
    db.session.commit()
    return {
        "member_id": target.id,
        "organisation_id": target.organisation_id,
        "group_id": group.id,
        "meeting_id": meeting.id,
        "item_id": meeting.agenda_items[0].id,
        "invitation_id": db.session.scalar(sa.select(Invitation.id).where(Invitation.member_id == target.id)),
        "message_id": db.session.scalar(sa.select(OutboundMessage.id)),
        "term_id": term.id,
        "type_id": meeting.type_id,
        "working_group_id": db.session.scalar(sa.select(WorkingGroup.id)),
        "action_id": action.id,
        **_survey_and_question(),
        "document_id": _document(),
        **_news(),
        "number": 1,
        "section_key": "opening",
        "measure": "funding",
        "year": clock.local(clock.now()).year,
    }


class _Reads:
    """The names of what was sent that the request being served read, `ALL` when it read everything.

    A value the route never reads cannot change its answer: once a route has been seen to read none of
    the names sent, the walk spares it the other hostile values for that path."""

    ALL = "*"
    names: set[str] = set()


class _ReadMultiDict(ImmutableMultiDict):
    def _one(self, key):
        _Reads.names.add(key)

    def _all(self):
        _Reads.names.add(_Reads.ALL)

    def __getitem__(self, key):
        self._one(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):
        self._one(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        self._one(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        self._one(key)
        return super().__contains__(key)

    def __iter__(self):
        self._all()
        return super().__iter__()

    def __len__(self):
        self._all()
        return super().__len__()

    def items(self, multi=False):
        self._all()
        return super().items(multi)

    def lists(self):
        self._all()
        return super().lists()

    def values(self):
        self._all()
        return super().values()

    def to_dict(self, flat=True):
        self._all()
        return super().to_dict(flat)


class _ReadRequest(Request):
    """A request that notes which of its query and form names the application reads."""

    parameter_storage_class = _ReadMultiDict

    def get_data(self, *args, **kwargs):
        _Reads.names.add(_Reads.ALL)
        return super().get_data(*args, **kwargs)

    def close(self) -> None:
        # Closing the uploaded files once answered looks at them all, yet the answer is already given.
        names = set(_Reads.names)
        super().close()
        _Reads.names = names


def _forget_reads() -> None:
    """Run last before the route: what the application's own checks read first (the NUL refusal reads
    every value, of every route alike) says nothing of what the route reads."""
    _Reads.names = set()


def _read_any(names) -> bool:
    """Whether the request just served read any of `names`."""
    return _Reads.ALL in _Reads.names or bool(_Reads.names & set(names))


def _send(client, path: str, method: str, **kwargs):
    _Reads.names = set()
    return client.open(path, method=method, **kwargs)


def _walked(rule) -> bool:
    return rule.endpoint != "static" and not rule.endpoint.startswith("bootstrap.")


def _parts() -> list[str]:
    """The blueprints of the app, read from the app itself: the walk takes one at a time, so that the
    test workers share it out, and a new blueprint is walked the day it is added."""
    app = create_app({"ENVIRONMENT": "testing", "DATABASE_URL": "sqlite://"})
    return sorted({rule.endpoint.partition(".")[0] for rule in app.url_map.iter_rules() if _walked(rule)})


def _rules(app, part: str) -> Iterator[tuple[str, object]]:
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not _walked(rule) or rule.endpoint.partition(".")[0] != part:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule


def _paths(rule, world) -> list[str]:
    """The rule with real ids, then with each hostile path value in one argument."""
    real = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if name in world:
            real[name] = str(world[name])
        elif kind == "AnyConverter":
            real[name] = re.findall(r"\w+", converter.regex)[0]
        else:
            real[name] = "not-a-token"
    paths = [_fill(rule.rule, real)]
    for name, converter in rule._converters.items():
        kind = (
            "int"
            if "Integer" in type(converter).__name__ or "RecordId" in type(converter).__name__
            else "default"
        )
        for value in PATH_VALUES[kind]:
            paths.append(_fill(rule.rule, {**real, name: value}))
    return paths


def _fill(rule: str, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m[1]], rule)


@cache
def _counting() -> tuple[list[str], sa.Select]:
    """One statement counting the rows of every table, built once so that its compiled form is reused."""
    tables = [t.name for t in db.metadata.sorted_tables if t.name not in RECORDS_REFUSALS]
    query = sa.select(
        *(sa.select(sa.func.count()).select_from(sa.table(name)).scalar_subquery() for name in tables)
    )
    return tables, query


def _table_counts() -> dict[str, int]:
    tables, query = _counting()
    db.session.expire_all()
    return dict(zip(tables, db.session.execute(query).one(), strict=True))


def _check(response, method: str, path: str, before: dict[str, int] | None, problems: list[str]):
    """Note what is wrong with the response; the table counts after a refusal, which the next request
    starts from, else None."""
    status = response.status_code
    where = f"{method} {path[:80]!r} -> {status}"
    if status >= 500:
        problems.append(where)
        return None
    if 400 <= status < 500:
        if not response.get_data(as_text=True).strip():
            problems.append(f"{where}: refused without a message")
        if before is not None:
            after = _table_counts()
            if after != before:
                problems.append(f"{where}: refused but wrote")
            return after
    return None


_POSTED: dict[tuple, dict[str, set[str]]] = {}


def _posted_fields(client, app, world) -> dict[str, set[str]]:
    """The fields of every form on the pages the client can read, by the path the form posts to: a route
    that only takes a POST gets its fields from the page whose form sends it there."""
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if not _walked(rule) or "GET" not in rule.methods:
            continue
        page = client.get(_paths(rule, world)[0])
        if page.mimetype != "text/html":
            continue
        for action, body in _FORM.findall(page.get_data(as_text=True)):
            found.setdefault(action, set()).update(_FIELD.findall(body))
    return found


@pytest.mark.parametrize("part", _parts())
@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_500_to_hostile_input(app, people, world, role, part):
    walked = list(_rules(app, part))
    assert walked, f"no route of {part} was walked"
    problems = _walk(app, people, world, role, walked)
    assert not problems, "\n".join(problems[:60])


#: the routes that publish a consultation's results, and those that show them
PUBLISHING = {
    "governance.publish_consultation_results",
    "governance.unpublish_consultation_results",
    "governance.published_results",
    "governance.published_results_file",
}


@pytest.mark.parametrize("role", ROLES)
def test_publishing_a_closed_survey_answers_no_500_to_hostile_input(app, people, world, role):
    """The world's survey is open, which the publishing routes refuse before reading a field: here they
    are walked again with a closed survey whose results are published, so that every field is read."""
    closed = {**world, "survey_id": published_survey().id}
    walked = [(method, rule) for method, rule in _rules(app, "governance") if rule.endpoint in PUBLISHING]
    assert len(walked) == len(PUBLISHING)
    problems = _walk(app, people, closed, role, walked)
    assert not problems, "\n".join(problems[:60])


def _walk(app, people, world, role, walked) -> list[str]:
    """Each route of `walked` with real and hostile path values, fed hostile values in every field."""
    problems: list[str] = []
    signed_in = app.test_client()
    if role != "public":
        signed_in.post("/sign-in", data={"email": people[role].email, "password": PASSWORD})
    # Every part of the walk as one role reads the same pages: their forms are read once per database.
    key = (str(db.engine.url), role, tuple(sorted(world.items())))
    if key not in _POSTED:
        _POSTED[key] = _posted_fields(signed_in, app, world)
    posted = _POSTED[key]
    app.request_class = _ReadRequest
    app.before_request_funcs.setdefault(None, []).append(_forget_reads)
    try:
        for method, rule in walked:
            client = app.test_client()
            if role != "public":
                client.post("/sign-in", data={"email": people[role].email, "password": PASSWORD})
            for path in _paths(rule, world):
                _walk_path(client, method, rule, path, world, posted, problems)
            if role != "public":
                client.post("/sign-in", data={"email": people[role].email, "password": PASSWORD})
            for wrong in ("PUT", "DELETE", "PATCH"):
                if wrong not in rule.methods:
                    response = client.open(_paths(rule, world)[0], method=wrong)
                    _check(response, wrong, rule.rule, None, problems)
    finally:
        app.request_class = Request
        app.before_request_funcs[None].remove(_forget_reads)
    return problems


def _walk_path(client, method, rule, path, world, posted, problems) -> None:
    page = client.get(path) if "GET" in rule.methods else None
    # Only a page has fields; a download (a PDF, a DOCX) is bytes to leave alone.
    is_page = page is not None and page.mimetype == "text/html"
    fields = sorted(set(_FIELD.findall(page.get_data(as_text=True)))) if is_page else []
    fields = fields or sorted(posted.get(path, ()))
    names = [name for name in fields if name != "csrf_token"] or QUERY_NAMES
    if method == "GET":
        for value in HOSTILE[:: 2 if path != _paths(rule, world)[0] else 1]:
            response = _send(client, path, "GET", query_string={name: value for name in QUERY_NAMES})
            _check(response, method, path, None, problems)
            if not _read_any(QUERY_NAMES):
                return
        return
    requests = [MultiDict([(name, value) for name in names]) for value in HOSTILE]
    requests.append(MultiDict())
    requests.append(MultiDict([(name, v) for name in names for v in ("1", "2")]))
    before = None
    for data in requests:
        before = before or _table_counts()
        before = _check(_send(client, path, method, data=data), method, path, before, problems)
        if not _read_any(names):
            return
    before = before or _table_counts()
    files = {name: (BytesIO(b"\x00\xff" * 10), "x.bin") for name in names}
    response = _send(client, path, method, data=files, content_type="multipart/form-data")
    _check(response, method, path, before, problems)


def _news() -> dict[str, int]:
    news = news_world()
    return {
        "issue_id": news.draft_id,
        "number": news.sent_number,
        "subscriber_id": news.subscriber_id,
        "suppression_id": news.suppression_id,
    }


def _survey_and_question() -> dict[str, int]:
    # Open to the public as well, so that the public page's form is walked too.
    survey = open_survey(SurveyReach.BOTH)
    return {"survey_id": survey.id, "question_id": survey.questions[0].id}
