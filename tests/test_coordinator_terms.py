import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.extensions import db
from nmg_ops.governance import services
from nmg_ops.models import AuditEntry, CoordinatorTerm
from tests.fixtures.factories import PASSWORD


def _terms() -> list[CoordinatorTerm]:
    return list(db.session.scalars(sa.select(CoordinatorTerm).order_by(CoordinatorTerm.starts_on)))


def _audit(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.subject_type == "coordinator_term", AuditEntry.action == action
            )
        )
    )


def _on(monkeypatch, day: date) -> None:
    monkeypatch.setattr(clock, "today", lambda: day)


# --- the rules, without HTTP ------------------------------------------------------------------------------


def test_add_term_defaults_to_one_year_and_is_audited(app, make_member):
    holder = make_member(full_name="Giulia Rossi")
    with app.test_request_context():
        term = services.add_term(holder, date(2025, 1, 15))
    db.session.commit()
    assert (term.starts_on, term.ends_on, term.rotation_position) == (date(2025, 1, 15), date(2026, 1, 15), 1)
    [entry] = _audit("created")
    assert entry.subject_id == term.id
    assert entry.subject_label == "Giulia Rossi, 2025-01-15 – 2026-01-14"
    assert entry.changes["starts_on"] == [None, "2025-01-15"]


def test_overlap_is_refused_naming_the_holder_and_dates(app, make_member, make_term):
    carla = make_member(full_name="Carla Bianchi")
    make_term(carla, starts_on=date(2025, 1, 1), days=365)
    newcomer = make_member()
    with app.test_request_context(), pytest.raises(services.GovernanceError) as refused:
        services.add_term(newcomer, date(2025, 12, 31))
    assert (
        str(refused.value) == "This term overlaps the term of Carla Bianchi from 1 Jan 2025 to 31 Dec 2025."
    )
    assert refused.value.field == "starts_on"
    with app.test_request_context():
        services.add_term(newcomer, date(2024, 1, 1), date(2025, 1, 1))
        services.add_term(newcomer, date(2026, 1, 1))
    db.session.commit()
    assert len(_terms()) == 3


def test_a_term_must_end_after_it_starts_and_go_to_a_current_member(app, make_member):
    with app.test_request_context(), pytest.raises(services.GovernanceError) as refused:
        services.add_term(make_member(), date(2025, 3, 1), date(2025, 3, 1))
    assert refused.value.field == "ends_on"
    gone = make_member(full_name="Luca Verdi", left_on=clock.today())
    with app.test_request_context(), pytest.raises(services.GovernanceError, match="Luca Verdi has left"):
        services.add_term(gone, clock.today())
    assert _terms() == []


def test_next_term_follows_the_last_one_or_starts_today(app, make_member, make_term):
    today = clock.today()
    assert services.next_term_defaults() == services.TermDefaults(today, services.one_year_after(today), 1)
    make_term(make_member(), starts_on=date(2020, 1, 1), position=1)
    assert services.next_term_defaults().starts_on == today
    make_term(make_member(), starts_on=today + timedelta(days=3), days=10, position=2)
    defaults = services.next_term_defaults()
    assert (defaults.starts_on, defaults.rotation_position) == (today + timedelta(days=13), 3)


def test_one_year_after_a_leap_day():
    assert services.one_year_after(date(2028, 2, 29)) == date(2029, 3, 1)


# --- the page ---------------------------------------------------------------------------------------------


def test_rotation_shows_past_current_and_planned_terms(client, people, sign_in, make_member, make_term):
    today = clock.today()
    first = make_member(full_name="Primo Past")
    make_term(first, starts_on=today - timedelta(days=400), days=370, position=0)
    make_term(make_member(full_name="Nina Next"), starts_on=today + timedelta(days=335), position=2)
    sign_in(people["member"])
    response = client.get("/coordinators")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = re.findall(r'<tr class="term-(\w+)[^"]*"[^>]*>(.*?)</tr>', html, re.S)
    assert [(status, next(n for n in ("Primo", "Carla", "Nina") if n in row)) for status, row in rows] == [
        ("past", "Primo"),
        ("current", "Carla"),
        ("planned", "Nina"),
    ]
    current_row = rows[1][1]
    # The stored end is exclusive; the page shows the last day of the term.
    last = today - timedelta(days=30) + timedelta(days=364)
    assert f"{last.day} {last:%b} {last.year}" in current_row
    assert 'aria-current="true"' in html
    assert "Add a term" not in html
    assert "Hand over" not in html


def test_coordinator_adds_the_next_term_with_the_offered_defaults(client, people, sign_in, make_member):
    sign_in(people["coordinator"])
    html = client.get("/coordinators").get_data(as_text=True)
    current_end = clock.today() - timedelta(days=30) + timedelta(days=365)
    assert re.search(rf'id="starts_on"[^>]*value="{current_end.isoformat()}"', html)
    assert re.search(r'id="rotation_position"[^>]*value="2"', html)
    next_holder = make_member(full_name="Nina Next")
    response = client.post(
        "/coordinators/new",
        data={
            "member_id": next_holder.id,
            "starts_on": current_end.isoformat(),
            "last_day": "",
            "rotation_position": "",
        },
    )
    assert response.status_code == 302
    term = _terms()[-1]
    assert (term.member_id, term.starts_on, term.ends_on) == (
        next_holder.id,
        current_end,
        services.one_year_after(current_end),
    )
    assert term.rotation_position == 2
    [entry] = _audit("created")
    assert entry.actor_id == people["coordinator"].id
    assert "Nina Next" in client.get("/coordinators").get_data(as_text=True)


def test_last_day_in_the_form_is_inclusive(client, people, sign_in):
    sign_in(people["admin"])
    response = client.post(
        "/coordinators/new",
        data={"member_id": people["member"].id, "starts_on": "2030-01-01", "last_day": "2030-06-30"},
    )
    assert response.status_code == 302
    assert _terms()[-1].ends_on == date(2030, 7, 1)


def test_overlapping_term_is_a_form_error_naming_the_holder(client, people, sign_in):
    sign_in(people["coordinator"])
    response = client.post(
        "/coordinators/new",
        data={"member_id": people["member"].id, "starts_on": clock.today().isoformat()},
    )
    assert response.status_code == 400
    assert "overlaps the term of Carla Coordinator" in response.get_data(as_text=True)
    assert len(_terms()) == 1


@pytest.mark.parametrize(
    "data",
    [
        {"starts_on": "2031-05-01", "last_day": "2031-04-01"},
        {"starts_on": "not a date"},
        {"starts_on": ""},
        {"starts_on": "2031-05-01", "rotation_position": "0"},
        {"starts_on": "2031-05-01", "member_id": "99999"},
        {"starts_on": "2031-05-01", "member_id": "abc"},
    ],
)
def test_bad_input_is_a_form_error(client, people, sign_in, data):
    sign_in(people["coordinator"])
    response = client.post("/coordinators/new", data={"member_id": people["member"].id, **data})
    assert response.status_code == 400
    assert 'class="invalid-feedback' in response.get_data(as_text=True)
    assert len(_terms()) == 1


def test_plain_members_cannot_change_the_rotation(client, people, sign_in, make_term):
    [current] = _terms()
    planned = make_term(people["member"], starts_on=clock.today() + timedelta(days=400), position=2)
    sign_in(people["member"])
    data = {"member_id": people["member"].id, "starts_on": "2040-01-01"}
    assert client.post("/coordinators/new", data=data).status_code == 403
    assert client.post(f"/coordinators/{planned.id}/delete").status_code == 403
    assert client.post(f"/coordinators/{current.id}/end").status_code == 403
    assert len(_terms()) == 2


def test_unknown_term_is_404(client, people, sign_in):
    sign_in(people["coordinator"])
    assert client.post("/coordinators/999/end").status_code == 404
    assert client.post("/coordinators/999/delete").status_code == 404


def test_planned_term_can_be_deleted_but_started_ones_cannot(client, people, sign_in, make_member, make_term):
    past = make_term(make_member(), starts_on=clock.today() - timedelta(days=800), days=400, position=0)
    current = _terms()[1]
    planned = make_term(
        make_member(full_name="Nina Next"), starts_on=clock.today() + timedelta(days=335), position=2
    )
    sign_in(people["coordinator"])
    for started in (past, current):
        response = client.post(f"/coordinators/{started.id}/delete", follow_redirects=True)
        assert "Only planned terms can be deleted" in response.get_data(as_text=True)
    assert len(_terms()) == 3
    response = client.post(f"/coordinators/{planned.id}/delete", follow_redirects=True)
    assert "The planned term of Nina Next has been deleted." in response.get_data(as_text=True)
    assert [t.id for t in _terms()] == [past.id, current.id]
    [entry] = _audit("deleted")
    assert entry.subject_label.startswith("Nina Next, ")


def test_hand_over_ends_the_current_term_today(client, people, sign_in):
    [term] = _terms()
    sign_in(people["coordinator"])
    response = client.post(f"/coordinators/{term.id}/end", data={"confirmed": "yes"}, follow_redirects=True)
    assert "ends today" in response.get_data(as_text=True)
    db.session.refresh(term)
    assert term.ends_on == clock.today() + timedelta(days=1)
    [entry] = _audit("ended")
    assert entry.changes["ends_on"][1] == (clock.today() + timedelta(days=1)).isoformat()
    # Ending again changes nothing; ending a term that is not current is refused.
    client.post(f"/coordinators/{term.id}/end", data={"confirmed": "yes"})
    assert len(_audit("ended")) == 1


def test_only_the_current_term_can_be_ended(client, people, sign_in, make_member, make_term):
    planned = make_term(make_member(), starts_on=clock.today() + timedelta(days=400), position=2)
    sign_in(people["admin"])
    response = client.post(f"/coordinators/{planned.id}/end", follow_redirects=True)
    assert "Only the current term can be ended." in response.get_data(as_text=True)
    db.session.refresh(planned)
    assert planned.ends_on == planned.starts_on + timedelta(days=365)


def test_rights_move_with_the_term(client, make_member, make_term, make_working_group, monkeypatch):
    group = make_working_group("WP4")
    anna, bruno = make_member(full_name="Anna Uscente"), make_member(full_name="Bruno Entrante")
    handover = date(2026, 3, 1)
    make_term(anna, starts_on=date(2025, 3, 1), days=(handover - date(2025, 3, 1)).days, position=1)
    make_term(bruno, starts_on=handover, position=2)
    manage_page = f"/working-groups/{group.id}/edit"

    def status_for(member) -> int:
        client.post("/sign-in", data={"email": member.email, "password": PASSWORD})
        status = client.get(manage_page).status_code
        client.post("/sign-out")
        return status

    _on(monkeypatch, handover - timedelta(days=1))
    assert (status_for(anna), status_for(bruno)) == (200, 403)
    _on(monkeypatch, handover)
    assert (status_for(anna), status_for(bruno)) == (403, 200)


def test_hand_over_moves_the_rights_the_next_day(client, people, sign_in, make_working_group, monkeypatch):
    group = make_working_group("WP4")
    [term] = _terms()
    sign_in(people["coordinator"])
    client.post(f"/coordinators/{term.id}/end", data={"confirmed": "yes"})
    tomorrow = clock.today() + timedelta(days=1)
    client.post(
        "/coordinators/new", data={"member_id": people["member"].id, "starts_on": tomorrow.isoformat()}
    )
    assert client.get(f"/working-groups/{group.id}/edit").status_code == 200
    client.post("/sign-out")
    _on(monkeypatch, tomorrow)
    sign_in(people["coordinator"])
    assert client.get(f"/working-groups/{group.id}/edit").status_code == 403
    client.post("/sign-out")
    sign_in(people["member"])
    assert client.get(f"/working-groups/{group.id}/edit").status_code == 200
