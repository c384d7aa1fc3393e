"""Documents: uploading versions, what the content check refuses, approval, the permanent link, who reads
what, the download headers, and the S3 store against a real S3-compatible server."""

from __future__ import annotations

import io
import time
import tracemalloc
from datetime import timedelta

import boto3
import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.documents import library
from nmg_ops.documents.content import DOCX, ODT, PDF, XLSX, identify, safe_filename
from nmg_ops.documents.storage import S3Store, StoreError
from nmg_ops.errors import RuleError
from nmg_ops.extensions import db
from nmg_ops.models import (
    AuditEntry,
    Document,
    DocumentKind,
    DocumentVersion,
    DocumentVisibility,
    Meeting,
    MeetingStatus,
    VersionStatus,
)
from tests.fixtures.documents import docx_bytes, odt_bytes, pdf_bytes, xlsx_bytes, zip_bomb

HTML_PAGE = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _upload(client, data: bytes, filename: str, **fields):
    form = {"title": "Terms of reference", "kind": "terms_of_reference", "visibility": "members", **fields}
    form["file"] = (io.BytesIO(data), filename)
    return client.post("/documents/new", data=form, content_type="multipart/form-data")


def _document(
    title="Work plan 2027", kind=DocumentKind.WORK_PLAN, visibility=DocumentVisibility.MEMBERS, by=None
):
    document = library.create_document(
        library.NewDocument(title, kind, visibility), pdf_bytes(), "plan.pdf", "first draft", by
    )
    db.session.commit()
    return document


# --- the content check ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "expected"), [(pdf_bytes, PDF), (docx_bytes, DOCX), (xlsx_bytes, XLSX), (odt_bytes, ODT)]
)
def test_each_accepted_kind_of_file_is_recognised_by_its_content(make, expected):
    assert identify(make()).content_type == expected


@pytest.mark.parametrize(
    "data",
    [
        HTML_PAGE,
        b"%PDF-1.7 but no end",
        b"PK\x03\x04 a broken zip",
        b"",
        b"MZ\x90\x00 a program",
    ],
)
def test_anything_else_is_refused_whatever_its_name(data):
    with pytest.raises(RuleError) as refused:
        identify(data)
    assert refused.value.field == "file"


def test_a_zip_that_is_no_office_document_is_refused():
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(out, "w") as package:
        package.writestr("index.html", HTML_PAGE)
    with pytest.raises(RuleError):
        identify(out.getvalue())


@pytest.mark.parametrize(
    ("name", "declared"),
    [
        ("mimetype", len(ODT)),  # an OpenDocument whose mimetype claims 39 bytes and unpacks to 2 GiB
        ("mimetype", None),  # the same, declaring its true size
        ("word/document.xml", None),  # any other part declaring 2 GiB
    ],
)
def test_a_zip_that_unpacks_to_gigabytes_is_refused_at_once_and_says_why(name, declared):
    bomb = zip_bomb(name, 2048, declared)
    assert len(bomb) < 3_000_000
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(RuleError) as refused:
            identify(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 0.5
    assert peak < 1_000_000
    assert refused.value.field == "file"
    assert "far larger than it is or than it declares" in str(refused.value)


def test_an_uploaded_zip_bomb_is_refused_with_its_reason_on_the_form(client, people, sign_in, app):
    sign_in(people["coordination_team"])
    response = _upload(client, zip_bomb("mimetype", 256, len(ODT)), "plan.odt")
    assert response.status_code == 400
    assert "It may be damaged, or made to overload the server." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0


@pytest.mark.parametrize(
    ("uploaded", "stored"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\boot.ini.pdf", "boot.ini.pdf"),
        ("Piano\x00 di\nlavoro\u202e.pdf", "Piano di lavoro.pdf"),
        ("report.html", "report.pdf"),
        ("...", "document.pdf"),
        ("a<b>:c|d?.pdf", "a_b_c_d_.pdf"),
    ],
)
def test_uploaded_names_lose_folders_control_characters_and_a_wrong_extension(uploaded, stored):
    assert safe_filename(uploaded, identify(pdf_bytes())) == stored


# --- uploading -------------------------------------------------------------------------------------------


def test_the_team_uploads_a_document_whose_first_version_is_a_draft(client, people, sign_in, app):
    sign_in(people["coordination_team"])
    data = pdf_bytes()
    response = _upload(client, data, "../ToR\x07 2026.pdf", note="As discussed at the kick-off")
    assert response.status_code == 302
    document = db.session.scalar(sa.select(Document))
    [version] = document.versions
    assert (version.number, version.status, version.filename) == (1, VersionStatus.DRAFT, "ToR 2026.pdf")
    assert (version.size, version.content_type, version.note) == (
        len(data),
        PDF,
        "As discussed at the kick-off",
    )
    assert version.uploaded_by_id == people["coordination_team"].id
    assert library.read(version) == data
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "As discussed at the kick-off" in page and "Teresa Team" in page and "Draft" in page
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.subject_type == "document"))
    assert sorted(actions) == ["created", "uploaded"]


def test_a_page_renamed_x_pdf_is_refused_with_a_form_error_and_nothing_kept(
    client, people, sign_in, app, tmp_path
):
    sign_in(people["coordination_team"])
    response = _upload(client, HTML_PAGE, "x.pdf")
    assert response.status_code == 400
    assert "This file is not a PDF, Word (.docx), Excel (.xlsx)" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0
    assert not any(p.is_file() for p in (tmp_path / "documents").rglob("*"))


def test_an_oversize_file_is_refused_with_a_form_error(client, people, sign_in, app):
    app.config["DOCUMENT_MAX_BYTES"] = 2048
    sign_in(people["coordination_team"])
    just_over = pdf_bytes() + b"\n" * 2048
    response = _upload(client, just_over, "big.pdf")
    assert response.status_code == 400
    assert "larger than" in response.get_data(as_text=True)
    # Far beyond the limit, the request itself is refused before it is read, with the same form error.
    response = _upload(client, b"%PDF-" + b"0" * 200_000, "huge.pdf")
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0


def test_a_document_larger_than_other_uploads_may_be_is_accepted(client, people, sign_in, app):
    """The documents' limit, not the site-wide MAX_CONTENT_LENGTH, applies to a document."""
    app.config["MAX_CONTENT_LENGTH"] = 2048
    sign_in(people["coordination_team"])
    response = _upload(client, pdf_bytes(pages=30), "plan.pdf")
    assert response.status_code == 302


def test_new_versions_are_numbered_in_order(app, people):
    document = _document(by=people["coordination_team"])
    second = library.add_version(document, docx_bytes(), "plan v2.docx", "comments of WP3", people["admin"])
    db.session.commit()
    assert [(v.number, v.content_type) for v in document.versions] == [(1, PDF), (2, DOCX)]
    assert second.filename == "plan v2.docx"


# --- approval and the permanent link --------------------------------------------------------------------


def test_approving_a_version_supersedes_the_one_approved_before(app, people, make_meeting):
    coordinator = people["coordinator"]
    held = make_meeting(starts_at=clock.now() - timedelta(days=3), status=MeetingStatus.HELD)
    document = _document()
    library.approve(document.versions[0], coordinator, note="Approved by e-mail")
    second = library.add_version(document, pdf_bytes(2), "plan.pdf", "after the plenary", coordinator)
    library.approve(second, coordinator, meeting=held)
    db.session.commit()
    first, second = document.versions
    assert (first.status, second.status) == (VersionStatus.SUPERSEDED, VersionStatus.APPROVED)
    assert second.approved_meeting_id == held.id and second.approved_by_id == coordinator.id
    assert first.approval_note == "Approved by e-mail"
    assert library.current_approved(DocumentKind.WORK_PLAN) == second


def test_an_approval_names_a_held_meeting_or_carries_a_note(app, people, make_meeting):
    document = _document()
    version = document.versions[0]
    with pytest.raises(library.DocumentError, match="or write a note"):
        library.approve(version, people["coordinator"])
    upcoming = make_meeting(status=MeetingStatus.CONFIRMED)
    with pytest.raises(library.DocumentError, match="has been held"):
        library.approve(version, people["coordinator"], meeting=upcoming)
    assert version.status is VersionStatus.DRAFT


def test_the_database_keeps_one_approved_version_per_document(app, people):
    document = _document()
    library.add_version(document, pdf_bytes(), "b.pdf", "", None)
    db.session.commit()
    for version in document.versions:
        version.status, version.approved_at = VersionStatus.APPROVED, clock.now()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_permanent_link_serves_the_version_approved_now(client, people, sign_in, app):
    document = _document(visibility=DocumentVisibility.PUBLIC)
    first_bytes = library.read(document.versions[0])
    assert client.get(f"/documents/{document.id}/current").status_code == 302  # nothing approved: sign in
    sign_in(people["coordinator"])
    response = client.get(f"/documents/{document.id}/current")
    assert response.status_code == 404
    assert "No version of this document has been approved yet" in response.get_data(as_text=True)
    response = client.post(
        f"/documents/{document.id}/versions/1/approve", data={"note": "Approved by the CT"}
    )
    assert response.status_code == 302
    assert client.get(f"/documents/{document.id}/current").data == first_bytes
    second = pdf_bytes(3)
    library.add_version(document, second, "plan.pdf", "", None)
    db.session.commit()
    assert client.get(f"/documents/{document.id}/current").data == first_bytes
    client.post(f"/documents/{document.id}/versions/2/approve", data={"note": "Approved again"})
    assert client.get(f"/documents/{document.id}/current").data == second
    assert client.get(f"/documents/{document.id}/versions/1").data == first_bytes


def test_the_coordinator_sees_documents_awaiting_approval_at_the_handover(client, people, sign_in, app):
    waiting = _document(title="NMG plan", kind=DocumentKind.NMG_PLAN)
    approved = _document(title="Terms of reference", kind=DocumentKind.TERMS_OF_REFERENCE)
    library.approve(approved.versions[0], people["coordinator"], note="ok")
    db.session.commit()
    assert library.documents_awaiting_approval() == [waiting]
    sign_in(people["coordinator"])
    page = client.get("/coordinators/handover").get_data(as_text=True)
    section = page.split('id="handover-documents"')[1].split("</section>")[0]
    assert "NMG plan" in section and "Terms of reference" not in section


# --- who reads what ---------------------------------------------------------------------------------------


@pytest.fixture
def library_of_three(app, people):
    """A team document, a members' document with an approved version and a newer draft, a public one."""
    coordinator = people["coordinator"]
    team = _document("Budget notes", visibility=DocumentVisibility.TEAM)
    members = _document("Work plan 2027", visibility=DocumentVisibility.MEMBERS)
    public = _document("Terms of reference", DocumentKind.TERMS_OF_REFERENCE, DocumentVisibility.PUBLIC)
    for document in (team, members, public):
        library.approve(document.versions[0], coordinator, note="ok")
    library.add_version(members, pdf_bytes(2), "plan.pdf", "draft for comments", coordinator)
    db.session.commit()
    return {"team": team.id, "members": members.id, "public": public.id}


@pytest.mark.parametrize(
    ("role", "readable", "drafts"),
    [
        ("public", {"public"}, False),
        ("member", {"public", "members"}, False),
        ("coordination_team", {"public", "members", "team"}, True),
        ("admin", {"public", "members", "team"}, True),
    ],
)
def test_each_reader_gets_what_the_documents_visibility_allows(
    client, people, sign_in, library_of_three, role, readable, drafts
):
    if people[role] is not None:
        sign_in(people[role])
        listed = client.get("/documents/").get_data(as_text=True)
        titles = {"team": "Budget notes", "members": "Work plan 2027", "public": "Terms of reference"}
        assert {key for key, title in titles.items() if title in listed} == readable
    for key, document_id in library_of_three.items():
        page = client.get(f"/documents/{document_id}")
        download = client.get(f"/documents/{document_id}/versions/1")
        current = client.get(f"/documents/{document_id}/current")
        if key in readable:
            assert (page.status_code, download.status_code, current.status_code) == (200, 200, 200)
        else:
            expected = 302 if role == "public" else 404
            assert (page.status_code, download.status_code, current.status_code) == (expected,) * 3
    draft = client.get(f"/documents/{library_of_three['members']}/versions/2")
    assert (draft.status_code == 200) is drafts


def test_a_visitor_is_sent_to_sign_in_for_a_members_document(client, library_of_three):
    response = client.get(f"/documents/{library_of_three['members']}")
    assert response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("suffix", ["", "/current", "/versions/1"])
def test_a_visitor_cannot_tell_a_hidden_document_from_one_that_does_not_exist(
    client, library_of_three, suffix
):
    missing = max(library_of_three.values()) + 1
    answers = []
    for document_id in (library_of_three["team"], library_of_three["members"], missing):
        response = client.get(f"/documents/{document_id}{suffix}")
        answers.append(
            (
                response.status_code,
                response.headers.get("Location", "").replace(f"documents%2F{document_id}", "documents%2FN"),
            )
        )
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 302


def test_changing_who_may_read_a_document_is_audited(client, people, sign_in, library_of_three):
    sign_in(people["coordination_team"])
    document_id = library_of_three["team"]
    response = client.post(f"/documents/{document_id}/visibility", data={"visibility": "public"})
    assert response.status_code == 302
    client.post("/sign-out")
    assert client.get(f"/documents/{document_id}/current").status_code == 200
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "updated"))
    assert entry.changes == {"visibility": ["team", "public"]}
    assert entry.actor_id == people["coordination_team"].id


def test_a_member_may_not_approve_and_the_team_may_not_either(client, people, sign_in, library_of_three):
    sign_in(people["coordination_team"])
    response = client.post(f"/documents/{library_of_three['members']}/versions/2/approve", data={"note": "x"})
    assert response.status_code == 403


# --- downloads -------------------------------------------------------------------------------------------


def test_downloads_carry_the_type_found_and_only_a_pdf_opens_in_the_browser(client, people, sign_in, app):
    document = _document(visibility=DocumentVisibility.PUBLIC)
    # A zip carries the time it was made: the bytes uploaded, kept once, are what must come back.
    uploaded = docx_bytes()
    library.add_version(document, uploaded, "Piano\x00 <lavoro>.docx", "", None)
    db.session.commit()
    sign_in(people["coordination_team"])
    pdf = client.get(f"/documents/{document.id}/versions/1")
    assert pdf.headers["Content-Type"] == PDF
    assert pdf.headers["Content-Disposition"].startswith("inline")
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    word = client.get(f"/documents/{document.id}/versions/2")
    assert word.headers["Content-Type"] == DOCX
    assert word.headers["Content-Disposition"] == 'attachment; filename="Piano _lavoro_.docx"'
    assert word.data == uploaded


# --- the S3 store ----------------------------------------------------------------------------------------


def _s3_client(server):
    return boto3.client(
        "s3",
        endpoint_url=server.endpoint_url,
        region_name=server.region,
        aws_access_key_id=server.access_key_id,
        aws_secret_access_key=server.secret_access_key,
    )


def test_the_s3_store_keeps_gives_back_and_deletes(app, s3_server, backend):
    client = _s3_client(s3_server)
    client.create_bucket(
        Bucket=f"nmg-round-{backend}", CreateBucketConfiguration={"LocationConstraint": s3_server.region}
    )
    store = S3Store(f"nmg-round-{backend}", client)
    data = pdf_bytes()
    store.put("documents/1/abc", data, PDF)
    assert store.get("documents/1/abc") == data
    assert client.head_object(Bucket=f"nmg-round-{backend}", Key="documents/1/abc")["ContentType"] == PDF
    store.delete("documents/1/abc")
    with pytest.raises(StoreError):
        store.get("documents/1/abc")


def test_documents_go_to_the_configured_bucket_and_come_back_from_it(
    client, people, sign_in, app, s3_server, tmp_path, backend
):
    _s3_client(s3_server).create_bucket(
        Bucket=f"nmg-docs-{backend}", CreateBucketConfiguration={"LocationConstraint": s3_server.region}
    )
    app.config.update(
        DOCUMENTS_S3_BUCKET=f"nmg-docs-{backend}",
        DOCUMENTS_S3_ENDPOINT_URL=s3_server.endpoint_url,
        DOCUMENTS_S3_REGION=s3_server.region,
        DOCUMENTS_S3_ACCESS_KEY_ID=s3_server.access_key_id,
        DOCUMENTS_S3_SECRET_ACCESS_KEY=s3_server.secret_access_key,
    )
    app.extensions.pop("nmg_document_store", None)
    sign_in(people["coordination_team"])
    data = xlsx_bytes()
    assert _upload(client, data, "budget.xlsx", kind="report").status_code == 302
    version = db.session.scalar(sa.select(DocumentVersion))
    bucket = _s3_client(s3_server).get_object(Bucket=f"nmg-docs-{backend}", Key=version.storage_key)
    stored = bucket["Body"].read()
    assert stored == data
    assert client.get(f"/documents/{version.document_id}/versions/1").data == data
    assert not (tmp_path / "documents").exists()


# --- the demo --------------------------------------------------------------------------------------------


def test_the_demo_has_approved_terms_of_reference_a_draft_plan_and_a_work_plan_in_two_versions(
    demo_loaded, client
):
    terms = library.current_approved(DocumentKind.TERMS_OF_REFERENCE)
    kick_off = db.session.scalar(sa.select(Meeting).order_by(Meeting.starts_at))
    assert terms is not None and terms.approved_meeting_id == kick_off.id
    assert library.current_approved(DocumentKind.NMG_PLAN) is None
    work_plan = db.session.scalar(sa.select(Document).where(Document.kind == DocumentKind.WORK_PLAN))
    assert [v.status for v in work_plan.versions] == [VersionStatus.APPROVED, VersionStatus.DRAFT]
    # Anyone reads the approved terms of reference through the permanent link: a real PDF.
    response = client.get(f"/documents/{terms.document_id}/current")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
