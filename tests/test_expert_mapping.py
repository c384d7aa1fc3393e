"""The B1MG expert mapping file: planning, applying, exporting, and the web and command-line front ends."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.members.mapping import applying, reading
from nmg_ops.members.mapping.applying import apply_import
from nmg_ops.members.mapping.export import export_csv
from nmg_ops.members.mapping.plan import ImportCounts, Outcome
from nmg_ops.members.mapping.planning import plan_import
from nmg_ops.members.mapping.reading import MappingFileError
from nmg_ops.models import (
    AuditEntry,
    Gender,
    Member,
    MemberRole,
    Organisation,
    StakeholderType,
    WorkingGroup,
    member_working_group,
)

HEADER = "Working group,Role,Stakeholder type,Institution,Name,Position,Gender,Region,Contact"
MINISTRY = "Ministry/Agency/Executive/Policy Maker"


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


GOOD_FILE = csv_text(
    "WP4; wp9 ,expert,Research/University,iss,Anna Rossi,Researcher,F,Lombardia,Anna.Rossi@ISS.it",
    "WP9,Expert,patient,Associazione Pazienti,Marco Verdi,,M,,marco@pazienti.org",
    ",national contact point,Funding Agencies,Fondazione Cariplo,Sara Neri,Officer,prefer not to say,,"
    "sara@cariplo.it",
)


@pytest.fixture
def registry(make_org, make_working_group):
    """What the good file refers to that is already registered."""
    make_working_group("WP4", "Data governance")
    return make_org("Istituto Superiore di Sanità", StakeholderType.RESEARCH, acronym="ISS")


def row_counts() -> dict[str, int]:
    db.session.commit()
    tables = {
        "member": Member.__table__,
        "organisation": Organisation.__table__,
        "working_group": WorkingGroup.__table__,
        "member_working_group": member_working_group,
        "audit": AuditEntry.__table__,
    }
    return {name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for name, t in tables.items()}


def member(email: str) -> Member:
    return db.session.scalar(sa.select(Member).where(Member.email == email))


def audit_entries() -> list[tuple[str, str, str]]:
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))
    return [(e.action, e.subject_type, e.subject_label) for e in entries]


def import_file(text: str) -> ImportCounts:
    plan = plan_import(text)
    assert plan.errors == []
    return apply_import(plan)


# --- planning and applying --------------------------------------------------------------------------------


def test_good_file_creates_members_organisations_and_working_groups(registry):
    plan = plan_import(GOOD_FILE)
    assert plan.errors == [] and plan.warnings == []
    assert [row.outcome for row in plan.rows] == [Outcome.NEW] * 3
    assert [org.name for org in plan.new_organisations] == ["Associazione Pazienti", "Fondazione Cariplo"]
    assert [group.code for group in plan.new_working_groups] == ["wp9"]
    before = row_counts()

    counts = apply_import(plan)

    assert (counts.new, counts.updated, counts.unchanged) == (3, 0, 0)
    anna = member("anna.rossi@iss.it")
    assert anna.organisation_id == registry.id
    assert (anna.full_name, anna.position, anna.gender, anna.region) == (
        "Anna Rossi",
        "Researcher",
        Gender.FEMALE,
        "Lombardia",
    )
    assert [group.code for group in anna.working_groups] == ["WP4", "wp9"]
    marco = member("marco@pazienti.org")
    assert marco.organisation.stakeholder_type is StakeholderType.PATIENT
    assert marco.organisation.region is None
    assert (marco.position, marco.gender, marco.role) == (None, Gender.MALE, MemberRole.EXPERT)
    assert [group.code for group in marco.working_groups] == ["wp9"]
    sara = member("sara@cariplo.it")
    assert (sara.role, sara.gender, sara.working_groups) == (
        MemberRole.NATIONAL_CONTACT_POINT,
        Gender.UNDISCLOSED,
        [],
    )
    after = row_counts()
    assert after["member"] - before["member"] == 3
    assert after["organisation"] - before["organisation"] == 2
    assert after["working_group"] - before["working_group"] == 1
    assert sorted(audit_entries()) == sorted(
        [
            ("created", "organisation", "Associazione Pazienti"),
            ("created", "organisation", "Fondazione Cariplo"),
            ("created", "working_group", "wp9"),
            ("created", "member", "Anna Rossi"),
            ("created", "member", "Marco Verdi"),
            ("created", "member", "Sara Neri"),
        ]
    )
    created = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.subject_label == "Anna Rossi"))
    assert created.actor_id is None
    assert created.changes["email"] == [None, "anna.rossi@iss.it"]
    assert created.changes["working_groups"] == [None, ["WP4", "wp9"]]


def test_reimporting_the_same_file_changes_nothing(registry):
    import_file(GOOD_FILE)
    before = row_counts()

    plan = plan_import(GOOD_FILE)
    assert [row.outcome for row in plan.rows] == [Outcome.UNCHANGED] * 3
    assert plan.new_organisations == [] and plan.new_working_groups == []
    assert not plan.changes_anything
    counts = apply_import(plan)

    assert (counts.new, counts.updated, counts.unchanged) == (0, 0, 3)
    assert row_counts() == before


def test_update_names_the_changed_fields_and_replaces_the_working_groups(
    people, make_org, make_member, make_working_group
):
    org = make_org("Ministero della Salute", acronym="MdS")
    wp1, wp2 = make_working_group("WP1"), make_working_group("WP2")
    make_working_group("WP5")
    make_member(
        email="giulia@salute.gov.it",
        full_name="Giulia Bianchi",
        organisation=org,
        position="Officer",
        region="Lazio",
        working_groups=[wp1, wp2],
    )
    text = csv_text(f"WP5,expert,{MINISTRY},MdS,Giulia Bianchi,Director,,Lazio,GIULIA@salute.gov.it")

    plan = plan_import(text)

    (row,) = plan.rows
    assert row.outcome is Outcome.UPDATED
    assert row.changes == {"position": ["Officer", "Director"], "working_groups": [["WP1", "WP2"], ["WP5"]]}
    apply_import(plan)
    giulia = member("giulia@salute.gov.it")
    assert giulia.position == "Director"
    assert [group.code for group in giulia.working_groups] == ["WP5"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "updated"))
    assert (entry.subject_id, entry.changes) == (giulia.id, row.changes)
    # Members missing from the file stay in the group.
    assert all(m.is_current for m in db.session.scalars(sa.select(Member)))


def test_columns_left_out_of_the_file_keep_what_is_stored(make_org, make_member, make_working_group):
    org = make_org("Regione Lazio")
    group = make_working_group("WP1")
    make_member(
        email="luca@regione.lazio.it",
        full_name="Luca Neri",
        organisation=org,
        position="Officer",
        gender=Gender.MALE,
        region="Lazio",
        working_groups=[group],
    )
    text = csv_text(
        f"{MINISTRY},Regione Lazio,Luca Neri,luca@regione.lazio.it",
        header="Stakeholder type,Institution,Name,Contact",
    )

    plan = plan_import(text)

    assert [row.outcome for row in plan.rows] == [Outcome.UNCHANGED]


def test_export_then_import_changes_nothing(people, make_org, make_member, make_working_group):
    group, other = make_working_group("WP4"), make_working_group("WP6")
    org = make_org("Università di Bologna", StakeholderType.RESEARCH, acronym="UNIBO")
    make_member(
        email="zeta@unibo.it",
        full_name="Zeta, Anna",
        organisation=org,
        position='Professor of "Medical" Informatics, Department of Medicine; Bologna',
        gender=Gender.NON_BINARY,
        region="Emilia-Romagna",
        role=MemberRole.SCIENTIFIC_COORDINATOR,
        working_groups=[group, other],
    )
    make_member(email="left@unibo.it", organisation=org, left_on=people["member"].joined_on)
    before = row_counts()

    text = export_csv()
    plan = plan_import(text)

    assert plan.errors == [] and plan.warnings == []
    assert len(plan.rows) == 5  # the four people and the professor; not the member who left
    assert {row.outcome for row in plan.rows} == {Outcome.UNCHANGED}
    apply_import(plan)
    assert row_counts() == before


def test_export_lists_current_members_by_institution_then_name(people, make_org, make_member):
    people["coordinator"].organisation.name = "B Agency"
    make_member(email="b@b.it", full_name="bruno", organisation=people["coordinator"].organisation)
    make_member(email="a@a.it", full_name="Zoe", organisation=make_org("a institute"))
    db.session.commit()

    text = export_csv()

    assert text.startswith("\ufeff" + HEADER + "\r\n")
    lines = text.removeprefix("\ufeff").splitlines()
    assert [line.split(",")[4] for line in lines[1:4]] == ["Zoe", "bruno", "Carla Coordinator"]
    coordinator_line = next(line for line in lines if "coordinator@example.org" in line)
    assert coordinator_line.split(",")[1] == "coordinator"
    admin_line = next(line for line in lines if "admin@example.org" in line)
    assert admin_line.split(",")[1] == "secretariat"


def test_export_defuses_formulas_and_the_round_trip_keeps_the_values(make_org, make_member):
    make_member(
        email="formula@example.org",
        full_name='=HYPERLINK("http://evil.example","click")',
        organisation=make_org("@Home Institute"),
        position="+39 06 1234",
        region="-",
    )
    before = row_counts()

    text = export_csv()

    assert "'=HYPERLINK(" in text and "'@Home Institute" in text and "'+39 06 1234" in text and ",'-," in text
    plan = plan_import(text)
    assert [row.outcome for row in plan.rows] == [Outcome.UNCHANGED]
    apply_import(plan)
    assert row_counts() == before


def test_the_import_strips_only_the_guarding_apostrophe(make_org):
    text = csv_text(f",expert,{MINISTRY},'s-Hertogenbosch Hospital,Eve O'Hara,'=1+1,,'Lazio,eve@example.org")

    (row,) = plan_import(text).rows

    assert (row.organisation.name, row.full_name, row.position, row.region) == (
        "'s-Hertogenbosch Hospital",
        "Eve O'Hara",
        "=1+1",
        "'Lazio",
    )


def test_each_invalid_row_is_named_with_its_line_and_reason(make_org):
    make_org("Agenzia Italiana del Farmaco", acronym="AIFA")
    long_position = "x" * 201
    text = csv_text(
        f"WP1,expert,{MINISTRY},AIFA,Anna Rossi,,,,anna@example.org",  # 2: valid
        "WP1,expert,Pharma,AIFA,Bruno Bianchi,,,,bruno@example.org",  # 3
        f"WP1,expert,{MINISTRY},AIFA,Carla Verdi,,,,carla-at-example.org",  # 4
        f"WP1,expert,{MINISTRY},AIFA,,,,,dario@example.org",  # 5
        f"WP1,expert,{MINISTRY},AIFA,Anna Again,,,,ANNA@example.org",  # 6
        f"WP1,expert,{MINISTRY},AIFA,Elena Neri,{long_position},,,elena@example.org",  # 7
        "WP1,expert,Research/University,aifa,Fabio Gallo,,,,fabio@example.org",  # 8
        "WP1,expert,Industry/Private sector,NewCo,Gina Russo,,,,gina@example.org",  # 9: valid
        "WP1,expert,Research/University,newco,Ivo Costa,,,,ivo@example.org",  # 10
        f"Working group on the future,expert,{MINISTRY},AIFA,Luca Fontana,,,,luca@example.org",  # 11
        f"WP1,chair,{MINISTRY},AIFA,Mara Greco,,other,,mara@example.org",  # 12
        f"WP1,expert,{MINISTRY},AIFA,Nico Ferri,,,,nico@example.org,surplus",  # 13
    )

    plan = plan_import(text)

    messages = {}
    for line, message in plan.errors:
        messages.setdefault(line, []).append(message)
    assert (
        "Unknown stakeholder type “Pharma”; use one of: "
        + ", ".join(kind.b1mg_name for kind in StakeholderType)
        in messages[3][0]
    )
    assert messages[4] == ["“carla-at-example.org” is not a valid e-mail address."]
    assert messages[5] == ["Name is missing."]
    assert messages[6] == ["The e-mail anna@example.org is already on line 2."]
    assert messages[7] == ["Position is longer than 200 characters."]
    assert messages[8] == [f"aifa is registered as {MINISTRY}; the row says Research/University."]
    assert messages[10] == [
        "newco is given as Industry/Private sector on line 9; the row says Research/University."
    ]
    assert "“Working group on the future” is not registered" in messages[11][0]
    assert messages[12][0].startswith("Unknown role “chair”; use coordinator or expert")
    assert messages[12][1].startswith("Unknown gender “other”")
    assert "The row has 10 cells but the header has 9" in messages[13][0]
    assert sorted(messages) == [3, 4, 5, 6, 7, 8, 10, 11, 12, 13]
    assert plan.invalid_row_count == 10
    assert [row.line for row in plan.rows] == [2, 9]
    # Only the valid rows' needs are created: WP1 for both, NewCo for line 9.
    assert [org.name for org in plan.new_organisations] == ["NewCo"]
    assert [group.code for group in plan.new_working_groups] == ["WP1"]


def test_a_row_for_someone_who_left_asks_to_reactivate_first(make_member):
    make_member(email="gone@example.org", full_name="Gone Member", left_on=clock.today())
    text = csv_text(f",expert,{MINISTRY},Organisation 1,Gone Member,,,,gone@example.org")

    plan = plan_import(text)

    assert plan.errors == [
        (
            2,
            "Gone Member (gone@example.org) has left the group; "
            "reactivate the member before importing this row.",
        )
    ]


def test_the_file_cannot_hand_out_coordinator_rights(people):
    text = csv_text(
        f",coordinator,{MINISTRY},{people['coordinator'].organisation.name},Carla Coordinator,,,,"
        "coordinator@example.org",
        f",Coordinator,{MINISTRY},{people['admin'].organisation.name},Ada Admin,,,,admin@example.org",
        f",coordinator,{MINISTRY},Ministero,Nuovo Arrivo,,,,nuovo@example.org",
    )

    plan = plan_import(text)

    assert [row.outcome for row in plan.rows] == [Outcome.UNCHANGED, Outcome.UNCHANGED, Outcome.NEW]
    assert plan.rows[1].role is MemberRole.SECRETARIAT
    assert plan.rows[2].role is MemberRole.EXPERT
    assert [line for line, _message in plan.warnings] == [3, 4]
    assert "Ada Admin does not hold the current coordinator term" in plan.warnings[0][1]


def test_working_groups_match_by_code_or_name_ignoring_case(make_org, make_working_group):
    make_working_group("WP4", "Data governance")
    text = csv_text(
        f"data GOVERNANCE; wp4 ;;,expert,{MINISTRY},Organisation 1,Anna Rossi,,,,anna@example.org"
    )

    (row,) = plan_import(text).rows

    assert [group.code for group in row.working_groups] == ["WP4"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        ("\n ,,, \n", "The file is empty."),
        (
            "Working group;Role;Stakeholder type;Institution;Name\nWP1;expert;ELSI;X;Y\n",
            "The required column “Contact” is missing from the header (line 1).",
        ),
        (
            "Name,Contact\nA,a@example.org\n",
            "The required columns “Stakeholder type”, “Institution” are missing",
        ),
        (HEADER + ",Name\n", "The column “Name” appears twice in the header."),
        ("PK\x03\x04\x00\x00binary", "This is not a CSV file."),
    ],
)
def test_file_level_errors(app, text, message):
    with pytest.raises(MappingFileError) as raised:
        plan_import(text)
    assert message in str(raised.value)


def test_more_rows_than_the_limit_is_refused(app, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    rows = [f",expert,ELSI,X,Person {n},,,,p{n}@example.org" for n in range(4)]
    with pytest.raises(MappingFileError, match="more than 3 rows"):
        plan_import(csv_text(*rows))
    assert len(plan_import(csv_text(*rows[:3])).rows) == 3


def test_a_file_over_the_size_limit_is_refused(app):
    app.config["MAX_CONTENT_LENGTH"] = 100
    with pytest.raises(MappingFileError, match="larger than"):
        reading.decode(b"x" * 101)


def test_unknown_columns_are_ignored_with_a_warning(app):
    text = csv_text(",expert,ELSI,X,Anna,,,,anna@example.org,call her", header=HEADER + ", Notes ")

    plan = plan_import(text)

    assert plan.warnings == [(1, "The column “Notes” is not part of the mapping file and is ignored.")]
    assert len(plan.rows) == 1 and plan.errors == []


def test_excel_files_semicolons_windows_encoding_and_header_spelling(app):
    text = (
        "  working GROUP ;ROLE;Stakeholder Type;institution;NAME;Position;Gender;Region;Contact\r\n"
        "WP1;expert;Research/University;Università di Padova;Niccolò Rossi;Ricercatore, senior;M;Veneto;"
        "niccolo@unipd.it\r\n"
    )

    plan = plan_import(reading.decode(text.encode("cp1252")))

    (row,) = plan.rows
    assert (row.organisation.name, row.full_name, row.position) == (
        "Università di Padova",
        "Niccolò Rossi",
        "Ricercatore, senior",
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "latin-1"])
def test_encodings(app, encoding):
    text = csv_text(",expert,ELSI,Città della Scienza,Zoë Müller,,,,zoe@example.org")

    (row,) = plan_import(reading.decode(text.encode(encoding))).rows

    assert (row.organisation.name, row.full_name) == ("Città della Scienza", "Zoë Müller")


def test_line_numbers_are_physical_lines(app):
    text = csv_text(
        "",
        ',expert,ELSI,X,Anna,"Line one',
        'line two",,,anna@example.org',
        ",,,,,,,,",
        ",expert,Nonsense,X,Bruno,,,,bruno@example.org",
    )

    plan = plan_import(text)

    # The record on lines 3-4 is refused (a position is one line, as in the form), and named by its first
    # physical line; the record after it is on line 6, not 5.
    assert plan.rows == []
    assert [line for line, _message in plan.errors] == [3, 6]


def test_planning_loads_the_registry_once_whatever_the_size_of_the_file(app, count_queries):
    def file_of(n: int) -> str:
        return csv_text(
            *(f"WP1;WP{i},expert,ELSI,Org {i % 3},Person {i},,,,p{i}@example.org" for i in range(n))
        )

    queries = []
    for n in (2, 40):
        import_file(file_of(n))  # so that every row names a member with working groups to compare
        with count_queries() as counter:
            plan = plan_import(file_of(n))
        assert {row.outcome for row in plan.rows} == {Outcome.UNCHANGED}
        queries.append(counter.count)
    assert queries[0] == queries[1]


def test_a_failure_half_way_writes_nothing(registry, monkeypatch):
    before = row_counts()
    original = applying._write_member
    calls = []

    def failing(row, organisation, groups):
        calls.append(row.line)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(row, organisation, groups)

    monkeypatch.setattr(applying, "_write_member", failing)
    plan = plan_import(GOOD_FILE)

    with pytest.raises(RuntimeError, match="disk full"):
        apply_import(plan)

    assert calls == [2, 3]
    assert row_counts() == before


# --- the web ----------------------------------------------------------------------------------------------


def upload(client, text: str | bytes, filename: str = "mapping.csv"):
    from io import BytesIO

    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        "/members/import", data={"file": (BytesIO(data), filename)}, content_type="multipart/form-data"
    )


def hidden_content(html: str) -> str:
    return re.search(r'name="content" type="hidden" value="([^"]+)"', html).group(1)


def test_web_preview_then_confirm(client, people, sign_in, registry):
    coordinator = sign_in(people["coordinator"])
    assert client.get("/members/import").status_code == 200
    text = GOOD_FILE + ",expert,Pharma,AIFA,Bruno Bianchi,,,,bruno@example.org\n"

    preview = upload(client, text)

    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    errors = re.search(r'<div class="alert alert-danger" id="import-errors".*?</div>', html, re.S).group(0)
    assert "Line 5: Unknown stakeholder type “Pharma”" in errors
    assert "Import 3 valid rows" in html
    assert "1 row with errors will be skipped." in html
    assert member("anna.rossi@iss.it") is None  # the preview writes nothing

    confirm = client.post("/members/import/confirm", data={"content": hidden_content(html)})

    assert confirm.status_code == 302
    assert confirm.headers["Location"] == "/members/"
    page = client.get("/members/").get_data(as_text=True)
    assert "Imported: 3 new, 0 updated, 0 unchanged." in page
    assert "1 row with errors was skipped." in page
    assert member("anna.rossi@iss.it") is not None
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.subject_label == "Anna Rossi"))
    assert entry.actor_id == coordinator.id


def test_web_confirm_plans_again_from_the_content(client, people, sign_in, registry):
    sign_in(people["coordinator"])
    content = hidden_content(upload(client, GOOD_FILE).get_data(as_text=True))
    import_file(GOOD_FILE)  # someone imported the same file in the meantime
    before = row_counts()

    client.post("/members/import/confirm", data={"content": content})

    assert "Imported: 0 new, 0 updated, 3 unchanged." in client.get("/members/").get_data(as_text=True)
    assert row_counts() == before


def test_web_confirm_with_a_damaged_preview_asks_to_upload_again(client, people, sign_in):
    sign_in(people["coordinator"])

    response = client.post("/members/import/confirm", data={"content": "not-what-the-preview-sent"})

    assert response.headers["Location"] == "/members/import"
    assert "Upload the file again." in client.get("/members/import").get_data(as_text=True)


def test_web_says_when_the_file_changes_nothing(client, people, sign_in):
    sign_in(people["coordinator"])

    html = upload(client, export_csv()).get_data(as_text=True)

    assert "importing it would change nothing" in html
    assert "confirm-import" not in html


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("mapping.csv", b"", "The file is empty."),
        ("mapping.pdf", b"%PDF-1.7", "Upload a .csv or .txt file."),
        ("mapping.csv", b"PK\x03\x04\x00\x00", "This is not a CSV file."),
        ("mapping.csv", b"Name,Contact\nA,a@example.org\n", "are missing from the header"),
    ],
)
def test_web_refuses_files_it_cannot_read_on_the_form(client, people, sign_in, filename, data, message):
    sign_in(people["coordinator"])

    response = upload(client, data, filename)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_web_refuses_a_file_over_the_limit_on_the_form(client, people, sign_in, app):
    sign_in(people["coordinator"])
    app.config["MAX_CONTENT_LENGTH"] = 2048

    response = upload(client, b"x" * 4096)

    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "The file is larger than 2 KB." in html and 'type="file"' in html


def test_web_export_downloads_the_mapping_file(client, people, sign_in):
    sign_in(people["admin"])

    response = client.get("/members/export.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r"attachment; filename=expert-mapping-\d{4}-\d{2}-\d{2}\.csv", response.headers["Content-Disposition"]
    )
    assert response.data.startswith(b"\xef\xbb\xbf" + HEADER.encode())
    assert b"plain@example.org" in response.data


@pytest.mark.parametrize("role", ["member", "coordination_team"])
def test_only_the_coordinator_and_admins_import_and_export(client, people, sign_in, role):
    sign_in(people[role])
    assert client.get("/members/import").status_code == 403
    assert upload(client, GOOD_FILE).status_code == 403
    assert client.post("/members/import/confirm", data={"content": "x"}).status_code == 403
    assert client.get("/members/export.csv").status_code == 403
    assert "/members/import" not in client.get("/members/").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client, people):
    for response in (client.get("/members/import"), client.get("/members/export.csv")):
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


# --- the command line -------------------------------------------------------------------------------------


@pytest.fixture
def mapping_file(tmp_path: Path):
    def write(text: str, name: str = "mapping.csv") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_cli_import_and_reimport(runner, registry, mapping_file):
    path = mapping_file(GOOD_FILE)

    result = runner.invoke(args=["members", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(
        "Imported: 3 new, 0 updated, 0 unchanged; new organisations: 2, new working groups: 1."
    )
    assert member("sara@cariplo.it") is not None
    before = row_counts()
    again = runner.invoke(args=["members", "import", str(path)])
    assert "Imported: 0 new, 0 updated, 3 unchanged" in again.stdout
    assert row_counts() == before


def test_cli_dry_run_writes_nothing(runner, registry, mapping_file):
    before = row_counts()

    result = runner.invoke(args=["members", "import", str(mapping_file(GOOD_FILE)), "--dry-run"])

    assert result.exit_code == 0
    assert "Dry run, nothing written: 3 new, 0 updated, 0 unchanged" in result.stdout
    assert row_counts() == before


def test_cli_invalid_rows_stop_the_import_unless_skipped(runner, registry, mapping_file):
    path = mapping_file(GOOD_FILE + ",expert,Pharma,AIFA,Bruno Bianchi,,,,bruno@example.org\n")
    before = row_counts()

    result = runner.invoke(args=["members", "import", str(path)])

    assert result.exit_code == 1
    assert f"{path}:5: Unknown stakeholder type “Pharma”" in result.stderr
    assert "1 row has errors; nothing was imported." in result.stderr
    assert row_counts() == before

    skipped = runner.invoke(args=["members", "import", str(path), "--skip-invalid"])

    assert skipped.exit_code == 0
    assert f"{path}:5: Unknown stakeholder type" in skipped.stderr
    assert "Imported: 3 new" in skipped.stdout and "1 row with errors was skipped." in skipped.stdout
    assert row_counts()["member"] == before["member"] + 3


def test_cli_file_level_errors(runner, app, mapping_file, tmp_path):
    missing_column = runner.invoke(args=["members", "import", str(mapping_file("Name,Role\nA,expert\n"))])
    assert missing_column.exit_code == 1
    assert "The required columns “Stakeholder type”, “Institution”, “Contact”" in missing_column.stderr

    unreadable = runner.invoke(args=["members", "import", str(tmp_path / "nowhere.csv")])
    assert unreadable.exit_code == 1
    assert "Cannot read" in unreadable.stderr and "nowhere.csv" in unreadable.stderr


def test_cli_export_to_a_file_and_to_standard_output(runner, people, tmp_path):
    path = tmp_path / "export.csv"

    to_file = runner.invoke(args=["members", "export", str(path)])
    to_stdout = runner.invoke(args=["members", "export"])

    assert to_file.exit_code == 0 and to_stdout.exit_code == 0
    assert path.read_bytes() == to_stdout.stdout_bytes
    assert to_stdout.stdout_bytes.startswith(b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n")
    reimport = runner.invoke(args=["members", "import", str(path)])
    assert "0 new, 0 updated, 4 unchanged" in reimport.stdout
