import re

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.governance.composition import composition_on
from nmg_ops.models import AuditEntry, WorkingGroup


def _groups() -> list[tuple[str, str, bool]]:
    rows = db.session.execute(
        sa.select(WorkingGroup.code, WorkingGroup.name, WorkingGroup.is_active).order_by(WorkingGroup.id)
    )
    return [tuple(row) for row in rows]


def _audit() -> list[tuple[str, dict]]:
    rows = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.changes)
        .where(AuditEntry.subject_type == "working_group")
        .order_by(AuditEntry.id)
    )
    return [tuple(row) for row in rows]


def test_list_shows_current_members_per_group(client, people, sign_in, make_member, make_working_group):
    wp4, wp5 = make_working_group("WP4", "Genomics"), make_working_group("WP5", "Data")
    make_member(working_groups=[wp4, wp5])
    make_member(working_groups=[wp4])
    make_member(working_groups=[wp4], left_on=clock.today())
    sign_in(people["member"])
    response = client.get("/working-groups")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    counts = re.findall(r"<td>(WP\d)</td>\s*<td>[^<]*</td>\s*<td[^>]*>(\d+)</td>", html)
    assert counts == [("WP4", "2"), ("WP5", "1")]
    assert "Add a working group" not in html
    assert "Rename" not in html


def test_coordinator_adds_a_group(client, people, sign_in):
    sign_in(people["coordinator"])
    response = client.post("/working-groups/new", data={"code": " WP7 ", "name": "Rare diseases"})
    assert response.status_code == 302
    assert _groups() == [("WP7", "Rare diseases", True)]
    assert _audit() == [
        ("created", {"code": [None, "WP7"], "name": [None, "Rare diseases"], "is_active": [None, True]})
    ]
    assert "WP7" in client.get("/working-groups").get_data(as_text=True)


def test_duplicate_code_is_refused_whatever_the_case(client, people, sign_in, make_working_group):
    make_working_group("WP4")
    sign_in(people["admin"])
    response = client.post("/working-groups/new", data={"code": "wp4", "name": "Again"})
    assert response.status_code == 400
    assert "Another working group already has the code wp4." in response.get_data(as_text=True)
    assert len(_groups()) == 1


@pytest.mark.parametrize(
    "data", [{"code": "", "name": "No code"}, {"code": "X" * 21, "name": "Long"}, {"code": "WP9", "name": ""}]
)
def test_bad_fields_are_form_errors(client, people, sign_in, data):
    sign_in(people["coordinator"])
    response = client.post("/working-groups/new", data=data)
    assert response.status_code == 400
    assert 'class="invalid-feedback' in response.get_data(as_text=True)
    assert _groups() == []


def test_rename_keeps_codes_unique_and_is_audited(client, people, sign_in, make_working_group):
    wp4 = make_working_group("WP4", "Genomics")
    make_working_group("WP5", "Data")
    sign_in(people["coordinator"])
    assert client.get(f"/working-groups/{wp4.id}/edit").status_code == 200
    response = client.post(f"/working-groups/{wp4.id}/edit", data={"code": "Wp5", "name": "Genomics"})
    assert response.status_code == 400
    assert "already has the code Wp5" in response.get_data(as_text=True)
    response = client.post(
        f"/working-groups/{wp4.id}/edit", data={"code": "wp4", "name": "Genomics of Europe"}
    )
    assert response.status_code == 302
    assert _groups()[0] == ("wp4", "Genomics of Europe", True)
    assert _audit() == [("updated", {"code": ["WP4", "wp4"], "name": ["Genomics", "Genomics of Europe"]})]


def test_deactivate_and_reactivate(app, client, people, sign_in, make_working_group):
    group = make_working_group("WP4")
    sign_in(people["coordinator"])
    response = client.post(f"/working-groups/{group.id}/deactivate", follow_redirects=True)
    assert "Working group WP4 – Work package WP4 is deactivated." in response.get_data(as_text=True)
    assert _groups() == [("WP4", "Work package WP4", False)]
    with app.test_request_context():
        assert composition_on().by_working_group == []
    client.post(f"/working-groups/{group.id}/reactivate")
    assert _groups()[0][2] is True
    assert [action for action, _changes in _audit()] == ["deactivated", "reactivated"]


def test_members_cannot_manage_groups(client, people, sign_in, make_working_group):
    group = make_working_group("WP4")
    sign_in(people["coordination_team"])
    assert client.post("/working-groups/new", data={"code": "WP5", "name": "x"}).status_code == 403
    assert client.get(f"/working-groups/{group.id}/edit").status_code == 403
    assert client.post(f"/working-groups/{group.id}/deactivate").status_code == 403
    assert _groups() == [("WP4", "Work package WP4", True)]


def test_unknown_group_is_404(client, people, sign_in):
    sign_in(people["coordinator"])
    assert client.get("/working-groups/42/edit").status_code == 404
    assert client.post("/working-groups/42/deactivate").status_code == 404
    assert client.post("/working-groups/1/archive").status_code == 404
