"""Meeting types: the agreed cadence as data the coordinator edits."""

import re

import pytest
import sqlalchemy as sa

from nmg_ops import clock, config
from nmg_ops.extensions import db
from nmg_ops.meetings import planning
from nmg_ops.meetings.types import meeting_type
from nmg_ops.models import AuditEntry, MeetingMode, MeetingType


def _form(**changes):
    data = {
        "name": "Plenary meeting",
        "default_mode": "online",
        "target_per_year": "6",
        "min_onsite_per_year": "2",
        "default_duration_minutes": "120",
        "reminder_days": "7, 1",
        "agenda_call_days": "14",
        "minutes_comment_days": "10",
        "minutes_approval": "meeting",
        "is_active": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_configured_framework_is_listed(client, people, sign_in):
    sign_in(people["coordinator"])
    html = client.get("/meetings/types").get_data(as_text=True)
    for name in (
        "Plenary meeting",
        "Thematic meeting",
        "Technical/scientific bilateral meeting",
        "Partnership event",
    ):
        assert name in html
    assert "as needed" in html


def test_the_coordinator_changes_the_cadence_and_the_plan_follows(client, people, sign_in):
    sign_in(people["coordinator"])
    plenary = meeting_type("plenary")
    response = client.post(
        f"/meetings/types/{plenary.id}/edit",
        data=_form(target_per_year="4", min_onsite_per_year="1", reminder_days="1; 10, 3"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    plenary = meeting_type("plenary")
    assert (plenary.target_per_year, plenary.min_onsite_per_year, plenary.reminder_days) == (4, 1, [10, 3, 1])
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.subject_type == "meeting_type"))
    assert entry.changes["target_per_year"] == [6, 4]

    plan = planning.propose(clock.today().year + 1, clock.today())
    plenaries = [slot for slot in plan.slots if slot.kind.code == "plenary"]
    assert len(plenaries) == 4
    assert [slot.mode for slot in plenaries].count(MeetingMode.ONSITE) == 2, "first and last, as configured"


def test_bad_values_are_refused_with_reasons(client, people, sign_in):
    sign_in(people["admin"])
    plenary = meeting_type("plenary")
    page = client.post(f"/meetings/types/{plenary.id}/edit", data=_form(min_onsite_per_year="7"))
    assert page.status_code == 200
    assert "At most the number of meetings per year (6)." in page.get_data(as_text=True)
    page = client.post(f"/meetings/types/{plenary.id}/edit", data=_form(reminder_days="7, tomorrow"))
    assert "“tomorrow” is not a number of days from 1 to 365." in page.get_data(as_text=True)
    db.session.expire_all()
    assert meeting_type("plenary").min_onsite_per_year == 2
    assert meeting_type("plenary").reminder_days == [7, 1]


def test_a_new_type_needs_a_fresh_well_formed_code(client, people, sign_in):
    sign_in(people["coordinator"])
    taken = client.post("/meetings/types/new", data=_form(code="plenary", name="Another"))
    assert "Another meeting type already has this code." in taken.get_data(as_text=True)
    malformed = client.post("/meetings/types/new", data=_form(code="9 lives", name="Another"))
    assert "Use lower-case letters, digits and _" in malformed.get_data(as_text=True)
    made = client.post(
        "/meetings/types/new",
        data=_form(code="Steering", name="Steering committee", target_per_year="2", min_onsite_per_year="0"),
    )
    assert made.status_code == 302
    steering = db.session.scalar(sa.select(MeetingType).where(MeetingType.code == "steering"))
    assert (
        steering.name == "Steering committee"
        and steering.position > meeting_type("partnership_event").position
    )


def test_a_retired_type_leaves_the_new_meeting_form(client, people, sign_in):
    sign_in(people["coordinator"])
    bilateral = meeting_type("bilateral")
    form = _form(
        name=bilateral.name,
        default_mode="hybrid",
        target_per_year="",
        min_onsite_per_year="0",
        default_duration_minutes="60",
        agenda_call_days="",
        is_active=None,
    )
    saved = client.post(f"/meetings/types/{bilateral.id}/edit", data=form, follow_redirects=True)
    assert "not in use" in saved.get_data(as_text=True)
    assert bilateral.name not in client.get("/meetings/new").get_data(as_text=True)


def test_reading_the_meeting_pages_writes_nothing(client, people, sign_in):
    sign_in(people["coordinator"])
    db.session.execute(sa.delete(MeetingType))
    db.session.commit()
    for path in ("/meetings/", "/meetings/types", "/meetings/cadence"):
        assert client.get(path).status_code == 200, path
    assert db.session.scalar(sa.select(sa.func.count(MeetingType.id))) == 0


def test_a_type_says_who_approves_its_minutes_and_how_long_comments_stay_open(client, people, sign_in):
    sign_in(people["coordinator"])
    assert meeting_type("bilateral").minutes_approval == "coordinator"  # as configured
    assert meeting_type("thematic").minutes_approval == "meeting"
    assert meeting_type("thematic").minutes_approving_type.code == "plenary"
    plenary = meeting_type("plenary")
    response = client.post(
        f"/meetings/types/{plenary.id}/edit", data=_form(minutes_approval="written", minutes_comment_days="5")
    )
    assert response.status_code == 302
    db.session.expire_all()
    plenary = meeting_type("plenary")
    assert (plenary.minutes_approval, plenary.minutes_comment_days) == ("written", 5)
    listed = client.get("/meetings/types").get_data(as_text=True)
    assert "By written procedure" in listed and "By the coordinator" in listed
    refused = client.post(f"/meetings/types/{plenary.id}/edit", data=_form(minutes_comment_days="0"))
    assert refused.status_code == 200 and "Number must be between 1 and 90" in refused.get_data(as_text=True)


def test_the_type_form_has_a_name_for_each_language_of_the_nmg(client, people, sign_in):
    sign_in(people["coordinator"])
    plenary = meeting_type("plenary")
    page = client.get(f"/meetings/types/{plenary.id}/edit").get_data(as_text=True)
    # The tests' NMG works in English first, then Italian.
    assert re.search(r'<label[^>]*for="name">Name in English</label>', page)
    assert re.search(r'<input[^>]*id="name"[^>]*lang="en"[^>]*value="Plenary meeting"', page)
    assert re.search(r'<label[^>]*for="name_it">Name in Italian</label>', page)
    assert re.search(r'<input[^>]*id="name_it"[^>]*lang="it"[^>]*value="Riunione plenaria"', page)

    response = client.post(
        f"/meetings/types/{plenary.id}/edit", data=_form(name="Plenary", name_it="Plenaria")
    )
    assert response.status_code == 302
    db.session.expire_all()
    plenary = meeting_type("plenary")
    assert (plenary.name, plenary.names) == ("Plenary", {"en": "Plenary", "it": "Plenaria"})
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.subject_type == "meeting_type"))
    assert entry.changes["names"][1] == {"en": "Plenary", "it": "Plenaria"}
    assert "en: Plenary; it: Plenaria" in client.get("/audit").get_data(as_text=True)

    client.post(f"/meetings/types/{plenary.id}/edit", data=_form(name="Plenary", name_it=""))
    db.session.expire_all()
    plenary = meeting_type("plenary")
    assert plenary.names == {"en": "Plenary"}
    assert (plenary.name_in("it"), plenary.name_in("en")) == ("Plenary", "Plenary"), "the default's name"


def test_a_name_in_a_language_falls_back_to_the_nmgs_own():
    kind = MeetingType(code="x", name="Riunione plenaria", names={"it": "Riunione plenaria", "en": "Plenary"})
    assert (kind.name_in("en"), kind.name_in("it"), kind.name_in("de"), kind.name_in(None)) == (
        "Plenary",
        "Riunione plenaria",
        "Riunione plenaria",
        "Riunione plenaria",
    )


def test_configured_types_are_named_in_the_nmgs_default_language(tmp_path):
    italian = config.load("development", tmp_path)
    plenary = next(spec for spec in italian["MEETING_TYPES"] if spec["code"] == "plenary")
    assert italian["DEFAULT_LANGUAGE"] == "it"
    assert (plenary["name"], plenary["names"]) == (
        "Riunione plenaria",
        {"it": "Riunione plenaria", "en": "Plenary meeting"},
    )
    english = config.load("testing", tmp_path)
    assert english["MEETING_TYPES"][0]["name"] == "Plenary meeting"

    one_language = config.load("testing", tmp_path, {"MEETING_TYPES": [{"code": "board", "name": "Board"}]})
    assert one_language["MEETING_TYPES"][0]["names"] == {"en": "Board"}
    for broken in (
        {"code": "board"},
        {"code": "board", "names": {"en": ""}},
        {"code": "board", "names": "Board"},
    ):
        with pytest.raises(config.ConfigError, match="board"):
            config.load("testing", tmp_path, {"MEETING_TYPES": [broken]})
