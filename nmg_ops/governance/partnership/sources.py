"""The partnership view's sources: the coordinator adds and removes other NMGs' published addresses and
uploads their files; a fetched or uploaded document is kept per source and year, so that a failed reading
or a 304 leaves the last valid one showing.

An address is refused unless it is http(s) and names a host outside this machine and its private
networks (PARTNERSHIP_FETCH_PRIVATE_ADDRESSES turns that off, for tests on loopback): the scheduler would
otherwise read, on anyone's behalf, what only the server can reach. The fetch checks the addresses the
name resolves to again (`fetching`), as a name may point elsewhere by then.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ... import clock
from ...errors import RuleError, flush_or_refuse
from ...extensions import db
from ...models import Member, PartnershipDocument, PartnershipSource, SourceOutcome
from ..self_assessment.importing import ImportRefused, documents_in


class SourceRefused(RuleError):
    """An address or a file the partnership view does not take."""


def max_bytes() -> int:
    """The largest document taken, fetched or uploaded (PARTNERSHIP_FETCH_MAX_BYTES)."""
    return current_app.config["PARTNERSHIP_FETCH_MAX_BYTES"]


def private_allowed() -> bool:
    return current_app.config["PARTNERSHIP_FETCH_PRIVATE_ADDRESSES"]


def is_private(address: str) -> bool:
    """Loopback, private, link-local and reserved addresses: what only the server itself can reach."""
    return not ipaddress.ip_address(address.split("%")[0]).is_global


def _refused_host(host: str) -> bool:
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        return is_private(host)
    except ValueError:
        return False


def add_address(url: str, by: Member) -> PartnershipSource:
    """A new source: another NMG's published self-assessment, read at the scheduler's next run."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceRefused(_("Give an address that starts with https:// (or http://)."), "url")
    if not private_allowed() and _refused_host(parts.hostname):
        raise SourceRefused(
            _(
                "The address names this server or a private network, which the partnership view does not "
                "read."
            ),
            "url",
        )
    if db.session.scalar(sa.select(PartnershipSource.id).where(PartnershipSource.url == url)):
        raise SourceRefused(_("This address is already read."), "url")
    source = PartnershipSource(url=url, added_by=by)
    db.session.add(source)
    flush_or_refuse(SourceRefused(_("This address is already read."), "url"))
    return source


def remove(source: PartnershipSource) -> None:
    """The source and the documents kept from it: the view no longer shows that NMG's."""
    # Said here, not left to the foreign key's cascade, which SQLite does not apply.
    db.session.execute(sa.delete(PartnershipDocument).where(PartnershipDocument.source_id == source.id))
    db.session.delete(source)
    db.session.flush()


def keep(source: PartnershipSource, documents: list[dict[str, Any]]) -> None:
    """Keep each year's valid document, replacing the one the source gave for that year before."""
    now = clock.now()
    kept = {
        row.year: row
        for row in db.session.scalars(
            source.documents.select().where(PartnershipDocument.year.in_([doc["year"] for doc in documents]))
        )
    }
    for doc in documents:
        row = kept.get(doc["year"]) or PartnershipDocument(source=source, year=doc["year"])
        row.document = json.dumps(doc, ensure_ascii=False)
        row.summary = json.dumps(summary(doc))
        row.received_at = now
        db.session.add(row)
    source.country = documents[-1]["group"]["country"]
    source.outcome, source.error, source.read_at = SourceOutcome.READ, "", now


def upload(raw: bytes, by: Member) -> PartnershipSource:
    """Keep an uploaded file's documents (one NMG's, one year or several) beside the fetched ones; an NMG
    uploaded before gets its years replaced. Raises `ImportRefused` with every error, writing nothing."""
    documents = documents_in(raw, max_bytes())
    groups = {(doc["group"]["country"], doc["group"]["partnership"]) for doc in documents}
    if len(groups) > 1:
        raise ImportRefused(
            _("The file holds the self-assessments of several NMGs; upload one NMG’s at a time."),
            [
                f"$[{i}].group: {doc['group']['name']} ({doc['group']['country']})"
                for i, doc in enumerate(documents)
            ],
        )
    country = documents[0]["group"]["country"]
    source = db.session.scalar(
        sa.select(PartnershipSource).where(
            PartnershipSource.url.is_(None), PartnershipSource.country == country
        )
    ) or PartnershipSource(country=country, added_by=by)
    db.session.add(source)
    keep(source, documents)
    db.session.flush()
    return source


def listed() -> list[PartnershipSource]:
    """Every source, addresses first, for the coordinator's list."""
    return list(
        db.session.scalars(
            sa.select(PartnershipSource).order_by(
                PartnershipSource.url.is_(None), PartnershipSource.url, PartnershipSource.country
            )
        )
    )


#: the measures the view compares (`view.columns`, in its order): what is kept of each document to show
COMPARED = (
    "stage",
    "terms_of_reference",
    "nomination_process",
    "organisational_model",
    "funding",
    "composition",
    "stakeholders",
    "communication_meetings",
)


def summary(doc: dict[str, Any]) -> dict[str, Any]:
    """What the view reads of a document: the NMG, the year and the measures it compares. A view of 40 NMGs
    over 5 years reads 200 of them at each request, and the whole documents would take three times as long."""
    measures = doc["measures"]
    return {"group": doc["group"], "year": doc["year"], "measures": {key: measures[key] for key in COMPARED}}


def kept_documents() -> list[tuple[PartnershipSource, list[dict[str, Any]]]]:
    """Every source with the summaries of the documents kept from it, oldest year first, in two statements."""
    sources = listed()
    by_source: dict[int, list[dict[str, Any]]] = {source.id: [] for source in sources}
    rows = db.session.execute(
        sa.select(PartnershipDocument.source_id, PartnershipDocument.summary).order_by(
            PartnershipDocument.source_id, PartnershipDocument.year
        )
    )
    for source_id, text in rows:
        # A source added between the two statements shows at the next request.
        if source_id in by_source:
            by_source[source_id].append(json.loads(text))
    return [(source, by_source[source.id]) for source in sources]
