import re
from datetime import date, timedelta

import pytest

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.governance import composition
from nmg_ops.governance.charts import Row, bar_chart
from nmg_ops.governance.composition import CheckStatus
from nmg_ops.models import Gender, Member, MemberRole, Organisation, StakeholderType

REGIONS = ["Lazio", "Lombardia", "Piemonte", "Puglia", "Sicilia"]


def _statuses(app) -> dict[str, CheckStatus]:
    with app.test_request_context():
        return {check.key: check.status for check in composition.composition_on().checklist()}


def _checks(app) -> dict[str, composition.Check]:
    with app.test_request_context():
        return {check.key: check for check in composition.composition_on().checklist()}


def _chart(html: str, key: str) -> str:
    match = re.search(rf'<svg[^>]*aria-labelledby="chart-{key}-title[^>]*>(.*?)</svg>', html, re.S)
    assert match, f"no chart {key}"
    return match.group(1)


def _bars(svg: str) -> list[tuple[str, float]]:
    """(tooltip, width) of every bar in a chart."""
    return [
        (title, float(width))
        for title, width in re.findall(
            r'<g>\s*<title>([^<]*)</title>.*?<rect[^>]*width="([\d.]+)"', svg, re.S
        )
    ]


@pytest.fixture
def healthy_group(make_org, make_member, make_term):
    """Ten experts over all ten stakeholder types and five regions, five women and five men, a contact point
    and a coordinator: a group that meets every B1MG recommendation."""
    members = []
    for i, kind in enumerate(StakeholderType):
        org = make_org(f"Org {kind.value}", kind, region=REGIONS[i % 5])
        members.append(
            make_member(
                organisation=org,
                full_name=f"Expert {i}",
                gender=Gender.FEMALE if i % 2 else Gender.MALE,
                role=MemberRole.NATIONAL_CONTACT_POINT if i == 0 else MemberRole.EXPERT,
            )
        )
    make_term(members[1])
    return members


def test_healthy_group_passes_every_recommendation(app, healthy_group):
    statuses = _statuses(app)
    assert set(statuses) == {
        "coordinator",
        "experts",
        "contact_point",
        "stakeholder_types",
        "patients",
        "industry",
        "gender",
        "regions",
    }
    assert set(statuses.values()) == {CheckStatus.PASS}


def test_empty_group_fails_and_cannot_tell_the_gender_balance(app):
    statuses = _statuses(app)
    assert statuses.pop("gender") is CheckStatus.UNKNOWN
    assert set(statuses.values()) == {CheckStatus.FAIL}
    with app.test_request_context():
        result = composition.composition_on()
    assert result.total == 0
    assert result.missing_stakeholder_types == list(StakeholderType)


def test_the_coordinator_check_follows_the_term_covering_today(app, make_member, make_term):
    holder = make_member(full_name="Giulia Rossi")
    make_term(holder, starts_on=clock.today() + timedelta(days=1))
    assert _statuses(app)["coordinator"] is CheckStatus.FAIL
    make_term(holder, starts_on=clock.today() - timedelta(days=10), days=11, position=0)
    check = _checks(app)["coordinator"]
    assert check.status is CheckStatus.PASS
    assert "Giulia Rossi" in check.explanation


def test_experts_count_expert_roles_only(app, make_member, make_org):
    org = make_org()
    for _ in range(7):
        make_member(organisation=org)
    make_member(organisation=org, role=MemberRole.SCIENTIFIC_COORDINATOR)
    make_member(organisation=org, role=MemberRole.NATIONAL_CONTACT_POINT)
    make_member(organisation=org, role=MemberRole.OBSERVER)
    make_member(organisation=org, role=MemberRole.SECRETARIAT)
    make_member(organisation=org, left_on=clock.today())
    check = _checks(app)["experts"]
    assert check.status is CheckStatus.FAIL
    assert "9 experts" in check.explanation
    make_member(organisation=org, left_on=clock.today() + timedelta(days=1))
    assert _statuses(app)["experts"] is CheckStatus.PASS


def test_national_contact_point_must_be_a_current_member(app, make_member):
    make_member(role=MemberRole.NATIONAL_CONTACT_POINT, left_on=clock.today() - timedelta(days=1))
    assert _statuses(app)["contact_point"] is CheckStatus.FAIL
    make_member(role=MemberRole.NATIONAL_CONTACT_POINT)
    assert _statuses(app)["contact_point"] is CheckStatus.PASS


def test_missing_stakeholder_types_are_named(app, make_org, make_member):
    for kind in StakeholderType:
        if kind not in {StakeholderType.PATIENT, StakeholderType.ELSI}:
            make_member(organisation=make_org(stakeholder_type=kind))
    checks = _checks(app)
    assert checks["stakeholder_types"].status is CheckStatus.FAIL
    assert "ELSI (ethical, legal and social issues)" in checks["stakeholder_types"].explanation
    assert "Patient organisations" in checks["stakeholder_types"].explanation
    assert "Research/University" not in checks["stakeholder_types"].explanation
    assert checks["patients"].status is CheckStatus.FAIL
    assert checks["industry"].status is CheckStatus.PASS


@pytest.mark.parametrize(
    ("women", "men", "others", "expected"),
    [
        (4, 6, 3, CheckStatus.PASS),
        (3, 7, 0, CheckStatus.FAIL),
        (0, 5, 0, CheckStatus.FAIL),
        (1, 0, 8, CheckStatus.UNKNOWN),
    ],
)
def test_gender_balance_among_those_who_declared(app, make_member, make_org, women, men, others, expected):
    org = make_org()
    for _ in range(women):
        make_member(organisation=org, gender=Gender.FEMALE)
    for _ in range(men):
        make_member(organisation=org, gender=Gender.MALE)
    for i in range(others):
        make_member(organisation=org, gender=[Gender.NON_BINARY, Gender.UNDISCLOSED, None][i % 3])
    assert _statuses(app)["gender"] is expected


def test_regions_use_the_organisation_when_the_member_gives_none(app, make_org, make_member):
    for region in REGIONS[:4]:
        make_member(organisation=make_org(region=region))
    national = make_org("Ministero della Salute")
    make_member(organisation=national)
    make_member(organisation=national, region="  ")
    with app.test_request_context():
        result = composition.composition_on()
    assert result.by_region[-1] == (None, 2)
    assert result.regions == 4
    assert _statuses(app)["regions"] is CheckStatus.FAIL
    make_member(organisation=national, region="Sicilia")
    assert _statuses(app)["regions"] is CheckStatus.PASS


def test_working_group_coverage_counts_current_members_of_active_groups(app, make_member, make_working_group):
    wp4, wp5, wp6 = make_working_group("WP4"), make_working_group("WP5"), make_working_group("WP6")
    wp6.is_active = False
    make_member(working_groups=[wp4, wp6])
    make_member(working_groups=[wp4])
    make_member(working_groups=[wp5], left_on=clock.today())
    db.session.commit()
    with app.test_request_context():
        result = composition.composition_on()
    assert [(g.code, g.count) for g in result.by_working_group] == [("WP4", 2), ("WP5", 0)]


def test_bars_are_proportional_and_missing_zeros_stay_visible():
    chart = bar_chart("t", [Row("a", 10), Row("b", 5), Row("c", 0, is_missing=True), Row("d", 0)])
    widths = [bar.width for bar in chart.bars]
    assert widths[0] == 2 * widths[1]
    assert widths[2] > 0
    assert widths[3] == 0
    assert chart.height == 4 * (chart.bars[1].y - chart.bars[0].y)


def test_dashboard_shows_tables_charts_and_missing_types(client, people, sign_in, make_org, make_member):
    patients = make_org("Associazione Pazienti", StakeholderType.PATIENT, region="Lazio")
    make_member(organisation=patients, gender=Gender.FEMALE, region="Puglia")
    make_member(organisation=patients, gender=Gender.FEMALE)
    sign_in(people["member"])
    response = client.get("/composition")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "6 current members" in html
    # Every type is listed; the people fixture's organisations are all ministries.
    stakeholder_svg = _chart(html, "stakeholder_types")
    bars = _bars(stakeholder_svg)
    assert len(bars) == 10
    assert ("Ministry/Agency/Executive/Policy Maker: 4", 352.0) in bars
    assert ("Patient organisations: 2", 176.0) in bars
    assert ("Industry/Private sector: 0", 3.0) in bars
    assert "Industry/Private sector (missing)" in stakeholder_svg
    assert '<title id="chart-stakeholder_types-title">Members by stakeholder type</title>' in html
    # Scales to the phone's width: ten rows of 36 units in a 400-unit-wide drawing.
    assert re.search(r'<svg[^>]*width="100%"[^>]*viewBox="0 0 400 360"', html)
    checklist = re.search(r'data-check="stakeholder_types".*?</li>', html, re.S).group(0)
    assert "Not met:" in checklist
    assert "Industry/Private sector" in checklist
    assert "Funding agencies" in checklist
    assert "Patient organisations" not in checklist
    assert len(_bars(_chart(html, "gender"))) == 5
    assert [title for title, _w in _bars(_chart(html, "regions"))] == [
        "Lazio: 1",
        "Puglia: 1",
        "National / no region: 4",
    ]
    assert len(_bars(_chart(html, "organisations"))) == 5
    assert "The NMG follows no active working group yet." in html


def test_working_groups_without_members_are_highlighted(client, people, sign_in, make_working_group):
    make_working_group("WP4")
    sign_in(people["member"])
    html = client.get("/composition").get_data(as_text=True)
    assert _bars(_chart(html, "working_groups")) == [("WP4 – Work package WP4: 0", 3.0)]
    assert "WP4 – Work package WP4 (no members)" in html


def test_visitors_must_sign_in(client):
    response = client.get("/composition")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def _add_members(n: int) -> None:
    """Add members in bulk, spread over types, genders, regions and roles like a real group."""
    orgs = [
        Organisation(name=f"Bulk {i}", stakeholder_type=list(StakeholderType)[i % 10], region=REGIONS[i % 5])
        for i in range(12)
    ]
    genders = [*Gender, None]
    db.session.add_all(orgs)
    db.session.add_all(
        Member(
            full_name=f"Bulk member {i}",
            email=f"bulk{i}@example.org",
            organisation=orgs[i % len(orgs)],
            gender=genders[i % len(genders)],
            role=list(MemberRole)[i % len(MemberRole)],
            joined_on=date(2024, 11, 12),
        )
        for i in range(n)
    )
    db.session.commit()


def test_composition_takes_the_same_number_of_queries_for_any_size(
    app, client, people, sign_in, make_working_group, count_queries
):
    make_working_group("WP4")
    sign_in(people["member"])
    measured = []
    for size in (10, 300):
        db.session.execute(Member.__table__.delete().where(Member.email.like("bulk%")))
        db.session.execute(Organisation.__table__.delete().where(Organisation.name.like("Bulk %")))
        _add_members(size)
        with count_queries() as service, app.test_request_context():
            result = composition.composition_on()
        assert result.total == size + 4
        with count_queries() as page:
            assert client.get("/composition").status_code == 200
        measured.append((service.count, page.count))
    assert measured[0] == measured[1]
    assert measured[0][0] <= 7
