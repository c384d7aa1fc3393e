import re
from datetime import date

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.members import services
from nmg_ops.models import AuditEntry, Gender, Member, MemberRole, Organisation, StakeholderType, WorkingGroup
from tests.fixtures.factories import PASSWORD


def _member(email: str) -> Member | None:
    return db.session.scalar(sa.select(Member).where(Member.email == email))


def _names(html: str) -> list[str]:
    """The member names linked from the directory table, in order."""
    return re.findall(r'<a href="/members/\d+">([^<]+)</a>', html)


def _form(org: Organisation, **overrides) -> dict:
    data = {
        "full_name": "Giulia Bianchi",
        "email": "giulia.bianchi@example.org",
        "organisation_id": str(org.id),
        "position": "Research director",
        "gender": "female",
        "region": "Lazio",
        "expertise": "Genomics",
        "role": "expert",
        "joined_on": "2025-01-15",
        "language": "it",
        "timezone": "Europe/Rome",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _audit(subject_id: int, subject_type: str = "member") -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.id)
        )
    )


# --- the directory ---------------------------------------------------------------------------------------


def test_directory_needs_sign_in(client, people):
    response = client.get("/members/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_directory_shows_members_with_their_details(
    client, people, sign_in, make_org, make_member, make_working_group
):
    agenas = make_org("Agenzia nazionale per i servizi sanitari regionali", acronym="AGENAS")
    wp4 = make_working_group("WP4")
    make_member(
        email="rosa.rossi@example.org",
        full_name="Rosa Rossi",
        organisation=agenas,
        position="Senior analyst",
        region="Lazio",
        working_groups=[wp4],
    )
    sign_in(people["member"])
    page = client.get("/members/").get_data(as_text=True)
    assert "Rosa Rossi" in page
    assert "AGENAS" in page
    assert "Ministry/Agency/Executive/Policy Maker" in page
    assert "Senior analyst" in page
    assert "WP4" in page
    assert "Lazio" in page
    assert 'href="mailto:rosa.rossi@example.org"' in page
    assert "5 members" in page
    # A plain member cannot manage members.
    assert "Add member" not in page
    assert "/members/new" not in page


def test_coordinator_sees_add_and_edit(client, people, sign_in):
    sign_in(people["coordinator"])
    page = client.get("/members/").get_data(as_text=True)
    assert "Add member" in page
    assert f"/members/{people['member'].id}/edit" in page


def test_filters_narrow_the_directory(client, people, sign_in, make_org, make_member, make_working_group):
    university = make_org("Università di Bologna", StakeholderType.RESEARCH, acronym="UNIBO")
    patients = make_org("Patient Voice", StakeholderType.PATIENT)
    wp2 = make_working_group("WP2")
    make_member(full_name="Ugo Uni", organisation=university, region="Emilia-Romagna", working_groups=[wp2])
    make_member(full_name="Pia Patient", organisation=patients, region="Sicilia")
    make_member(full_name="Lea Left", organisation=patients, left_on=date(2025, 1, 31))
    sign_in(people["member"])

    def names(query: str) -> set[str]:
        response = client.get(f"/members/?{query}")
        assert response.status_code == 200
        return set(_names(response.get_data(as_text=True)))

    assert names("stakeholder_type=research") == {"Ugo Uni"}
    assert names(f"organisation={patients.id}") == {"Pia Patient"}
    assert names(f"organisation={patients.id}&status=all") == {"Pia Patient", "Lea Left"}
    assert names("status=left") == {"Lea Left"}
    assert names(f"working_group={wp2.id}") == {"Ugo Uni"}
    assert names("region=Sicilia") == {"Pia Patient"}
    assert "Lea Left" not in names("")
    assert names("stakeholder_type=patient&region=Emilia-Romagna") == set()


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("rOSSI", {"Rosa Rossi"}),
        ("ROSA.ROSSI@", {"Rosa Rossi"}),
        ("bioinformatics", {"Rosa Rossi"}),
        ("chief", {"Marco Verdi"}),
        ("istituto superiore", {"Marco Verdi"}),
        ("iss", {"Marco Verdi"}),
        ("verdi iss", {"Marco Verdi"}),
        ("rossi iss", set()),
        ("100%", set()),
    ],
)
def test_search_is_case_insensitive_over_several_fields(
    client, people, sign_in, make_org, make_member, search, expected
):
    iss = make_org("Istituto Superiore di Sanità", acronym="ISS")
    make_member(
        email="rosa.rossi@example.org", full_name="Rosa Rossi", expertise="Bioinformatics, rare diseases"
    )
    make_member(full_name="Marco Verdi", organisation=iss, position="Chief data officer")
    sign_in(people["member"])
    response = client.get("/members/", query_string={"q": search})
    assert response.status_code == 200
    assert set(_names(response.get_data(as_text=True))) == expected


@pytest.mark.parametrize(
    "query",
    [
        "stakeholder_type=astrologers",
        "organisation=abc",
        "organisation=999999",
        "working_group=-1",
        "region=Atlantis",
        "status=deleted",
        "page=abc",
        "page=-3",
        "page=99999",
        "q=" + "x" * 5000,
        "organisation=1e9&working_group=&stakeholder_type=",
    ],
)
def test_bad_filter_values_do_not_break_the_directory(client, people, sign_in, query):
    sign_in(people["member"])
    response = client.get(f"/members/?{query}")
    assert response.status_code == 200


def test_unknown_filter_value_is_ignored(client, people, sign_in):
    sign_in(people["member"])
    page = client.get("/members/?stakeholder_type=astrologers&organisation=abc").get_data(as_text=True)
    assert set(_names(page)) == {"Paolo Member", "Teresa Team", "Carla Coordinator", "Ada Admin"}


def test_directory_is_paginated_and_keeps_filters(client, app, people, sign_in, make_org, make_member):
    app.config["MEMBERS_PER_PAGE"] = 3
    research = make_org("Research Org", StakeholderType.RESEARCH)
    for n in range(7):
        make_member(full_name=f"Researcher {n}", organisation=research)
    sign_in(people["member"])
    first = client.get("/members/?stakeholder_type=research").get_data(as_text=True)
    assert _names(first) == ["Researcher 0", "Researcher 1", "Researcher 2"]
    assert "7 members" in first
    assert "page=3" in first and "stakeholder_type=research" in first
    last = client.get("/members/?stakeholder_type=research&page=3").get_data(as_text=True)
    assert _names(last) == ["Researcher 6"]
    beyond = client.get("/members/?stakeholder_type=research&page=4")
    assert beyond.status_code == 200
    assert _names(beyond.get_data(as_text=True)) == []


def _add_members(count: int, prefix: str) -> None:
    groups = list(db.session.scalars(sa.select(WorkingGroup)))
    if not groups:
        groups = [WorkingGroup(code=f"WP{n}", name=f"Work package {n}") for n in range(1, 6)]
        db.session.add_all(groups)
    orgs = list(db.session.scalars(sa.select(Organisation))) + [
        Organisation(
            name=f"{prefix} org {n}", acronym=f"{prefix}{n}", stakeholder_type=list(StakeholderType)[n]
        )
        for n in range(10)
    ]
    for n in range(count):
        db.session.add(
            Member(
                full_name=f"{prefix} member {n:04d}",
                email=f"{prefix}{n}@example.org",
                organisation=orgs[n % len(orgs)],
                region=f"Region {n % 20}",
                expertise="Health data",
                working_groups=[groups[n % len(groups)], groups[(n + 2) % len(groups)]],
                left_on=date(2024, 1, 1) if n % 50 == 0 else None,
            )
        )
    db.session.commit()


def test_directory_runs_the_same_few_queries_for_5_and_500_members(client, people, sign_in, count_queries):
    sign_in(people["member"])
    _add_members(1, "small")
    wp1 = db.session.scalar(sa.select(WorkingGroup.id).where(WorkingGroup.code == "WP1"))
    queries = [
        "",
        "?q=member+health&status=all",
        f"?working_group={wp1}&stakeholder_type=ministry&region=Region+0&status=all&page=1",
    ]

    def measure() -> list[int]:
        counts = []
        for query in queries:
            with count_queries() as counter:
                response = client.get(f"/members/{query}")
            assert response.status_code == 200
            assert _names(response.get_data(as_text=True))
            counts.append(counter.count)
        return counts

    small = measure()
    _add_members(496, "large")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 501
    large = measure()
    assert small == large
    assert max(large) < 10


# --- one member ------------------------------------------------------------------------------------------


def test_member_page_shows_details_to_members_without_history(client, people, sign_in, make_working_group):
    target = people["coordination_team"]
    target.working_groups = [make_working_group("WP7", "Health data")]
    target.gender = Gender.FEMALE
    db.session.commit()
    sign_in(people["member"])
    response = client.get(f"/members/{target.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Teresa Team" in page
    assert "WP7 – Health data" in page
    assert "Coordination team" in page
    assert "History" not in page
    assert "Female" not in page
    assert "pbkdf2" not in page
    assert "Deactivate" not in page


def test_unknown_member_is_404(client, people, sign_in):
    sign_in(people["coordinator"])
    assert client.get("/members/999999").status_code == 404
    assert client.get("/members/999999/edit").status_code == 404
    assert client.post("/members/999999/deactivate").status_code == 404
    assert client.post("/members/999999/invite").status_code == 404


@pytest.mark.parametrize("role", ["member", "coordination_team"])
def test_only_coordinator_and_admin_manage_members(client, people, sign_in, role):
    sign_in(people[role])
    target = people["admin"]
    assert client.get("/members/new").status_code == 403
    assert client.post("/members/new", data=_form(target.organisation)).status_code == 403
    assert client.get(f"/members/{target.id}/edit").status_code == 403
    assert client.post(f"/members/{target.id}/deactivate").status_code == 403
    assert client.post(f"/members/{target.id}/invite").status_code == 403
    assert _member("admin@example.org").left_on is None


# --- creating and editing --------------------------------------------------------------------------------


def test_coordinator_adds_a_member(client, people, sign_in, make_org, make_working_group):
    org = make_org("Regione Lazio", StakeholderType.MINISTRY)
    wp1, wp3 = make_working_group("WP1"), make_working_group("WP3")
    sign_in(people["coordinator"])
    form = client.get("/members/new").get_data(as_text=True)
    assert "Regione Lazio" in form
    assert 'value="Europe/Rome"' in form
    assert clock.today().isoformat() in form
    response = client.post(
        "/members/new",
        data=_form(org, email="  Giulia.Bianchi@Example.ORG ", working_group_ids=[str(wp1.id), str(wp3.id)]),
    )
    assert response.status_code == 302
    member = _member("giulia.bianchi@example.org")
    assert member is not None
    assert response.headers["Location"] == f"/members/{member.id}"
    assert member.organisation.name == "Regione Lazio"
    assert member.gender is Gender.FEMALE
    assert [g.code for g in member.working_groups] == ["WP1", "WP3"]
    assert member.joined_on == date(2025, 1, 15)
    assert not member.is_admin
    [entry] = _audit(member.id)
    assert entry.action == "created"
    assert entry.actor_id == people["coordinator"].id
    assert entry.changes["email"] == "giulia.bianchi@example.org"
    assert entry.changes["working_groups"] == ["WP1", "WP3"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Giulia Bianchi" in page
    assert "Created" in page


def test_duplicate_email_in_another_case_is_a_form_error(client, people, sign_in):
    sign_in(people["coordinator"])
    response = client.post(
        "/members/new", data=_form(people["member"].organisation, email="PLAIN@example.ORG")
    )
    assert response.status_code == 200
    assert "A member with this e-mail already exists." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 4
    # Editing another member into the same address fails the same way.
    other = people["coordination_team"]
    response = client.post(
        f"/members/{other.id}/edit", data=_form(other.organisation, email="Plain@Example.org")
    )
    assert "A member with this e-mail already exists." in response.get_data(as_text=True)
    assert _member("ct@example.org") is not None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"full_name": "N" * 201}, "Field cannot be longer than 200 characters."),
        ({"full_name": ""}, "This field is required."),
        ({"full_name": "Evil\r\nBcc: victim@example.org"}, "Use a single line."),
        ({"email": "not-an-email"}, "Invalid email address."),
        ({"email": "a" * 330 + "@example.org"}, "Field cannot be longer than 320 characters."),
        ({"timezone": "Mars/Olympus_Mons"}, "Not a known time zone"),
        ({"timezone": "../../etc/passwd"}, "Not a known time zone"),
        ({"organisation_id": "abc"}, "Invalid Choice: could not coerce."),
        ({"organisation_id": ""}, "This field is required."),
        ({"organisation_id": "999999"}, "Not a valid choice."),
        ({"gender": "robot"}, "Invalid Choice: could not coerce."),
        ({"role": "emperor"}, "Invalid Choice: could not coerce."),
        ({"language": "de"}, "Invalid Choice: could not coerce."),
        ({"joined_on": "31/31/2025"}, "Not a valid date value."),
        ({"expertise": "x" * 2001}, "Field cannot be longer than 2000 characters."),
        ({"region": "r" * 81}, "Field cannot be longer than 80 characters."),
        ({"working_group_ids": "abc"}, "Invalid choice(s)"),
        ({"working_group_ids": "424242"}, "is not a valid choice"),
    ],
)
def test_bad_member_input_is_a_form_error(client, people, sign_in, overrides, message):
    sign_in(people["coordinator"])
    response = client.post("/members/new", data=_form(people["member"].organisation, **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _member("giulia.bianchi@example.org") is None


def test_coordinator_cannot_grant_admin(client, people, sign_in):
    sign_in(people["coordinator"])
    form = client.get("/members/new").get_data(as_text=True)
    assert "is_admin" not in form
    org = people["member"].organisation
    client.post("/members/new", data=_form(org, is_admin="y"))
    assert _member("giulia.bianchi@example.org").is_admin is False
    target = people["member"]
    client.post(
        f"/members/{target.id}/edit",
        data=_form(org, full_name="Paolo Member", email=target.email, is_admin="y"),
    )
    assert _member("plain@example.org").is_admin is False
    # Editing an administrator leaves the flag alone.
    admin = people["admin"]
    client.post(
        f"/members/{admin.id}/edit", data=_form(admin.organisation, full_name="Ada Admin", email=admin.email)
    )
    assert _member("admin@example.org").is_admin is True


def test_admin_can_grant_admin(client, people, sign_in):
    sign_in(people["admin"])
    target = people["member"]
    assert "is_admin" in client.get(f"/members/{target.id}/edit").get_data(as_text=True)
    data = _form(target.organisation, full_name=target.full_name, email=target.email, is_admin="y")
    assert client.post(f"/members/{target.id}/edit", data=data).status_code == 302
    assert _member("plain@example.org").is_admin is True
    assert _audit(target.id)[-1].changes["is_admin"] == [False, True]


def test_edit_records_only_what_changed(client, people, sign_in, make_org):
    target = people["member"]
    old_org_name = target.organisation.name
    new_org = make_org("Fondazione Bruno Kessler", StakeholderType.RESEARCH, acronym="FBK")
    sign_in(people["coordinator"])
    form = client.get(f"/members/{target.id}/edit").get_data(as_text=True)
    assert 'value="Paolo Member"' in form
    unchanged = _form(
        target.organisation,
        full_name="Paolo Member",
        email="plain@example.org",
        position=None,
        gender="",
        region=None,
        expertise=None,
        joined_on="2024-11-12",
        language="en",
    )
    response = client.post(f"/members/{target.id}/edit", data=unchanged)
    assert response.status_code == 302
    assert _audit(target.id) == []
    changed = {**unchanged, "organisation_id": str(new_org.id), "position": "Researcher", "role": "observer"}
    client.post(f"/members/{target.id}/edit", data=changed)
    [entry] = _audit(target.id)
    assert entry.action == "updated"
    assert entry.changes == {
        "organisation": [old_org_name, "Fondazione Bruno Kessler"],
        "position": [None, "Researcher"],
        "role": ["expert", "observer"],
    }
    member = _member("plain@example.org")
    assert member.role is MemberRole.OBSERVER
    assert member.organisation.acronym == "FBK"


def test_inactive_organisations_are_not_offered(client, people, sign_in, make_org):
    closed = make_org("Closed Agency", is_active=False)
    sign_in(people["coordinator"])
    assert "Closed Agency" not in client.get("/members/new").get_data(as_text=True)
    response = client.post("/members/new", data=_form(closed))
    assert "Not a valid choice." in response.get_data(as_text=True)
    assert _member("giulia.bianchi@example.org") is None


def test_member_of_an_inactive_organisation_keeps_it_when_edited(client, people, sign_in):
    target = people["member"]
    target.organisation.is_active = False
    db.session.commit()
    sign_in(people["coordinator"])
    assert "(inactive)" in client.get(f"/members/{target.id}/edit").get_data(as_text=True)
    data = _form(target.organisation, full_name="Paolo Member", email=target.email, position="Advisor")
    assert client.post(f"/members/{target.id}/edit", data=data).status_code == 302
    assert _member("plain@example.org").position == "Advisor"


def test_create_with_invitation_mails_a_working_link(client, people, sign_in, outbox):
    sign_in(people["coordinator"])
    response = client.post("/members/new", data=_form(people["member"].organisation, send_invitation="y"))
    assert response.status_code == 302
    [mail] = outbox()
    assert mail["To"] == "Giulia Bianchi <giulia.bianchi@example.org>"
    assert "Invitation sent" in client.get(response.headers["Location"]).get_data(as_text=True)


# --- leaving, coming back, invitations -------------------------------------------------------------------


def test_deactivated_member_cannot_sign_in_and_moves_to_former_members(app, client, people, sign_in):
    target = people["member"]
    their_browser = app.test_client()
    assert (
        their_browser.post("/sign-in", data={"email": target.email, "password": PASSWORD}).status_code == 302
    )
    sign_in(people["coordinator"])
    response = client.post(f"/members/{target.id}/deactivate")
    assert response.status_code == 302
    assert "can no longer sign in" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _member("plain@example.org").left_on == clock.today()
    assert "Paolo Member" not in _names(client.get("/members/").get_data(as_text=True))
    assert "Paolo Member" in _names(client.get("/members/?status=left").get_data(as_text=True))
    assert "Paolo Member" in _names(client.get("/members/?status=all").get_data(as_text=True))
    # The session already open in the member's browser ends too.
    assert their_browser.get("/members/").status_code == 302
    refused = app.test_client().post("/sign-in", data={"email": target.email, "password": PASSWORD})
    assert refused.status_code == 401
    [entry] = _audit(target.id)
    assert entry.action == "deactivated"
    assert entry.changes == {"left_on": [None, clock.today().isoformat()]}


def test_reactivated_member_signs_in_again_but_old_sessions_stay_ended(app, client, people, sign_in):
    target = people["member"]
    their_old_browser = app.test_client()
    their_old_browser.post("/sign-in", data={"email": target.email, "password": PASSWORD})
    sign_in(people["coordinator"])
    client.post(f"/members/{target.id}/deactivate")
    page = client.get(f"/members/{target.id}").get_data(as_text=True)
    assert "Reactivate" in page
    response = client.post(f"/members/{target.id}/reactivate")
    assert response.status_code == 302
    assert _member("plain@example.org").left_on is None
    assert "Paolo Member" in _names(client.get("/members/").get_data(as_text=True))
    assert their_old_browser.get("/members/").status_code == 302
    signed_in = app.test_client().post("/sign-in", data={"email": target.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert [e.action for e in _audit(target.id)] == ["deactivated", "reactivated"]
    assert _audit(target.id)[-1].changes == {"left_on": [clock.today().isoformat(), None]}


def test_nobody_deactivates_themselves(client, people, sign_in):
    me = people["coordinator"]
    sign_in(me)
    assert "Deactivate" not in client.get(f"/members/{me.id}").get_data(as_text=True)
    response = client.post(f"/members/{me.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate yourself." in response.get_data(as_text=True)
    assert _member("coordinator@example.org").left_on is None
    assert _audit(me.id) == []


def test_invitation_mail_has_a_link_that_sets_the_password(app, client, people, sign_in, make_member, outbox):
    newcomer = make_member(email="nina@example.org", full_name="Nina Nuova", password=False)
    sign_in(people["coordinator"])
    before = client.get(f"/members/{newcomer.id}").get_data(as_text=True)
    assert "No, the invitation has not been accepted yet" in before
    response = client.post(f"/members/{newcomer.id}/invite", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Invitation sent to nina@example.org." in page
    assert "Never" not in page.split("Last invited", 1)[1].split("</dd>", 1)[0]
    assert "Invitation sent" in page.split("History", 1)[1]
    [mail] = outbox()
    assert mail["To"] == "Nina Nuova <nina@example.org>"
    link = re.search(r"http://localhost(/\S+)", mail.get_body(preferencelist=("plain",)).get_content()).group(
        1
    )
    browser = app.test_client()
    assert browser.get(link).status_code == 200
    chosen = {"password": "a brand new password", "confirm": "a brand new password"}
    assert browser.post(link, data=chosen).status_code == 302
    assert _member("nina@example.org").has_password
    assert browser.get("/members/").status_code == 200


def test_former_members_get_no_invitation(client, people, sign_in, make_member, outbox):
    gone = make_member(email="gone@example.org", left_on=date(2025, 1, 1), password=False)
    sign_in(people["coordinator"])
    response = client.post(f"/members/{gone.id}/invite", follow_redirects=True)
    assert "cannot be invited" in response.get_data(as_text=True)
    assert outbox() == []


def test_services_refuse_self_deactivation_without_http(app, people):
    me = people["admin"]
    with pytest.raises(services.MemberError):
        services.deactivate_member(me, actor_id=me.id)
    assert me.left_on is None


def test_every_form_carries_a_csrf_token(app, client, people, sign_in, make_org):
    org = make_org("Token Org")
    target = people["member"]
    sign_in(people["admin"])
    app.config["WTF_CSRF_ENABLED"] = True
    pages = [
        f"/members/{target.id}",
        "/members/new",
        f"/members/{target.id}/edit",
        "/organisations/",
        f"/organisations/{org.id}/edit",
        "/profile",
    ]
    for path in pages:
        page = client.get(path).get_data(as_text=True)
        forms = re.findall(r'<form[^>]*method="post".*?</form>', page, re.S)
        assert forms, path
        for form in forms:
            assert re.search(r'name="csrf_token"[^>]*value="[^"]+"', form), (path, form[:200])
    assert client.post(f"/members/{target.id}/deactivate").status_code == 400
    assert _member("plain@example.org").left_on is None
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get(f"/members/{target.id}").get_data(as_text=True)
    )
    assert (
        client.post(f"/members/{target.id}/deactivate", data={"csrf_token": token.group(1)}).status_code
        == 302
    )
    assert _member("plain@example.org").left_on == clock.today()
