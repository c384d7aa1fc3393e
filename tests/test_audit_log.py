import re
from datetime import UTC, datetime, timedelta

import pytest

from nmg_ops.extensions import db
from nmg_ops.governance import audit_trail
from nmg_ops.models import AuditEntry

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def add_entry(app):
    def add(
        at=START,
        actor=None,
        action="updated",
        subject_type="member",
        subject_id=1,
        label="Someone",
        changes=None,
    ):
        entry = AuditEntry(
            at=at,
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            subject_label=label,
            changes=changes or {},
        )
        db.session.add(entry)
        db.session.commit()
        return entry

    return add


def _rows(html: str) -> list[str]:
    body = re.search(r'<table[^>]*id="audit".*?<tbody>(.*?)</tbody>', html, re.S)
    return re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S) if body else []


def test_plain_members_are_refused_and_the_team_may_read(client, people, sign_in):
    sign_in(people["member"])
    assert client.get("/audit").status_code == 403
    client.post("/sign-out")
    sign_in(people["coordination_team"])
    assert client.get("/audit").status_code == 200


def test_entries_show_who_what_and_the_changes_newest_first(client, people, sign_in, add_entry):
    add_entry(label="Older change", action="created", changes={"role": [None, "expert"]})
    add_entry(
        at=START + timedelta(hours=1),
        actor=people["coordinator"],
        label="Mario Rossi",
        changes={"position": ["Researcher", "Director"], "working_groups": [["WP4"], ["WP4", "WP5"]]},
    )
    sign_in(people["admin"])
    rows = _rows(client.get("/audit").get_data(as_text=True))
    assert len(rows) == 2
    newest, oldest = rows
    assert "Carla Coordinator" in newest
    assert "Researcher → Director" in newest
    assert "WP4 → WP4, WP5" in newest
    assert "system" in oldest
    assert "— → expert" in re.sub(r"<[^>]+>", "", oldest)


def test_times_are_shown_in_the_members_zone_across_dst(client, people, sign_in, add_entry):
    # 01:30 UTC on the night clocks go forward in Rome is 03:30 local time.
    add_entry(at=datetime(2025, 3, 30, 1, 30, tzinfo=UTC))
    sign_in(people["admin"])
    [row] = _rows(client.get("/audit").get_data(as_text=True))
    assert "30 Mar 2025, 03:30" in row


def test_filters_by_subject_type_and_actor(client, people, sign_in, add_entry):
    add_entry(actor=people["coordinator"], subject_type="member", label="Member changed by Carla")
    add_entry(actor=people["admin"], subject_type="working_group", label="Group changed by Ada")
    add_entry(actor=None, subject_type="member", label="Member imported by the system")
    sign_in(people["coordination_team"])

    def labels(query: str) -> list[str]:
        html = client.get(f"/audit?{query}").get_data(as_text=True)
        return sorted(
            re.search(r"(\w+) changed by|imported by the system", row).group(0) for row in _rows(html)
        )

    assert labels("type=member") == ["Member changed by", "imported by the system"]
    assert labels("type=working_group") == ["Group changed by"]
    assert labels(f"actor={people['coordinator'].id}") == ["Member changed by"]
    assert labels("actor=system") == ["imported by the system"]
    assert labels(f"type=working_group&actor={people['coordinator'].id}") == []
    html = client.get("/audit").get_data(as_text=True)
    assert re.search(r'<option value="working_group"[^>]*>Working group</option>', html)
    assert f'<option value="{people["admin"].id}">Ada Admin</option>' in html


@pytest.mark.parametrize(
    "query", ["actor=abc", "actor=-1", "page=xyz", "page=-3", "page=99", "type=" + "x" * 300]
)
def test_bad_query_parameters_are_ignored(client, people, sign_in, add_entry, query):
    add_entry()
    sign_in(people["coordinator"])
    assert client.get(f"/audit?{query}").status_code == 200


def test_fifty_entries_per_page_keeping_the_filter(client, people, sign_in, add_entry):
    for i in range(audit_trail.AUDIT_PER_PAGE + 1):
        add_entry(at=START + timedelta(minutes=i), subject_type="working_group", label=f"Entry {i:02d}")
    add_entry(at=START + timedelta(days=1), subject_type="member", label="Not a group")
    sign_in(people["coordinator"])
    html = client.get("/audit?type=working_group").get_data(as_text=True)
    rows = _rows(html)
    assert len(rows) == 50
    assert "Entry 50" in rows[0]
    assert "Page 1 of 2" in html
    assert 'href="/audit?page=2&amp;type=working_group"' in html
    [last] = _rows(client.get("/audit?page=2&type=working_group").get_data(as_text=True))
    assert "Entry 00" in last


def test_subjects_link_to_where_they_can_be_seen(client, people, sign_in, add_entry):
    add_entry(subject_type="coordinator_term", label="Carla Coordinator, 2025-01-01 – 2025-12-31")
    add_entry(subject_type="member", subject_id=people["member"].id, label="Paolo Member")
    add_entry(subject_type="organisation", label="ISS")
    sign_in(people["coordinator"])
    rows = _rows(client.get("/audit").get_data(as_text=True))
    assert f'<a href="/members/{people["member"].id}">Paolo Member</a>' in "".join(rows)
    assert '<a href="/coordinators">Carla Coordinator, 2025-01-01 – 2025-12-31</a>' in "".join(rows)
    assert "<a" not in next(row for row in rows if "ISS" in row)


def test_the_page_takes_the_same_number_of_queries_for_any_number_of_actors(
    client, people, sign_in, add_entry, make_member, count_queries
):
    sign_in(people["admin"])
    counts = []
    for actors in (1, 25):
        for _ in range(actors):
            add_entry(actor=make_member())
        with count_queries() as queries:
            assert client.get("/audit").status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1]
    db.session.expunge_all()
    with count_queries() as queries:
        page = audit_trail.audit_entries(1, audit_trail.AuditFilter())
        assert len({entry.actor.full_name for entry in page.items}) == 26
    # One count for the pager, one for the entries with their actors.
    assert queries.count == 2


def test_actions_and_subjects_read_the_same_on_the_trail_and_the_members_page(
    client, people, sign_in, add_entry
):
    from nmg_ops import audit

    with pytest.raises(ValueError):
        audit.record("renamed", "member", 1, "Someone")
    with pytest.raises(ValueError):
        audit.record("updated", "spaceship", 1, "Someone")
    member = people["member"]
    add_entry(action="invited", subject_type="member", subject_id=member.id, label=member.full_name)
    sign_in(people["admin"])
    trail = client.get("/audit").get_data(as_text=True)
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "Invitation sent" in trail and "Invitation sent" in page
    assert '<option value="member">Member</option>' in trail
