"""The self-assessment: every B1MG measure read from the data as it stood at the end of a year, the
coordinator's answers to what the data cannot tell, the trend over the years, and its cost."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from nmg_ops.extensions import db
from nmg_ops.governance.self_assessment.definitions import Light, Measure
from nmg_ops.governance.self_assessment.trend import assessed_years, assessment_for, trend
from nmg_ops.models import (
    AnsweredMeasure,
    Attendance,
    AuditEntry,
    Gender,
    Invitation,
    MeetingStatus,
    MemberRole,
    NewsIssue,
    NewsIssueStatus,
    SelfAssessmentAnswer,
    StakeholderType,
)
from nmg_ops.models.documents import (
    Document,
    DocumentKind,
    DocumentVersion,
    DocumentVisibility,
    VersionStatus,
)

ROME = ZoneInfo("Europe/Rome")
REGIONS = ["Lazio", "Lombardia", "Piemonte", "Puglia", "Sicilia"]
#: a moment in 2025 by which the whole of 2024 is past and 2025 is the current year
MID_2025 = datetime(2025, 7, 1, 12, tzinfo=UTC)


def measures(app, year: int, now: datetime | None = None) -> dict[str, Measure]:
    with app.test_request_context():
        return {m.key: m for m in assessment_for(year, now)}


def lights(app, year: int, now: datetime | None = None) -> dict[str, Light]:
    return {key: m.light for key, m in measures(app, year, now).items()}


def held(make_meeting, day: date, type_code: str = "plenary", invitees=()) -> object:
    return make_meeting(
        type_code,
        starts_at=datetime.combine(day, time(10), tzinfo=ROME),
        status=MeetingStatus.HELD,
        invitees=list(invitees),
    )


def send_enews(months: list[date]) -> None:
    for n, month in enumerate(months, start=db.session.scalar(sa.select(sa.func.count(NewsIssue.id))) + 1):
        db.session.add(
            NewsIssue(
                number=n,
                month=month,
                title=f"e-news {month:%Y-%m}",
                status=NewsIssueStatus.SENT,
                sent_at=datetime.combine(month + timedelta(days=20), time(9), tzinfo=UTC),
            )
        )
    db.session.commit()


def approve_terms_of_reference(on: datetime, number: int = 1) -> None:
    document = db.session.scalar(sa.select(Document).where(Document.kind == DocumentKind.TERMS_OF_REFERENCE))
    if document is None:
        document = Document(
            title="Terms of reference",
            kind=DocumentKind.TERMS_OF_REFERENCE,
            visibility=DocumentVisibility.MEMBERS,
        )
        db.session.add(document)
        db.session.flush()
    db.session.execute(
        sa.update(DocumentVersion)
        .where(DocumentVersion.document_id == document.id, DocumentVersion.status == VersionStatus.APPROVED)
        .values(status=VersionStatus.SUPERSEDED)
    )
    db.session.add(
        DocumentVersion(
            document_id=document.id,
            number=number,
            filename="tor.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            storage_key=f"tor-{number}",
            status=VersionStatus.APPROVED,
            approved_at=on,
        )
    )
    db.session.commit()


@pytest.fixture
def group(make_org, make_member, make_term, make_working_group):
    """Ten experts over all ten stakeholder types and five regions, five women and five men, a contact point,
    two working groups each followed by someone, and a coordinator whose term covers 2025 and 2026."""
    wp4, wp5 = make_working_group("WP4"), make_working_group("WP5")
    members = []
    for i, kind in enumerate(StakeholderType):
        members.append(
            make_member(
                organisation=make_org(f"Org {kind.value}", kind, region=REGIONS[i % 5]),
                full_name=f"Expert {i}",
                gender=Gender.FEMALE if i % 2 else Gender.MALE,
                role=MemberRole.NATIONAL_CONTACT_POINT if i == 0 else MemberRole.EXPERT,
                working_groups=[wp4] if i < 5 else [wp5],
            )
        )
    make_term(members[1], starts_on=date(2025, 1, 1), days=730)
    return members


# --- measures read from the data ----------------------------------------------------------------------------


def test_a_group_with_no_data_falls_short_and_its_questions_are_unanswered(app):
    result = lights(app, 2025)
    assert result["stage"] is Light.RED
    assert measures(app, 2025)["stage"].value == "No tangible activities yet"
    assert result["terms_of_reference"] is Light.RED
    assert result["coordinator"] is Light.RED
    for measure in AnsweredMeasure:
        assert result[measure.value] is Light.UNANSWERED
    assert {m.source.value for m in measures(app, 2025).values()} == {"data", "coordinator"}


def test_approving_the_terms_of_reference_turns_its_light_green_from_that_year_on(app, group):
    assert lights(app, 2025)["terms_of_reference"] is Light.RED
    approve_terms_of_reference(datetime(2026, 3, 3, 10, tzinfo=UTC))
    assert lights(app, 2025)["terms_of_reference"] is Light.RED
    assert lights(app, 2026)["terms_of_reference"] is Light.GREEN

    approve_terms_of_reference(datetime(2025, 5, 2, 10, tzinfo=UTC), number=2)
    tor = measures(app, 2025)["terms_of_reference"]
    assert tor.light is Light.GREEN
    assert "2025" in tor.value


def test_a_month_without_an_e_news_shows_and_dims_the_light(app, group):
    months = [date(2025, m, 1) for m in range(1, 13)]
    send_enews([m for m in months if m.month != 6])
    enews = measures(app, 2025)["communication_enews"]
    assert enews.light is Light.AMBER
    assert enews.value == "11 of 12 months"
    assert "2025-06" in enews.explanation

    send_enews([date(2025, 6, 1)])
    enews = measures(app, 2025)["communication_enews"]
    assert enews.light is Light.GREEN
    assert "2025-06" not in enews.explanation


def test_an_e_news_not_yet_sent_does_not_count_and_the_current_month_is_not_due(app, group):
    send_enews([date(2025, m, 1) for m in range(1, 6)])
    db.session.add(NewsIssue(number=99, month=date(2025, 6, 1), title="June", status=NewsIssueStatus.DRAFT))
    db.session.commit()
    # On 1 July 2025 January to June are due: June was drafted, not sent.
    enews = measures(app, 2025, MID_2025)["communication_enews"]
    assert enews.value == "5 of 6 months"
    assert "2025-06" in enews.explanation
    assert "2025-07" not in enews.explanation


def test_a_group_founded_late_in_a_year_owes_only_what_falls_after_its_start(app, group):
    # The members joined on 12 November 2024: December's e-news and a seventh of the year's meetings.
    result = measures(app, 2024)
    assert result["communication_enews"].value == "0 of 1 months"
    assert "2024-12" in result["communication_enews"].explanation
    assert "2024-11" not in result["communication_enews"].explanation
    assert result["communication_meetings"].value == "0 held of 1 due"


def test_meetings_held_are_weighed_against_those_agreed(app, group, make_meeting):
    # The configured cadence agrees 6 plenary and 3 thematic meetings a year.
    for month in (2, 4):
        held(make_meeting, date(2025, month, 10))
    make_meeting("plenary", starts_at=datetime(2025, 9, 10, 10, tzinfo=ROME), status=MeetingStatus.CANCELLED)
    result = measures(app, 2025)
    assert result["communication_meetings"].light is Light.RED
    assert result["communication_meetings"].value == "2 held of 9 due"
    assert result["stage"].value == "Constructing / starting up"

    for month in (5, 6, 7):
        held(make_meeting, date(2025, month, 10), "thematic")
    result = measures(app, 2025)
    assert result["communication_meetings"].light is Light.AMBER
    assert result["national_activities"].light is Light.GREEN
    assert "Thematic meeting: 3" in result["national_activities"].explanation

    for month in (8, 9, 10, 11):
        held(make_meeting, date(2025, month, 10))
    result = measures(app, 2025)
    assert result["communication_meetings"].light is Light.GREEN
    assert result["stage"].light is Light.GREEN
    assert result["stage"].value == "Operational"


def test_mid_year_only_the_meetings_due_so_far_are_asked_for(app, group, make_meeting):
    for month in (2, 4, 5, 6):
        held(make_meeting, date(2025, month, 10))
    # Half of 2025 gone: 4 of the 9 agreed are due.
    assert measures(app, 2025, MID_2025)["communication_meetings"].value == "4 held of 4 due"
    assert lights(app, 2025, MID_2025)["communication_meetings"] is Light.GREEN


def test_the_composition_is_read_as_it_stood_at_the_end_of_the_year(app, group, make_member, make_org):
    assert lights(app, 2025)["composition"] is Light.GREEN
    group[3].left_on = date(2025, 12, 1)
    db.session.commit()
    result = measures(app, 2025)
    assert result["composition"].light is Light.AMBER
    assert result["composition"].value == "9 experts"
    assert result["stage"].value == "Planning / preparing"

    # Someone who joined in 2026 makes up the number for 2026, not for 2025.
    make_member(organisation=make_org("Late org"), joined_on=date(2026, 2, 1))
    assert measures(app, 2025)["composition"].value == "9 experts"
    assert measures(app, 2026)["composition"].value == "10 experts"


def test_gender_regions_stakeholders_coordinator_and_contact_point_follow_the_members(app, group):
    assert {
        key: light
        for key, light in lights(app, 2025).items()
        if key in {"gender", "regions", "stakeholders", "coordinator", "contact_point"}
    } == dict.fromkeys(["gender", "regions", "stakeholders", "coordinator", "contact_point"], Light.GREEN)
    for member in group[:4]:
        member.left_on = date(2025, 6, 1)
    db.session.commit()
    result = measures(app, 2025)
    assert result["stakeholders"].light is Light.RED
    assert "Patient" not in result["stakeholders"].explanation
    assert result["contact_point"].light is Light.RED
    assert result["regions"].value == "5 regions"


def test_the_working_groups_show_their_members_and_attendance(app, group, make_meeting, make_working_group):
    meeting = held(make_meeting, date(2025, 3, 10), invitees=group)
    for invitation in db.session.scalars(sa.select(Invitation).where(Invitation.meeting_id == meeting.id)):
        following_wp4 = invitation.member_id in {m.id for m in group[:5]}
        invitation.attendance = Attendance.PRESENT if following_wp4 else Attendance.ABSENT
    db.session.commit()
    links = measures(app, 2025)["working_groups"]
    assert "WP4: 5 members, 100% present" in links.explanation
    assert "WP5: 5 members, 0% present" in links.explanation
    assert links.light is Light.GREEN  # half the recorded attendances were present

    make_working_group("WP9")
    links = measures(app, 2025)["working_groups"]
    assert links.value == "2 of 3 groups have members"
    assert links.light is Light.AMBER


# --- the coordinator's answers ------------------------------------------------------------------------------


def test_the_coordinator_answers_a_question_for_a_year_and_the_page_shows_it(app, client, sign_in, people):
    sign_in(people["coordinator"])
    response = client.post(
        "/governance/answers/funding",
        data={"funding-year": "2025", "funding-choice": "in_kind", "funding-note": "Our own time."},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/governance?year=2025#funding")

    page = client.get("/governance?year=2025").get_data(as_text=True)
    card = _card(page, "funding")
    assert "In-kind contributions only" in card
    assert "Our own time." in card
    assert "Answered by Carla Coordinator" in card
    assert 'data-light="amber"' in card
    assert "Partly" in card  # the light is also a word

    # 2024 is still unanswered; its form starts from no answer, 2026's from 2025's.
    earlier = _card(client.get("/governance?year=2024").get_data(as_text=True), "funding")
    assert 'data-light="unanswered"' in earlier
    assert "checked" not in earlier
    later = _card(client.get("/governance?year=2026").get_data(as_text=True), "funding")
    assert 'data-light="unanswered"' in later
    assert re.search(r'<input[^>]*checked[^>]*value="in_kind"|<input[^>]*value="in_kind"[^>]*checked', later)
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.subject_type == "self_assessment_answer")
    )
    assert entry.actor_id == people["coordinator"].id

    client.post(
        "/governance/answers/funding",
        data={"funding-year": "2025", "funding-choice": "dedicated", "funding-note": ""},
    )
    answers = db.session.scalars(sa.select(SelfAssessmentAnswer)).all()
    assert [(a.year, a.measure, a.choice) for a in answers] == [(2025, AnsweredMeasure.FUNDING, "dedicated")]


def test_another_model_needs_a_note_and_unknown_answers_are_refused(app, client, sign_in, people):
    sign_in(people["coordinator"])
    year = _years(client)[-1]
    response = client.post(
        "/governance/answers/organisational_model",
        data={"organisational_model-year": str(year), "organisational_model-choice": "other"},
    )
    assert response.status_code == 400
    assert "Describe the model in the note." in response.get_data(as_text=True)
    response = client.post(
        "/governance/answers/funding", data={"funding-year": str(year), "funding-choice": "lottery"}
    )
    assert response.status_code == 400
    response = client.post(
        "/governance/answers/funding", data={"funding-year": "1950", "funding-choice": "none"}
    )
    assert response.status_code == 400
    assert "There is no self-assessment for 1950." in response.get_data(as_text=True)
    assert client.post("/governance/answers/stage", data={}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(SelfAssessmentAnswer.id))) == 0


@pytest.mark.parametrize("year", ["abc", "0", "2026x", "\u0662\u0660\u0662\u0665", "-2025", "20250"])
def test_a_year_that_is_no_year_is_refused_on_the_form(app, client, sign_in, people, year):
    sign_in(people["coordinator"])
    response = client.post(
        "/governance/answers/funding", data={"funding-year": year, "funding-choice": "none"}
    )
    assert response.status_code == 400
    assert "Give the year as four digits, for example 2025." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(SelfAssessmentAnswer.id))) == 0


def test_members_read_the_self_assessment_but_only_leaders_answer(app, client, sign_in, people):
    assert client.get("/governance").status_code == 302
    sign_in(people["member"])
    page = client.get("/governance")
    assert page.status_code == 200
    assert "funding-choice" not in page.get_data(as_text=True)
    assert client.post("/governance/answers/funding", data={"funding-choice": "none"}).status_code == 403


def test_a_bad_year_is_refused_with_a_reason(app, client, sign_in, people):
    sign_in(people["member"])
    for bad in ("abc", "1800", "٢٠٢٥", "99999999999999999999"):
        response = client.get(f"/governance?year={bad}")
        assert response.status_code == 400, bad
        assert "Give the year as four digits" in response.get_data(as_text=True)
    response = client.get("/governance?year=2150")
    assert response.status_code == 400
    assert "There is no self-assessment for 2150" in response.get_data(as_text=True)


# --- the years ----------------------------------------------------------------------------------------------


def test_the_year_over_year_view_shows_each_years_light(app, client, sign_in, people, group):
    approve_terms_of_reference(datetime(2025, 5, 2, 10, tzinfo=UTC))
    with app.test_request_context():
        by_year = trend([2024, 2025])
    assert {m.key: m.light for m in by_year[2024]}["terms_of_reference"] is Light.RED
    assert {m.key: m.light for m in by_year[2025]}["terms_of_reference"] is Light.GREEN

    sign_in(people["member"])
    page = client.get("/governance?year=2025").get_data(as_text=True)
    row = re.search(r'<tr data-measure="terms_of_reference">(.*?)</tr>', page, re.S).group(1)
    assert re.search(r'data-year="2024" data-light="red"', row)
    assert re.search(r'data-year="2025" data-light="green"', row)
    assert "Approved on" in row
    assert 'aria-labelledby="chart-trend-title' in page


# --- cost ---------------------------------------------------------------------------------------------------


def test_the_page_runs_as_many_statements_for_a_large_group_as_for_a_small_one(
    app, client, sign_in, people, group, make_member, make_meeting, make_org, count_queries
):
    sign_in(people["coordinator"])

    def statements() -> int:
        client.get("/governance?year=2025")  # the session and the menu settle first
        with count_queries() as counted:
            assert client.get("/governance?year=2025").status_code == 200
        return counted.count

    few = statements()
    orgs = [make_org(f"Bulk {i}", list(StakeholderType)[i % 10]) for i in range(10)]
    crowd = [
        make_member(
            organisation=orgs[i % 10], working_groups=list(group[i % 10].working_groups), password=False
        )
        for i in range(60)
    ]
    for month in range(1, 13):
        meeting = held(make_meeting, date(2025, month, 12), "thematic", invitees=crowd[: 5 * month])
        for invitation in meeting.invitations:
            invitation.attendance = Attendance.PRESENT
    send_enews([date(2025, m, 1) for m in range(1, 13)])
    approve_terms_of_reference(datetime(2025, 5, 2, 10, tzinfo=UTC))
    approve_terms_of_reference(datetime(2025, 9, 2, 10, tzinfo=UTC), number=2)
    db.session.commit()
    assert statements() == few


def _card(page: str, key: str) -> str:
    match = re.search(rf'<li class="card mb-3" id="{key}"(.*?)</li>\s*(?:<li class="card|</ul>)', page, re.S)
    assert match, f"no card {key}"
    return match.group(1)


def _years(client) -> list[int]:
    with client.application.test_request_context():
        return assessed_years()


def test_the_page_keeps_its_figures_between_requests_and_shows_a_change_at_once(
    client, sign_in, people, group, make_member, count_queries
):
    sign_in(people["member"])

    def experts() -> tuple[int, int]:
        with count_queries() as counted:
            page = client.get("/governance?year=2025").get_data(as_text=True)
        return int(re.search(r"(\d+) experts", _card(page, "composition")).group(1)), counted.count

    before, first = experts()
    again, kept = experts()
    assert again == before
    assert kept < first, "the second reading reuses the figures"

    make_member(role=MemberRole.EXPERT, joined_on=date(2025, 3, 1))
    assert experts()[0] == before + 1
    group[3].role = MemberRole.OBSERVER
    db.session.commit()
    assert experts()[0] == before
