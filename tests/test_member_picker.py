"""Choosing a member by typing: an e-mail address or a name, with or without the search script."""

from __future__ import annotations

from nmg_ops.extensions import db
from nmg_ops.models import CoordinatorTerm


def _terms_of(member) -> int:
    return db.session.query(CoordinatorTerm).filter_by(member_id=member.id).count()


def test_the_coordinator_page_offers_a_search_field_not_a_select_of_every_member(
    client, people, sign_in, make_member
):
    for n in range(30):
        make_member(full_name=f"Crowd {n}")
    sign_in(people["coordinator"])
    page = client.get("/coordinators").get_data(as_text=True)
    assert "Crowd 7" not in page
    assert 'data-member-search="/members/search.json?scope=current"' in page
    assert "member_picker.js" in page


def test_a_term_is_planned_for_the_member_whose_e_mail_is_typed(client, people, sign_in, make_member):
    chosen = make_member(email="Giulia.Rossi@example.org", full_name="Giulia Rossi")
    sign_in(people["coordinator"])
    response = client.post(
        "/coordinators/new", data={"member_id": "  giulia.rossi@EXAMPLE.org ", "starts_on": "2040-01-01"}
    )
    assert response.status_code == 302
    assert _terms_of(chosen) == 1


def test_a_name_that_fits_one_member_is_enough_and_the_picked_label_too(client, people, sign_in, make_member):
    chosen = make_member(email="marta@example.org", full_name="Marta Bianchi")
    sign_in(people["coordinator"])
    assert (
        client.post("/coordinators/new", data={"member_id": "bianchi", "starts_on": "2040-01-01"}).status_code
        == 302
    )
    response = client.post(
        "/coordinators/new",
        data={"member_id": "Marta Bianchi <marta@example.org>", "starts_on": "2041-01-01"},
    )
    assert response.status_code == 302
    assert _terms_of(chosen) == 2


def test_nothing_or_several_matching_is_said_under_the_field(client, people, sign_in, make_member):
    make_member(email="luca.a@example.org", full_name="Luca Verdi")
    make_member(email="luca.b@example.org", full_name="Luca Neri")
    sign_in(people["coordinator"])
    several = client.post("/coordinators/new", data={"member_id": "luca", "starts_on": "2040-01-01"})
    assert several.status_code == 400
    text = several.get_data(as_text=True)
    assert "2 members match “luca”" in text
    assert "type the e-mail address" in text
    assert 'id="member_id-error"' in text
    nothing = client.post(
        "/coordinators/new", data={"member_id": "nobody@example.org", "starts_on": "2040-01-01"}
    )
    assert nothing.status_code == 400
    assert "No member matches “nobody@example.org”" in nothing.get_data(as_text=True)


def test_a_member_who_left_cannot_be_chosen_for_a_term(client, people, sign_in, make_member):
    from datetime import date

    gone = make_member(email="gone@example.org", full_name="Gone Away", left_on=date(2020, 1, 1))
    sign_in(people["coordinator"])
    response = client.post("/coordinators/new", data={"member_id": gone.email, "starts_on": "2040-01-01"})
    assert response.status_code == 400
    assert _terms_of(gone) == 0


def test_the_search_offers_members_by_name_or_e_mail(client, people, sign_in, make_member):
    make_member(email="anna@example.org", full_name="Anna Ferri")
    make_member(email="ferri.office@example.org", full_name="Paola Conti")
    make_member(email="other@example.org", full_name="Other Person")
    sign_in(people["member"])
    found = client.get("/members/search.json", query_string={"q": "FERRI"}).get_json()
    assert [m["name"] for m in found] == ["Anna Ferri", "Paola Conti"]
    assert found[0]["label"] == "Anna Ferri <anna@example.org>"
    assert client.get("/members/search.json", query_string={"q": "%"}).get_json() == []


def test_the_action_register_filters_by_an_owner_typed_as_e_mail(client, people, sign_in):
    sign_in(people["coordinator"])
    page = client.get("/actions", query_string={"owner": people["member"].email}).get_data(as_text=True)
    assert f'value="{people["member"].full_name} &lt;{people["member"].email}&gt;"' in page
    assert "No member matches" not in page
    unknown = client.get("/actions", query_string={"owner": "nobody"}).get_data(as_text=True)
    assert "No member matches “nobody”" in unknown
