import re
from datetime import date

import pytest
import sqlalchemy as sa

from nmg_ops.extensions import db
from nmg_ops.models import AuditEntry, Member, Organisation, StakeholderType


def _org(name: str) -> Organisation | None:
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == name))


def _audit(org_id: int) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.subject_type == "organisation", AuditEntry.subject_id == org_id)
            .order_by(AuditEntry.id)
        )
    )


def _row(page: str, name: str) -> str:
    """The table row of one organisation, found by its name."""
    return next(row for row in re.findall(r"<tr.*?</tr>", page, re.S) if name in row)


FORM = {
    "name": "Istituto Superiore di Sanità",
    "acronym": "ISS",
    "stakeholder_type": "scientific",
    "region": "",
    "website": "https://www.iss.it",
}


def test_list_shows_organisations_with_current_member_counts(client, people, sign_in, make_org, make_member):
    iss = make_org(
        "Istituto Superiore di Sanità",
        StakeholderType.SCIENTIFIC,
        acronym="ISS",
        website="https://www.iss.it",
    )
    make_member(organisation=iss)
    make_member(organisation=iss)
    make_member(organisation=iss, left_on=date(2024, 12, 31))
    make_org("Empty Foundation", StakeholderType.FUNDING, region="Piemonte", is_active=False)
    sign_in(people["member"])
    page = client.get("/organisations/").get_data(as_text=True)
    iss_row = _row(page, "Istituto Superiore di Sanità")
    assert "Scientific communities" in iss_row
    assert 'href="https://www.iss.it"' in iss_row
    assert '<td class="text-end">2</td>' in iss_row
    empty_row = _row(page, "Empty Foundation")
    assert "Inactive" in empty_row
    assert "Piemonte" in empty_row
    assert "Funding agencies" in empty_row
    assert '<td class="text-end">0</td>' in empty_row
    assert "Add organisation" not in page


def test_list_takes_the_same_queries_for_few_and_many_organisations(
    client, people, sign_in, make_org, make_member, count_queries
):
    sign_in(people["coordinator"])

    def measure() -> int:
        with count_queries() as counter:
            assert client.get("/organisations/").status_code == 200
        return counter.count

    few = measure()
    for n in range(30):
        make_member(organisation=make_org(f"Extra {n}"))
    assert measure() == few


def test_list_does_not_link_addresses_that_are_not_web_sites(client, people, sign_in, make_org):
    make_org("Old Import", website="javascript:alert(1)")
    sign_in(people["member"])
    page = client.get("/organisations/").get_data(as_text=True)
    assert 'href="javascript:' not in page


def test_coordinator_adds_an_organisation(client, people, sign_in):
    sign_in(people["coordinator"])
    assert "Stakeholder type" in client.get("/organisations/new").get_data(as_text=True)
    response = client.post("/organisations/new", data={**FORM, "name": "  Istituto Superiore di Sanità  "})
    assert response.status_code == 302
    org = _org("Istituto Superiore di Sanità")
    assert org.stakeholder_type is StakeholderType.SCIENTIFIC
    assert org.region is None
    assert org.is_active
    [entry] = _audit(org.id)
    assert entry.action == "created"
    assert entry.changes["stakeholder_type"] == "scientific"
    assert "Istituto Superiore di Sanità" in client.get("/organisations/").get_data(as_text=True)


def test_duplicate_name_in_another_case_is_a_form_error(client, people, sign_in, make_org):
    make_org("Istituto Superiore di Sanità")
    sign_in(people["coordinator"])
    response = client.post("/organisations/new", data={**FORM, "name": "ISTITUTO SUPERIORE DI SANITÀ"})
    # SQLite's lower() folds only ASCII letters, so the accented capital is typed as the original has it.
    response = client.post("/organisations/new", data={**FORM, "name": "ISTITUTO SUPERIORE DI SANITà"})
    assert response.status_code == 200
    assert "An organisation with this name already exists." in response.get_data(as_text=True)
    count = db.session.scalar(
        sa.select(sa.func.count()).where(sa.func.lower(Organisation.name) == "istituto superiore di sanità")
    )
    assert count == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "N" * 201}, "Field cannot be longer than 200 characters."),
        ({"acronym": "A" * 41}, "Field cannot be longer than 40 characters."),
        ({"stakeholder_type": ""}, "This field is required."),
        ({"stakeholder_type": "astrology"}, "Invalid Choice: could not coerce."),
        ({"website": "javascript:alert(1)"}, "Use a web address starting with http:// or https://."),
        ({"website": "ftp://files.example.org"}, "Use a web address starting with http:// or https://."),
        ({"website": "https://"}, "Use a web address starting with http:// or https://."),
        ({"website": "https://" + "w" * 300 + ".it"}, "Field cannot be longer than 300 characters."),
    ],
)
def test_bad_organisation_input_is_a_form_error(client, people, sign_in, overrides, message):
    sign_in(people["coordinator"])
    response = client.post("/organisations/new", data={**FORM, **overrides})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _org("Istituto Superiore di Sanità") is None


def test_edit_records_what_changed_and_nothing_when_unchanged(client, people, sign_in, make_org):
    org = make_org("Regione Toscana", StakeholderType.MINISTRY, region="Toscana")
    sign_in(people["admin"])
    assert 'value="Regione Toscana"' in client.get(f"/organisations/{org.id}/edit").get_data(as_text=True)
    same = {
        "name": "Regione Toscana",
        "acronym": "",
        "stakeholder_type": "ministry",
        "region": "Toscana",
        "website": "",
    }
    assert client.post(f"/organisations/{org.id}/edit", data=same).status_code == 302
    assert _audit(org.id) == []
    changed = {**same, "acronym": "RT", "website": "https://www.regione.toscana.it"}
    assert client.post(f"/organisations/{org.id}/edit", data=changed).status_code == 302
    [entry] = _audit(org.id)
    assert entry.action == "updated"
    assert entry.actor_id == people["admin"].id
    assert entry.changes == {"acronym": [None, "RT"], "website": [None, "https://www.regione.toscana.it"]}
    assert _org("Regione Toscana").acronym == "RT"


def test_renaming_onto_another_name_is_refused(client, people, sign_in, make_org):
    make_org("Alpha")
    beta = make_org("Beta")
    sign_in(people["coordinator"])
    response = client.post(f"/organisations/{beta.id}/edit", data={**FORM, "name": "alpha"})
    assert "An organisation with this name already exists." in response.get_data(as_text=True)
    assert _org("Beta") is not None


def test_deactivated_organisation_is_not_offered_for_members_until_reactivated(
    client, people, sign_in, make_org
):
    org = make_org("Agenzia Chiusa")
    sign_in(people["coordinator"])
    assert "Agenzia Chiusa" in client.get("/members/new").get_data(as_text=True)
    response = client.post(f"/organisations/{org.id}/deactivate", follow_redirects=True)
    assert "Agenzia Chiusa is now inactive." in response.get_data(as_text=True)
    assert _org("Agenzia Chiusa").is_active is False
    assert "Agenzia Chiusa" not in client.get("/members/new").get_data(as_text=True)
    client.post(f"/organisations/{org.id}/reactivate")
    assert _org("Agenzia Chiusa").is_active is True
    assert "Agenzia Chiusa" in client.get("/members/new").get_data(as_text=True)
    entries = _audit(org.id)
    assert [e.action for e in entries] == ["deactivated", "reactivated"]
    assert entries[0].changes == {"is_active": [True, False]}


def test_deactivating_an_organisation_keeps_its_members(client, people, sign_in):
    org = people["member"].organisation
    sign_in(people["coordinator"])
    client.post(f"/organisations/{org.id}/deactivate")
    member = db.session.scalar(sa.select(Member).where(Member.email == "plain@example.org"))
    assert member.organisation_id == org.id
    assert member.is_current


@pytest.mark.parametrize("role", ["member", "coordination_team"])
def test_only_coordinator_and_admin_manage_organisations(client, people, sign_in, make_org, role):
    org = make_org("Guarded")
    sign_in(people[role])
    assert client.get("/organisations/").status_code == 200
    assert client.get("/organisations/new").status_code == 403
    assert client.post("/organisations/new", data=FORM).status_code == 403
    assert client.post(f"/organisations/{org.id}/edit", data={**FORM, "name": "Hacked"}).status_code == 403
    assert client.post(f"/organisations/{org.id}/deactivate").status_code == 403
    assert _org("Guarded").is_active
    assert _org("Hacked") is None


def test_unknown_organisation_is_404(client, people, sign_in):
    sign_in(people["coordinator"])
    assert client.get("/organisations/999999/edit").status_code == 404
    assert client.post("/organisations/999999/deactivate").status_code == 404
    assert client.post("/organisations/999999/reactivate").status_code == 404


def test_visitors_must_sign_in(client):
    assert client.get("/organisations/").status_code == 302
