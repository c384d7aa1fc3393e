"""Materials of agenda items and the meeting pack: the team adds documents of the library and links to an
item; invitees find them under the item and, bound in one PDF with the agenda, in the meeting pack; each
reader gets only what they may read."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from nmg_ops import clock
from nmg_ops.documents import library
from nmg_ops.extensions import db
from nmg_ops.models import AgendaItem, AgendaMaterial, DocumentKind, DocumentVisibility, MeetingStatus
from tests.fixtures.documents import docx_bytes, pdf_bytes
from tests.fixtures.factories import PASSWORD


def _document(title: str, visibility: DocumentVisibility, data: bytes, filename: str, coordinator):
    document = library.create_document(
        library.NewDocument(title, DocumentKind.WORK_PLAN, visibility), data, filename, "", coordinator
    )
    db.session.flush()
    library.approve(document.versions[0], coordinator, note="Approved by e-mail")
    db.session.commit()
    return document


@pytest.fixture
def plenary(make_meeting, people):
    """A confirmed plenary next week with two agenda items; the member is invited."""
    meeting = make_meeting(
        "plenary",
        starts_at=clock.now() + timedelta(days=7),
        invitees=[people["member"]],
        status=MeetingStatus.CONFIRMED,
        title="Plenaria di dicembre",
    )
    for position, title in enumerate(["Piano di lavoro 2027", "Bandi THCS"], start=1):
        db.session.add(AgendaItem(meeting_id=meeting.id, position=position, title=title))
    db.session.commit()
    return meeting


@pytest.fixture
def library_documents(people):
    coordinator = people["coordinator"]
    return {
        "plan": _document(
            "Work plan 2027", DocumentVisibility.MEMBERS, pdf_bytes(3), "plan.pdf", coordinator
        ),
        "notes": _document("Team notes", DocumentVisibility.TEAM, pdf_bytes(2), "notes.pdf", coordinator),
        "budget": _document("Budget", DocumentVisibility.MEMBERS, docx_bytes(), "budget.docx", coordinator),
    }


def _as(app, member):
    """A browser of its own, signed in as `member`."""
    client = app.test_client()
    assert client.post("/sign-in", data={"email": member.email, "password": PASSWORD}).status_code == 302
    return client


def _add_all(client, plenary, docs) -> tuple[int, int]:
    first, second = (item.id for item in plenary.agenda_items)
    for document in (docs["plan"], docs["notes"], docs["budget"]):
        response = client.post(
            f"/documents/agenda-items/{first}/materials/document", data={"document_id": document.id}
        )
        assert response.status_code == 302
    link = {"url": "https://www.thcspartnership.eu/calls", "label": "THCS calls page"}
    assert client.post(f"/documents/agenda-items/{second}/materials/link", data=link).status_code == 302
    return first, second


def test_the_team_adds_materials_and_each_reader_sees_what_they_may_read(
    app, people, plenary, library_documents
):
    client = _as(app, people["coordination_team"])
    _add_all(client, plenary, library_documents)
    agenda = client.get(f"/meetings/{plenary.id}/agenda").get_data(as_text=True)
    assert "3 materials" in agenda and "1 material" in agenda
    team_page = client.get(f"/meetings/{plenary.id}").get_data(as_text=True)
    assert "Team notes" in team_page and "Work plan 2027" in team_page

    client = _as(app, people["member"])
    page = client.get(f"/meetings/{plenary.id}").get_data(as_text=True)
    assert "Work plan 2027" in page and "Budget" in page and "THCS calls page" in page
    assert "Team notes" not in page, "a document kept for the team stays with the team"
    assert 'href="https://www.thcspartnership.eu/calls"' in page
    assert f'href="/documents/meetings/{plenary.id}/pack.pdf"' in page


def test_the_pack_binds_the_pdfs_the_reader_may_read_after_the_agenda(
    app, people, plenary, library_documents
):
    client = _as(app, people["coordination_team"])
    _add_all(client, plenary, library_documents)
    team_pack = PdfReader(io.BytesIO(client.get(f"/documents/meetings/{plenary.id}/pack.pdf").data))

    client = _as(app, people["member"])
    response = client.get(f"/documents/meetings/{plenary.id}/pack.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pack = PdfReader(io.BytesIO(response.data))
    agenda_text = pack.pages[0].extract_text()
    assert "Piano di lavoro 2027" in agenda_text and "Bandi THCS" in agenda_text
    assert "bound in this pack" in agenda_text
    assert "https://www.thcspartnership.eu/calls" in agenda_text
    assert "Team notes" not in agenda_text
    agenda_pages = len(pack.pages) - 3
    assert agenda_pages >= 1, "the work plan's three pages follow the agenda; the Word file is listed only"
    assert len(team_pack.pages) == agenda_pages + 3 + 2, "the team's pack holds its own notes too"


def test_bad_materials_are_refused_with_a_message_and_nothing_is_added(
    app, people, plenary, library_documents
):
    client = _as(app, people["coordination_team"])
    item = plenary.agenda_items[0].id
    for link, message in (
        ({"url": "http://example.org/plain", "label": "Plain"}, "Give a link that starts with https://."),
        ({"url": "javascript:alert(1)", "label": "x"}, "Give a link that starts with https://."),
        ({"url": "https://example.org/a", "label": "two\nlines"}, "Use a single line."),
    ):
        response = client.post(f"/documents/agenda-items/{item}/materials/link", data=link)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    unknown = client.post(
        f"/documents/agenda-items/{item}/materials/document", data={"document_id": "999999"}
    )
    assert unknown.status_code == 400 and "Choose a document of the library." in unknown.get_data(
        as_text=True
    )
    plan = library_documents["plan"].id
    client.post(f"/documents/agenda-items/{item}/materials/document", data={"document_id": plan})
    again = client.post(f"/documents/agenda-items/{item}/materials/document", data={"document_id": plan})
    assert "already among the item" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgendaMaterial)) == 1


def test_members_cannot_change_materials_nor_read_packs_of_meetings_they_cannot_see(
    app, people, plenary, library_documents, make_member
):
    item = plenary.agenda_items[0].id
    client = _as(app, people["member"])
    post = {"document_id": library_documents["plan"].id}
    assert client.post(f"/documents/agenda-items/{item}/materials/document", data=post).status_code == 403
    outsider = make_member(email="outsider@example.org", full_name="Olga Outsider")
    db.session.commit()
    client = _as(app, outsider)
    assert client.get(f"/documents/meetings/{plenary.id}/pack.pdf").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgendaMaterial)) == 0


def test_a_material_taken_off_leaves_the_item_and_the_pack(app, people, plenary, library_documents):
    client = _as(app, people["coordination_team"])
    first, _second = _add_all(client, plenary, library_documents)
    material_id = db.session.scalar(
        sa.select(AgendaMaterial.id).where(AgendaMaterial.document_id == library_documents["plan"].id)
    )
    response = client.post(f"/documents/agenda-items/{first}/materials/{material_id}/remove")
    assert response.status_code == 302
    assert client.post(f"/documents/agenda-items/{first}/materials/{material_id}/remove").status_code == 404
    page = client.get(f"/documents/agenda-items/{first}/materials").get_data(as_text=True)
    assert "Work plan 2027" in page, "still offered in the library list"
    assert 'id="materials"' in page and page.count("Take off") == 2
