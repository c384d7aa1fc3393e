"""Searching the record: words in any field of minutes, decisions and actions, in Italian or English, with
or without capitals and accents; each reader finds only what they may read."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.minutes import access, actions, decisions, writing
from nmg_ops.minutes.actions import ActionData
from nmg_ops.models import ActionItem, Attendance, MeetingStatus, MinutesStatus
from nmg_ops.permissions import roles_of
from tests.fixtures.factories import PASSWORD


@pytest.fixture
def minutes_of(make_meeting, people):
    """`minutes_of(title, text, status, invitees)`: a held thematic meeting, those invited present, whose
    minutes say `text` in `status`, with a decision and an action of the coordination team saying it too."""
    team = people["coordination_team"]
    count = iter(range(1, 100))

    def make(title: str, text: str, status: MinutesStatus, invitees=()):
        meeting = make_meeting(
            "thematic",
            starts_at=clock.now() - timedelta(days=10 + next(count)),
            invitees=list(invitees),
            status=MeetingStatus.HELD,
            title=title,
        )
        for invitation in meeting.invitations:
            invitation.attendance = Attendance.PRESENT
        db.session.commit()
        meeting = writing.meeting_for_minutes(meeting.id)
        writing.save(meeting, {"opening": text}, 0, team.id)
        minutes = writing.minutes_of(meeting.id)
        decisions.record(meeting, minutes, "opening", f"Decisione: {text}", team.id)
        actions.record(
            ActionData(title=f"Azione: {text}", is_team_owned=True, meeting_id=meeting.id), team.id
        )
        minutes.status = status
        db.session.commit()
        return meeting

    return make


def _client(app, member):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": member.email, "password": PASSWORD}).status_code == 302
    return client


def _found(client, q: str) -> dict[str, tuple[int, str]]:
    """Per kind of result, the count shown and the text of the group."""
    page = client.get("/records/search", query_string={"q": q}).get_data(as_text=True)
    groups = {}
    for kind in ("minutes", "decisions", "actions"):
        start = page.index(f'id="found-{kind}"')
        end = page.find("</section>", start)
        group = page[start:end]
        groups[kind] = (int(re.search(r'badge text-bg-light">(\d+)<', group)[1]), group)
    return groups


@pytest.mark.parametrize("query", ["attività", "ATTIVITA", "Attivita", "ATTIVITÀ regionali"])
def test_accents_and_capitals_do_not_matter_in_minutes_decisions_and_actions(app, minutes_of, people, query):
    member = people["member"]
    minutes_of("Riunione di ottobre", "Le attività regionali del gruppo", MinutesStatus.APPROVED, [member])
    actions.record(ActionData(title="Elencare le Attività in corso", owner_ids=[member.id]), member.id)
    found = _found(_client(app, member), query)
    assert found["minutes"][0] == 1 and "Riunione di ottobre" in found["minutes"][1]
    assert (
        found["decisions"][0] == 1 and "Decisione: Le attività regionali del gruppo" in found["decisions"][1]
    )
    expected_actions = 1 if "regionali" in query else 2
    assert found["actions"][0] == expected_actions
    assert "Azione: Le attività regionali del gruppo" in found["actions"][1]


def test_english_words_and_words_in_any_order(app, minutes_of, people):
    minutes_of(
        "October workshop", "The roadmap for the data spaces", MinutesStatus.APPROVED, [people["member"]]
    )
    client = _client(app, people["member"])
    assert _found(client, "SPACES roadmap")["minutes"][0] == 1
    assert _found(client, "roadmap budget")["minutes"][0] == 0


def test_a_member_does_not_find_what_they_may_not_read(app, minutes_of, people, make_member):
    member, colleague = people["member"], make_member(full_name="Chiara Colleague")
    minutes_of("Approvato, presente", "attività alfa", MinutesStatus.APPROVED, [member])
    minutes_of("Bozza, presente", "attività beta", MinutesStatus.DRAFT, [member])
    minutes_of("Approvato, altri", "attività gamma", MinutesStatus.APPROVED, [colleague])
    minutes_of("Circolato, altri", "attività delta", MinutesStatus.CIRCULATED, [colleague])
    actions.record(ActionData(title="attività epsilon", owner_ids=[colleague.id]), colleague.id)

    found = _found(_client(app, member), "attivita")
    assert [count for count, _group in found.values()] == [1, 1, 1]
    for kind, (_count, group) in found.items():
        for hidden in ("beta", "gamma", "delta", "epsilon"):
            assert hidden not in group, (kind, hidden)

    found = _found(_client(app, people["coordination_team"]), "attivita")
    assert [count for count, _group in found.values()] == [4, 4, 5]


def test_an_empty_search_shows_only_the_form(app, people):
    page = _client(app, people["member"]).get("/records/search?q=+").get_data(as_text=True)
    assert 'name="q"' in page and 'id="found-minutes"' not in page


def test_the_search_runs_as_many_statements_for_few_and_many_records(app, minutes_of, people, count_queries):
    client = _client(app, people["member"])
    minutes_of("Prima", "attività", MinutesStatus.APPROVED, [people["member"]])
    client.get("/records/search?q=attivita")
    with count_queries() as few:
        client.get("/records/search?q=attivita")
    for n in range(6):
        minutes_of(f"Riunione {n}", "attività", MinutesStatus.APPROVED, [people["member"]])
    with count_queries() as many:
        client.get("/records/search?q=attivita")
    assert many.count == few.count


def test_the_visible_actions_clause_says_what_may_see_action_says(minutes_of, people, make_member):
    """The register's SQL and the action page's rule are one rule: checked for every reader and action."""
    member, colleague = people["member"], make_member(full_name="Chiara Colleague")
    minutes_of("Approvato, presente", "uno", MinutesStatus.APPROVED, [member])
    minutes_of("Bozza, presente", "due", MinutesStatus.DRAFT, [member])
    minutes_of("Circolato, presente", "tre", MinutesStatus.CIRCULATED, [member])
    minutes_of("Approvato, altri", "quattro", MinutesStatus.APPROVED, [colleague])
    minutes_of("Circolato, altri", "cinque", MinutesStatus.CIRCULATED, [colleague])
    actions.record(ActionData(title="mia", owner_ids=[member.id]), member.id)
    actions.record(ActionData(title="sua", owner_ids=[colleague.id]), colleague.id)
    readers = [member, colleague, people["coordination_team"], people["coordinator"], None]
    every = list(db.session.scalars(sa.select(ActionItem)))
    for reader in readers:
        member_id, roles = (reader.id if reader else None), roles_of(reader)
        by_sql = set(
            db.session.scalars(
                sa.select(ActionItem.id).where(access.visible_actions_clause(member_id, roles))
            )
        )
        by_rule = {a.id for a in every if access.may_see_action(a, member_id, roles)}
        assert by_sql == by_rule, reader
    titles = {a.title for a in every if access.may_see_action(a, member.id, roles_of(member))}
    assert titles == {"Azione: uno", "Azione: tre", "mia"}
