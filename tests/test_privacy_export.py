"""A member's own data, as a JSON file and a printable page; the coordinator's copy of any member's."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa

from nmg_ops import audit, clock
from nmg_ops.api import tokens
from nmg_ops.delivery.outbox import build_message, enqueue
from nmg_ops.extensions import db
from nmg_ops.governance import consultations
from nmg_ops.models import (
    ActionItem,
    Attendance,
    AuditAction,
    AuditSubject,
    ConsentEvent,
    Invitation,
    MeetingStatus,
    Minutes,
    MinutesComment,
    NewsConsent,
    NewsEdition,
    NewsSubscriber,
    ProcedureAnswer,
    Rsvp,
    SubscriberStatus,
    Survey,
    WrittenProcedure,
)
from tests.fixtures.consultations import open_survey

CATEGORIES = {
    "profile",
    "working_groups",
    "coordinator_terms",
    "consultation_answers",
    "consultations_answered",
    "meetings",
    "actions",
    "minutes_comments",
    "written_procedure_answers",
    "news_subscriptions",
    "news_consents",
    "sign_ins",
    "api_tokens",
    "mails",
    "audit_entries",
}


def _anonymous_survey() -> Survey:
    survey = consultations.create_survey(
        consultations.SurveyDraft(
            title="Secret ballot",
            description=None,
            audience=consultations.SurveyAudience.ALL,
            deadline_at=clock.now() + timedelta(days=10),
            is_anonymous=True,
        )
    )
    consultations.add_question(
        survey, consultations.QuestionDraft(consultations.QuestionKind.TEXT, "Hidden?")
    )
    consultations.open_survey(survey)
    return survey


def _seed_everything(me, make_working_group, make_term, make_meeting):
    """One record of every kind about `me`, and the same about someone else that must stay out."""
    me.working_groups = [make_working_group("WP7", "Data governance")]
    make_term(me, starts_on=clock.today() + timedelta(days=400))
    named = open_survey()
    which, why = named.questions
    consultations.answer(named, me, {which.id: ["B"], why.id: ["Because of the registries"]})
    hidden = _anonymous_survey()
    consultations.answer(hidden, me, {hidden.questions[0].id: ["my anonymous secret"]})
    meeting = make_meeting(status=MeetingStatus.CONFIRMED, title="Plenary of spring")
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.meeting_id == meeting.id))
    invitation = invitation or Invitation(meeting=meeting, member=me)
    invitation.member, invitation.rsvp, invitation.rsvp_at = me, Rsvp.YES, clock.now()
    invitation.attendance = Attendance.PRESENT
    db.session.add(invitation)
    db.session.add(ActionItem(title="Draft the registry note", owners=[me], created_by_id=me.id))
    minutes = Minutes(meeting=meeting)
    db.session.add(minutes)
    db.session.flush()
    db.session.add(
        MinutesComment(minutes_id=minutes.id, section="opening", body="Typo in line 2", author_id=me.id)
    )
    procedure = WrittenProcedure(minutes=minutes, version=1, deadline_on=clock.today())
    db.session.add(procedure)
    db.session.flush()
    db.session.add(
        ProcedureAnswer(
            procedure_id=procedure.id,
            member_id=me.id,
            answered_at=clock.now(),
            is_objection=True,
            reason="Wrong date",
        )
    )
    db.session.add(NewsSubscriber(email=me.email, name="Paolo", status=SubscriberStatus.CONFIRMED))
    db.session.add(
        NewsConsent(
            email=me.email,
            edition=NewsEdition.PUBLIC,
            event=ConsentEvent.GIVEN,
            wording="I want the monthly e-news",
            source="confirmation link",
        )
    )
    mail = build_message(
        to_email=me.email,
        to_name=me.full_name,
        subject="Your invitation to the plenary",
        text="Hi",
        html="<p>Hi</p>",
    )
    enqueue("test", f"test:{me.id}", me.email, mail)
    tokens.create(me, "My spreadsheet")
    audit.record(AuditAction.UPDATED, AuditSubject.MEMBER, me.id, me.full_name, {"position": ["", "Analyst"]})
    db.session.commit()


def test_my_data_holds_every_category(client, people, sign_in, make_working_group, make_term, make_meeting):
    me = people["member"]
    _seed_everything(me, make_working_group, make_term, make_meeting)
    sign_in(me)
    response = client.get("/profile/my-data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert set(data) >= CATEGORIES
    assert all(data[key] for key in CATEGORIES), [key for key in CATEGORIES if not data[key]]
    assert data["profile"][0]["email"] == "plain@example.org"
    assert data["working_groups"] == [{"code": "WP7", "name": "Data governance"}]
    assert {"consultation": "Priorities", "question": "Why?", "answer": "Because of the registries"} in data[
        "consultation_answers"
    ]
    assert {"consultation": "Secret ballot", "anonymous": True} in data["consultations_answered"]
    assert data["meetings"][0]["answer"] == "yes" and data["meetings"][0]["attendance"] == "present"
    assert data["actions"][0]["action"] == "Draft the registry note"
    assert data["minutes_comments"][0]["comment"] == "Typo in line 2"
    assert data["written_procedure_answers"][0]["reason"] == "Wrong date"
    assert data["news_consents"][0]["wording"] == "I want the monthly e-news"
    assert data["sign_ins"][-1]["success"] is True
    assert [t["name"] for t in data["api_tokens"]] == ["My spreadsheet"]
    assert "token_hash" not in data["api_tokens"][0]
    assert "Your invitation to the plenary" in [m["subject"] for m in data["mails"]]
    assert "Analyst" in data["audit_entries"][0]["changes"]
    # The anonymous answer is linked to nobody, so it is in nobody's export.
    assert "my anonymous secret" not in response.get_data(as_text=True)
    assert "coordinator@example.org" not in response.get_data(as_text=True)


def test_my_data_page_is_readable(client, people, sign_in, make_working_group, make_term, make_meeting):
    me = people["member"]
    _seed_everything(me, make_working_group, make_term, make_meeting)
    sign_in(me)
    assert 'href="/profile/my-data"' in client.get("/profile").get_data(as_text=True)
    page = client.get("/profile/my-data").get_data(as_text=True)
    for text in (
        "Paolo Member",
        "WP7",
        "Because of the registries",
        "I will attend",
        "Draft the registry note",
    ):
        assert text in page
    assert "Typo in line 2" in page and "I want the monthly e-news" in page and "Analyst" in page
    assert "my anonymous secret" not in page


def test_a_member_cannot_read_another_members_data(client, people, sign_in):
    sign_in(people["member"])
    other = people["coordination_team"].id
    assert client.get(f"/members/{other}/data").status_code == 403
    assert client.get(f"/members/{other}/data.json").status_code == 403
    # My own address takes no member id: there is nothing to change to reach someone else's.
    assert "ct@example.org" not in client.get("/profile/my-data.json").get_data(as_text=True)


def test_the_coordinator_produces_any_members_data(client, people, sign_in):
    sign_in(people["coordinator"])
    member = people["member"]
    assert f'href="/members/{member.id}/data"' in client.get(f"/members/{member.id}").get_data(as_text=True)
    data = json.loads(client.get(f"/members/{member.id}/data.json").get_data(as_text=True))
    assert data["profile"][0]["email"] == "plain@example.org"
    page = client.get(f"/members/{member.id}/data").get_data(as_text=True)
    assert "Data of Paolo Member" in page
    assert client.get("/members/99999/data").status_code == 404
