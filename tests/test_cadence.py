"""The cadence dashboard: agreed, planned and held meetings per year and type, and who attends."""

from datetime import UTC, datetime, timedelta

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.meetings import cadence, planning
from nmg_ops.models import Attendance, MeetingMode, MeetingStatus, StakeholderType


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=UTC)


def test_a_committed_plan_meets_the_cadence_without_warnings(app, people):
    year = clock.today().year + 1
    planning.commit(planning.propose(year, clock.today()), people["coordinator"].id, clock.today())
    (entry,) = [c for c in cadence.cadence([year], clock.now())]
    rows = {row.kind.code: row for row in entry.rows}
    assert (rows["plenary"].planned, rows["plenary"].onsite, rows["thematic"].planned) == (6, 2, 3)
    assert rows["bilateral"].target is None and rows["bilateral"].meets_target
    assert entry.warnings == []


def test_shortfalls_read_as_plain_warnings(app, make_meeting):
    year = clock.today().year + 1
    make_meeting("plenary", starts_at=_at(year, 2, 3), mode=MeetingMode.ONSITE)
    make_meeting("plenary", starts_at=_at(year, 4, 6), mode=MeetingMode.ONLINE)
    make_meeting(
        "plenary", starts_at=_at(year, 5, 6), status=MeetingStatus.CANCELLED, mode=MeetingMode.ONSITE
    )
    (entry,) = cadence.cadence([year], clock.now())
    plenary = next(row for row in entry.rows if row.kind.code == "plenary")
    assert (plenary.planned, plenary.cancelled, plenary.onsite) == (2, 1, 1)
    assert f"{year} – Plenary meeting: only 2 planned, 6 agreed." in entry.warnings
    assert f"{year} – Plenary meeting: only 1 onsite planned, 2 agreed." in entry.warnings
    assert f"{year} – Thematic meeting: only 0 planned, 3 agreed." in entry.warnings


def test_past_years_count_what_was_held_and_what_still_lacks_a_record(app, make_meeting):
    year = clock.today().year - 1
    make_meeting("plenary", starts_at=_at(year, 3, 3), status=MeetingStatus.HELD, mode=MeetingMode.ONSITE)
    make_meeting("plenary", starts_at=_at(year, 5, 5), status=MeetingStatus.CONFIRMED)
    (entry,) = cadence.cadence([year], clock.now())
    assert f"{year} – Plenary meeting: only 1 held of 6 agreed." in entry.warnings
    assert f"{year} – Plenary meeting: 1 past meetings still await their attendance record." in entry.warnings


def test_a_meeting_counts_for_the_year_it_starts_in_rome(app, make_meeting):
    year = clock.today().year + 1
    # 23:30 UTC on 31 December is already 1 January in Rome.
    make_meeting("thematic", starts_at=datetime(year - 1, 12, 31, 23, 30, tzinfo=UTC))
    (later, earlier) = cadence.cadence([year - 1, year], clock.now())
    assert next(r for r in later.rows if r.kind.code == "thematic").planned == 1
    assert next(r for r in earlier.rows if r.kind.code == "thematic").planned == 0


def test_attendance_rates_by_member_and_stakeholder_type(app, make_meeting, make_member, make_org):
    year = clock.today().year - 1
    ministry = make_org(name="Ministero", stakeholder_type=StakeholderType.MINISTRY)
    patients = make_org(name="Pazienti", stakeholder_type=StakeholderType.PATIENT)
    anna = make_member(full_name="Anna", organisation=ministry)
    bruno = make_member(full_name="Bruno", organisation=patients)
    marks = [(Attendance.PRESENT, Attendance.ABSENT), (Attendance.PRESENT, Attendance.EXCUSED)]
    for month, (for_anna, for_bruno) in zip((3, 6), marks, strict=True):
        meeting = make_meeting(
            "plenary", starts_at=_at(year, month, 10), status=MeetingStatus.HELD, invitees=[anna, bruno]
        )
        meeting.invitations[0].attendance = for_anna
        meeting.invitations[1].attendance = for_bruno
    # A cancelled meeting and another year's held one do not count.
    make_meeting("plenary", starts_at=_at(year, 9, 9), status=MeetingStatus.CANCELLED, invitees=[anna])
    db.session.commit()

    report = cadence.attendance(year)
    assert report.meetings_held == 2
    by_name = {m.name: m.tally for m in report.members}
    assert by_name["Anna"].rate == 1.0
    assert (by_name["Bruno"].present, by_name["Bruno"].excused, by_name["Bruno"].absent) == (0, 1, 1)
    assert by_name["Bruno"].rate == 0.0
    by_type = dict(report.by_stakeholder_type)
    assert by_type[StakeholderType.MINISTRY].rate == 1.0
    assert by_type[StakeholderType.PATIENT].recorded == 2
    assert report.overall.rate == 0.5
    assert cadence.attendance(year + 1).overall.recorded == 0


def test_the_dashboard_shows_cadence_and_attendance(client, people, sign_in, make_meeting, count_queries):
    year = clock.today().year
    for offset in range(20):
        make_meeting(
            "bilateral",
            starts_at=_at(year, 1, 1) + timedelta(days=offset),
            status=MeetingStatus.HELD,
            invitees=[people["member"]],
        )
    sign_in(people["coordination_team"])
    with count_queries() as queries:
        page = client.get(f"/meetings/cadence?year={year}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Plenary meeting" in html and f"{year + 1}" in html
    assert "only 0 planned, 6 agreed" in html
    assert "No attendance recorded" in html
    # Whatever the number of meetings: session, member, roles, years, cadence, attendance.
    assert queries.count <= 12


def test_dashboard_query_count_does_not_grow_with_meetings(
    client, people, sign_in, make_meeting, count_queries
):
    sign_in(people["coordinator"])
    year = clock.today().year - 1
    client.get("/meetings/cadence")
    with count_queries() as few:
        client.get(f"/meetings/cadence?year={year}")
    for month in range(1, 13):
        meeting = make_meeting(
            "plenary", starts_at=_at(year, month, 12), status=MeetingStatus.HELD, invitees=[people["member"]]
        )
        meeting.invitations[0].attendance = Attendance.PRESENT
    db.session.commit()
    with count_queries() as many:
        page = client.get(f"/meetings/cadence?year={year}")
    assert "Paolo Member" in page.get_data(as_text=True)
    assert many.count == few.count


def test_unknown_year_falls_back_to_this_year(client, people, sign_in):
    sign_in(people["coordinator"])
    page = client.get("/meetings/cadence?year=abc")
    assert page.status_code == 200
    assert f"Attendance {clock.today().year}" in page.get_data(as_text=True)
