"""The authorization matrix: every route, every role, against the policy written down here.

The table is the policy as the NMG agreed it, written independently of the code's own declarations; a
route that is not in the table fails the coverage test, so no new page escapes it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nmg_ops import clock
from nmg_ops.api import tokens
from nmg_ops.delivery.outbox import build_message, enqueue
from nmg_ops.extensions import db
from nmg_ops.models import (
    ActionItem,
    AgendaItem,
    DeliveryStatus,
    MeetingStatus,
    OutboundMessage,
    SurveyReach,
)
from tests.fixtures.consultations import open_survey, published_survey
from tests.fixtures.factories import PASSWORD
from tests.fixtures.news import news_world

ROLES = ("public", "member", "coordination_team", "coordinator", "admin")
ANYONE = frozenset(ROLES)
SIGNED_IN = ANYONE - {"public"}
LEADERS = frozenset({"coordinator", "admin"})
TEAM_AND_LEADERS = frozenset({"coordination_team", "coordinator", "admin"})

# (method, URL rule, path to request, roles allowed)
MATRIX = [
    ("GET", "/", "/", ANYONE),
    ("GET", "/sign-in", "/sign-in", ANYONE),
    ("GET", "/language/<code>", "/language/en", ANYONE),
    ("POST", "/sign-in", "/sign-in", ANYONE),
    ("POST", "/sign-out", "/sign-out", SIGNED_IN),
    ("GET", "/password/forgot", "/password/forgot", ANYONE),
    ("POST", "/password/forgot", "/password/forgot", ANYONE),
    ("GET", "/invitation/<token>", "/invitation/not-a-token", ANYONE),
    ("POST", "/invitation/<token>", "/invitation/not-a-token", ANYONE),
    ("GET", "/password/reset/<token>", "/password/reset/not-a-token", ANYONE),
    ("POST", "/password/reset/<token>", "/password/reset/not-a-token", ANYONE),
    ("GET", "/members/", "/members/", SIGNED_IN),
    ("GET", "/members/search.json", "/members/search.json?q=a", SIGNED_IN),
    ("GET", "/members/<int:member_id>", "/members/{member}", SIGNED_IN),
    ("GET", "/members/new", "/members/new", LEADERS),
    ("POST", "/members/new", "/members/new", LEADERS),
    ("GET", "/members/<int:member_id>/edit", "/members/{member}/edit", LEADERS),
    ("POST", "/members/<int:member_id>/edit", "/members/{member}/edit", LEADERS),
    ("POST", "/members/<int:member_id>/invite", "/members/{member}/invite", LEADERS),
    ("POST", "/members/<int:member_id>/deactivate", "/members/{member}/deactivate", LEADERS),
    ("POST", "/members/<int:member_id>/reactivate", "/members/{member}/reactivate", LEADERS),
    ("GET", "/members/import", "/members/import", LEADERS),
    ("POST", "/members/import", "/members/import", LEADERS),
    ("POST", "/members/import/confirm", "/members/import/confirm", LEADERS),
    ("GET", "/members/export.csv", "/members/export.csv", LEADERS),
    ("GET", "/organisations/", "/organisations/", SIGNED_IN),
    ("GET", "/organisations/new", "/organisations/new", LEADERS),
    ("POST", "/organisations/new", "/organisations/new", LEADERS),
    ("GET", "/organisations/<int:organisation_id>/edit", "/organisations/{organisation}/edit", LEADERS),
    ("POST", "/organisations/<int:organisation_id>/edit", "/organisations/{organisation}/edit", LEADERS),
    (
        "POST",
        "/organisations/<int:organisation_id>/deactivate",
        "/organisations/{organisation}/deactivate",
        LEADERS,
    ),
    (
        "POST",
        "/organisations/<int:organisation_id>/reactivate",
        "/organisations/{organisation}/reactivate",
        LEADERS,
    ),
    ("GET", "/profile", "/profile", SIGNED_IN),
    ("POST", "/profile", "/profile", SIGNED_IN),
    ("POST", "/profile/password", "/profile/password", SIGNED_IN),
    ("POST", "/profile/sign-out-everywhere", "/profile/sign-out-everywhere", SIGNED_IN),
    ("GET", "/profile/my-data", "/profile/my-data", SIGNED_IN),
    ("GET", "/profile/my-data.json", "/profile/my-data.json", SIGNED_IN),
    # Personal API tokens: each member makes and revokes their own (another's token is a 404).
    ("POST", "/profile/api-tokens", "/profile/api-tokens", SIGNED_IN),
    (
        "POST",
        "/profile/api-tokens/<int:token_id>/revoke",
        "/profile/api-tokens/{api_token}/revoke",
        SIGNED_IN,
    ),
    # The read API: its documents and what the group publishes to anyone; a member's own records with a
    # token (or a signed-in browser), a visitor without one gets 401.
    ("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", ANYONE),
    ("GET", "/api/v1/docs", "/api/v1/docs", ANYONE),
    ("GET", "/api/v1/group", "/api/v1/group", ANYONE),
    ("GET", "/api/v1/composition", "/api/v1/composition", ANYONE),
    ("GET", "/api/v1/events", "/api/v1/events", ANYONE),
    ("GET", "/api/v1/news", "/api/v1/news", ANYONE),
    ("GET", "/api/v1/documents", "/api/v1/documents", ANYONE),
    ("GET", "/api/v1/consultations", "/api/v1/consultations", ANYONE),
    ("GET", "/api/v1/self-assessments", "/api/v1/self-assessments", ANYONE),
    ("GET", "/api/v1/me", "/api/v1/me", SIGNED_IN),
    ("GET", "/api/v1/me/meetings", "/api/v1/me/meetings", SIGNED_IN),
    ("GET", "/api/v1/me/answers", "/api/v1/me/answers", SIGNED_IN),
    ("GET", "/api/v1/me/actions", "/api/v1/me/actions", SIGNED_IN),
    ("GET", "/api/v1/me/minutes", "/api/v1/me/minutes", SIGNED_IN),
    ("GET", "/api/v1/me/decisions", "/api/v1/me/decisions", SIGNED_IN),
    ("GET", "/members/<int:member_id>/data", "/members/{member}/data", LEADERS),
    ("GET", "/members/<int:member_id>/data.json", "/members/{member}/data.json", LEADERS),
    ("GET", "/privacy", "/privacy", ANYONE),
    ("GET", "/privacy/retention", "/privacy/retention", LEADERS),
    ("GET", "/members/<int:member_id>/erase", "/members/{member}/erase", LEADERS),
    ("POST", "/members/<int:member_id>/erase", "/members/{member}/erase", LEADERS),
    ("GET", "/composition", "/composition", SIGNED_IN),
    # The self-assessment: everyone signed in reads it; the coordinator answers its questions.
    ("GET", "/governance", "/governance", SIGNED_IN),
    ("POST", "/governance/answers/<measure>", "/governance/answers/funding", LEADERS),
    # The self-assessment in its open format: the schema and the years published are for anyone; members
    # download any year's document; the coordinator publishes, takes back and imports earlier years.
    ("GET", "/self-assessment/schema/1.json", "/self-assessment/schema/1.json", ANYONE),
    ("GET", "/self-assessment/<int:year>.json", "/self-assessment/{year}.json", ANYONE),
    ("GET", "/self-assessment/latest.json", "/self-assessment/latest.json", ANYONE),
    ("GET", "/governance/<int:year>.json", "/governance/{year}.json", SIGNED_IN),
    ("POST", "/governance/<int:year>/publish", "/governance/{year}/publish", LEADERS),
    ("POST", "/governance/<int:year>/unpublish", "/governance/{year}/unpublish", LEADERS),
    ("GET", "/governance/import", "/governance/import", LEADERS),
    ("POST", "/governance/import", "/governance/import", LEADERS),
    ("POST", "/governance/import/confirm", "/governance/import/confirm", LEADERS),
    # The partnership view (on in the tests' settings): everyone signed in compares the NMGs.
    ("GET", "/partnership", "/partnership", SIGNED_IN),
    ("GET", "/partnership.csv", "/partnership.csv", SIGNED_IN),
    ("GET", "/partnership.xlsx", "/partnership.xlsx", SIGNED_IN),
    ("GET", "/partnership.pdf", "/partnership.pdf", SIGNED_IN),
    # The addresses it reads and the files uploaded to it: the coordinator's, as the self-assessment is.
    ("POST", "/partnership/sources", "/partnership/sources", LEADERS),
    ("POST", "/partnership/sources/<int:source_id>/remove", "/partnership/sources/1/remove", LEADERS),
    ("POST", "/partnership/upload", "/partnership/upload", LEADERS),
    # The annual report: the team and the leaders read and download it; the coordinator publishes it.
    ("GET", "/governance/annual-report", "/governance/annual-report", TEAM_AND_LEADERS),
    (
        "GET",
        "/governance/annual-report/<int:year>.<any(pdf, docx):extension>",
        "/governance/annual-report/{year}.pdf",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/governance/annual-report/<int:year>/publish",
        "/governance/annual-report/{year}/publish",
        LEADERS,
    ),
    ("GET", "/coordinators", "/coordinators", SIGNED_IN),
    ("POST", "/coordinators/new", "/coordinators/new", LEADERS),
    ("POST", "/coordinators/<int:term_id>/end", "/coordinators/{term}/end", LEADERS),
    ("POST", "/coordinators/<int:term_id>/delete", "/coordinators/{term}/delete", LEADERS),
    # The rotation: proposing and confirming the next coordinator, and the handover page.
    ("POST", "/coordinators/propose", "/coordinators/propose", LEADERS),
    ("POST", "/coordinators/<int:term_id>/confirm", "/coordinators/{term}/confirm", TEAM_AND_LEADERS),
    ("GET", "/coordinators/handover", "/coordinators/handover", TEAM_AND_LEADERS),
    ("GET", "/working-groups", "/working-groups", SIGNED_IN),
    ("POST", "/working-groups/new", "/working-groups/new", LEADERS),
    ("GET", "/working-groups/<int:group_id>/edit", "/working-groups/{group}/edit", LEADERS),
    ("POST", "/working-groups/<int:group_id>/edit", "/working-groups/{group}/edit", LEADERS),
    (
        "POST",
        "/working-groups/<int:group_id>/<any(deactivate, reactivate):change>",
        "/working-groups/{group}/deactivate",
        LEADERS,
    ),
    ("GET", "/audit", "/audit", TEAM_AND_LEADERS),
    ("GET", "/calendar/<token>.ics", "/calendar/not-a-token.ics", ANYONE),
    ("GET", "/calendar/public.ics", "/calendar/public.ics", ANYONE),
    ("GET", "/meetings/<int:meeting_id>.ics", "/meetings/{public_meeting}.ics", ANYONE),
    ("GET", "/events/<int:meeting_id>", "/events/{public_meeting}", ANYONE),
    ("POST", "/profile/calendar", "/profile/calendar", SIGNED_IN),
    ("POST", "/profile/calendar/alarm", "/profile/calendar/alarm", SIGNED_IN),
    ("GET", "/rsvp/<token>/<any(yes, no, maybe):choice>", "/rsvp/not-a-token/yes", ANYONE),
    ("POST", "/rsvp/<token>/<any(yes, no, maybe):choice>", "/rsvp/not-a-token/yes", ANYONE),
    ("GET", "/meetings/", "/meetings/", SIGNED_IN),
    ("GET", "/meetings/my", "/meetings/my", SIGNED_IN),
    ("GET", "/meetings/new", "/meetings/new", LEADERS),
    ("POST", "/meetings/new", "/meetings/new", LEADERS),
    ("GET", "/meetings/<int:meeting_id>", "/meetings/{public_meeting}", SIGNED_IN),
    ("GET", "/meetings/<int:meeting_id>/edit", "/meetings/{meeting}/edit", LEADERS),
    ("POST", "/meetings/<int:meeting_id>/edit", "/meetings/{meeting}/edit", LEADERS),
    ("POST", "/meetings/<int:meeting_id>/confirm", "/meetings/{meeting}/confirm", LEADERS),
    ("POST", "/meetings/<int:meeting_id>/cancel", "/meetings/{meeting}/cancel", LEADERS),
    ("POST", "/meetings/<int:meeting_id>/delete", "/meetings/{meeting}/delete", LEADERS),
    ("GET", "/meetings/<int:meeting_id>/invitees", "/meetings/{meeting}/invitees", LEADERS),
    ("POST", "/meetings/<int:meeting_id>/invitees", "/meetings/{meeting}/invitees", LEADERS),
    (
        "POST",
        "/meetings/<int:meeting_id>/invitees/<int:invitation_id>/remove",
        "/meetings/{meeting}/invitees/{invitation}/remove",
        LEADERS,
    ),
    ("GET", "/meetings/<int:meeting_id>/agenda", "/meetings/{meeting}/agenda", TEAM_AND_LEADERS),
    ("POST", "/meetings/<int:meeting_id>/agenda", "/meetings/{meeting}/agenda", TEAM_AND_LEADERS),
    (
        "GET",
        "/meetings/<int:meeting_id>/agenda/<int:item_id>/edit",
        "/meetings/{meeting}/agenda/{agenda_item}/edit",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/agenda/<int:item_id>/edit",
        "/meetings/{meeting}/agenda/{agenda_item}/edit",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/agenda/<int:item_id>/move",
        "/meetings/{meeting}/agenda/{agenda_item}/move",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/agenda/<int:item_id>/delete",
        "/meetings/{meeting}/agenda/{agenda_item}/delete",
        TEAM_AND_LEADERS,
    ),
    (
        "GET",
        "/documents/agenda-items/<int:item_id>/materials",
        "/documents/agenda-items/{agenda_item}/materials",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/documents/agenda-items/<int:item_id>/materials/document",
        "/documents/agenda-items/{agenda_item}/materials/document",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/documents/agenda-items/<int:item_id>/materials/link",
        "/documents/agenda-items/{agenda_item}/materials/link",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/documents/agenda-items/<int:item_id>/materials/<int:material_id>/remove",
        "/documents/agenda-items/{agenda_item}/materials/1/remove",
        TEAM_AND_LEADERS,
    ),
    (
        "GET",
        "/documents/meetings/<int:meeting_id>/pack.pdf",
        "/documents/meetings/{public_meeting}/pack.pdf",
        SIGNED_IN,
    ),
    ("POST", "/meetings/<int:meeting_id>/rsvp", "/meetings/{meeting}/rsvp", SIGNED_IN),
    ("GET", "/meetings/<int:meeting_id>/attendance", "/meetings/{past_meeting}/attendance", TEAM_AND_LEADERS),
    ("GET", "/meetings/<int:meeting_id>/minutes", "/meetings/{past_meeting}/minutes", SIGNED_IN),
    (
        "GET",
        "/meetings/<int:meeting_id>/minutes/edit",
        "/meetings/{past_meeting}/minutes/edit",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/minutes/edit",
        "/meetings/{past_meeting}/minutes/edit",
        TEAM_AND_LEADERS,
    ),
    (
        "GET",
        "/meetings/<int:meeting_id>/minutes/erratum",
        "/meetings/{past_meeting}/minutes/erratum",
        LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/minutes/erratum",
        "/meetings/{past_meeting}/minutes/erratum",
        LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/minutes/circulate",
        "/meetings/{past_meeting}/minutes/circulate",
        TEAM_AND_LEADERS,
    ),
    # Minutes of a plenary-approved type: the coordinator approves, the team may not.
    (
        "GET",
        "/meetings/<int:meeting_id>/minutes/approve",
        "/meetings/{past_meeting}/minutes/approve",
        LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/minutes/approve",
        "/meetings/{past_meeting}/minutes/approve",
        LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/minutes/written-procedure",
        "/meetings/{past_meeting}/minutes/written-procedure",
        LEADERS,
    ),
    # Anyone signed in reaches it; only those asked in an open procedure have their answer taken.
    (
        "POST",
        "/meetings/<int:meeting_id>/minutes/written-procedure/answer",
        "/meetings/{past_meeting}/minutes/written-procedure/answer",
        SIGNED_IN,
    ),
    (
        "GET",
        "/meetings/<int:meeting_id>/minutes/revisions",
        "/meetings/{past_meeting}/minutes/revisions",
        TEAM_AND_LEADERS,
    ),
    (
        "GET",
        "/meetings/<int:meeting_id>/minutes/compare",
        "/meetings/{past_meeting}/minutes/compare",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/minutes/revisions/<int:number>/restore",
        "/meetings/{past_meeting}/minutes/revisions/1/restore",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/minutes/comments",
        "/meetings/{past_meeting}/minutes/comments",
        SIGNED_IN,
    ),
    (
        "GET",
        "/meetings/<int:meeting_id>/minutes/comments/<int:comment_id>/reply",
        "/meetings/{past_meeting}/minutes/comments/1/reply",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/minutes/comments/<int:comment_id>/reply",
        "/meetings/{past_meeting}/minutes/comments/1/reply",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/minutes/edit/<section_key>/decision",
        "/meetings/{past_meeting}/minutes/edit/opening/decision",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/minutes/edit/<section_key>/action",
        "/meetings/{past_meeting}/minutes/edit/opening/action",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/minutes/decisions",
        "/meetings/{past_meeting}/minutes/decisions",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/minutes/decisions/<int:decision_id>/delete",
        "/meetings/{past_meeting}/minutes/decisions/1/delete",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/meetings/<int:meeting_id>/attendance",
        "/meetings/{past_meeting}/attendance",
        TEAM_AND_LEADERS,
    ),
    ("GET", "/meetings/plan", "/meetings/plan", LEADERS),
    ("POST", "/meetings/plan", "/meetings/plan", LEADERS),
    ("POST", "/meetings/plan/confirm", "/meetings/plan/confirm", LEADERS),
    ("GET", "/meetings/cadence", "/meetings/cadence", TEAM_AND_LEADERS),
    ("GET", "/meetings/types", "/meetings/types", LEADERS),
    ("GET", "/meetings/types/new", "/meetings/types/new", LEADERS),
    ("POST", "/meetings/types/new", "/meetings/types/new", LEADERS),
    ("GET", "/meetings/types/<int:type_id>/edit", "/meetings/types/{meeting_type}/edit", LEADERS),
    ("POST", "/meetings/types/<int:type_id>/edit", "/meetings/types/{meeting_type}/edit", LEADERS),
    ("GET", "/deliveries", "/deliveries", LEADERS),
    ("POST", "/deliveries/<int:message_id>/retry", "/deliveries/{message}/retry", LEADERS),
    ("GET", "/meetings/<int:meeting_id>/minutes.pdf", "/meetings/{past_meeting}/minutes.pdf", SIGNED_IN),
    ("GET", "/meetings/<int:meeting_id>/minutes.md", "/meetings/{past_meeting}/minutes.md", SIGNED_IN),
    ("GET", "/decisions.<any(csv, xlsx):extension>", "/decisions.csv", SIGNED_IN),
    ("GET", "/actions.<any(csv, xlsx):extension>", "/actions.xlsx", TEAM_AND_LEADERS),
    ("GET", "/decisions", "/decisions", SIGNED_IN),
    ("GET", "/records/search", "/records/search?q=plan", SIGNED_IN),
    ("GET", "/actions", "/actions", TEAM_AND_LEADERS),
    ("GET", "/actions/mine", "/actions/mine", SIGNED_IN),
    ("GET", "/actions/new", "/actions/new", TEAM_AND_LEADERS),
    ("POST", "/actions/new", "/actions/new", TEAM_AND_LEADERS),
    # Members see their own actions and those of minutes they may read; the target's is neither (404).
    ("GET", "/actions/<int:action_id>", "/actions/{action}", SIGNED_IN),
    ("GET", "/actions/<int:action_id>/edit", "/actions/{action}/edit", TEAM_AND_LEADERS),
    ("POST", "/actions/<int:action_id>/edit", "/actions/{action}/edit", TEAM_AND_LEADERS),
    ("POST", "/actions/<int:action_id>/status", "/actions/{action}/status", SIGNED_IN),
    (
        "POST",
        "/meetings/<int:meeting_id>/agenda/matters-arising",
        "/meetings/{meeting}/agenda/matters-arising",
        TEAM_AND_LEADERS,
    ),
    # Consultations: members answer the surveys addressed to them; results are for the team and leaders.
    ("GET", "/consultations", "/consultations", SIGNED_IN),
    ("GET", "/consultations/new", "/consultations/new", LEADERS),
    ("POST", "/consultations/new", "/consultations/new", LEADERS),
    ("GET", "/consultations/<int:survey_id>", "/consultations/{survey}", SIGNED_IN),
    ("POST", "/consultations/<int:survey_id>/questions", "/consultations/{survey}/questions", LEADERS),
    (
        "POST",
        "/consultations/<int:survey_id>/questions/<int:question_id>/remove",
        "/consultations/{survey}/questions/{question}/remove",
        LEADERS,
    ),
    (
        "GET",
        "/consultations/<int:survey_id>/questions/<int:question_id>",
        "/consultations/{survey}/questions/{question}",
        LEADERS,
    ),
    (
        "POST",
        "/consultations/<int:survey_id>/questions/<int:question_id>",
        "/consultations/{survey}/questions/{question}",
        LEADERS,
    ),
    (
        "POST",
        "/consultations/<int:survey_id>/questions/<int:question_id>/move/<any(up, down):direction>",
        "/consultations/{survey}/questions/{question}/move/up",
        LEADERS,
    ),
    ("POST", "/consultations/<int:survey_id>/open", "/consultations/{survey}/open", LEADERS),
    ("POST", "/consultations/<int:survey_id>/answer", "/consultations/{survey}/answer", SIGNED_IN),
    ("GET", "/consultations/<int:survey_id>/results", "/consultations/{survey}/results", TEAM_AND_LEADERS),
    ("GET", "/public-consultations/<int:survey_id>", "/public-consultations/{public_survey}", ANYONE),
    ("POST", "/public-consultations/<int:survey_id>", "/public-consultations/{public_survey}", ANYONE),
    ("GET", "/public-consultations/confirm/<token>", "/public-consultations/confirm/not-a-token", ANYONE),
    ("POST", "/public-consultations/confirm/<token>", "/public-consultations/confirm/not-a-token", ANYONE),
    ("GET", "/public-consultations/withdraw/<token>", "/public-consultations/withdraw/not-a-token", ANYONE),
    ("POST", "/public-consultations/withdraw/<token>", "/public-consultations/withdraw/not-a-token", ANYONE),
    (
        "GET",
        "/consultations/<int:survey_id>/results.<any(csv, xlsx):extension>",
        "/consultations/{survey}/results.csv",
        TEAM_AND_LEADERS,
    ),
    # Published results: the coordinator publishes and takes back; a page published to anyone (the
    # target) is read, and downloaded, without an account.
    ("POST", "/consultations/<int:survey_id>/publish", "/consultations/{survey}/publish", LEADERS),
    ("POST", "/consultations/<int:survey_id>/unpublish", "/consultations/{published}/unpublish", LEADERS),
    ("GET", "/consultations/<int:survey_id>/published", "/consultations/{published}/published", ANYONE),
    (
        "GET",
        "/consultations/<int:survey_id>/published.<any(csv, xlsx):extension>",
        "/consultations/{published}/published.xlsx",
        ANYONE,
    ),
    # Documents: the list for members; the document page and downloads are open to anyone, and show a
    # public document (the target) to anyone; new documents and versions for the team, approval for leaders.
    ("GET", "/documents/", "/documents/", SIGNED_IN),
    ("GET", "/documents/new", "/documents/new", TEAM_AND_LEADERS),
    ("POST", "/documents/new", "/documents/new", TEAM_AND_LEADERS),
    ("GET", "/documents/<int:document_id>", "/documents/{document}", ANYONE),
    ("POST", "/documents/<int:document_id>/versions", "/documents/{document}/versions", TEAM_AND_LEADERS),
    ("GET", "/documents/<int:document_id>/versions/<int:number>", "/documents/{document}/versions/1", ANYONE),
    ("GET", "/documents/<int:document_id>/current", "/documents/{document}/current", ANYONE),
    (
        "POST",
        "/documents/<int:document_id>/versions/<int:number>/approve",
        "/documents/{document}/versions/2/approve",
        LEADERS,
    ),
    ("POST", "/documents/<int:document_id>/visibility", "/documents/{document}/visibility", TEAM_AND_LEADERS),
    # E-news subscriptions: subscribing, confirming and unsubscribing need no account (an unsubscribe link
    # also serves former members); the subscriber pages are the team's.
    ("GET", "/news/subscribe", "/news/subscribe", ANYONE),
    ("POST", "/news/subscribe", "/news/subscribe", ANYONE),
    ("GET", "/news/subscribe/check-your-mail", "/news/subscribe/check-your-mail", ANYONE),
    ("GET", "/news/confirm/<token>", "/news/confirm/not-a-token", ANYONE),
    ("POST", "/news/confirm/<token>", "/news/confirm/not-a-token", ANYONE),
    ("GET", "/news/unsubscribe/<token>", "/news/unsubscribe/not-a-token", ANYONE),
    ("POST", "/news/unsubscribe/<token>", "/news/unsubscribe/not-a-token", ANYONE),
    ("POST", "/news/unsubscribe/<token>/erase", "/news/unsubscribe/not-a-token/erase", ANYONE),
    ("POST", "/profile/e-news", "/profile/e-news", SIGNED_IN),
    ("GET", "/news/subscribers", "/news/subscribers", TEAM_AND_LEADERS),
    (
        "POST",
        "/news/subscribers/<int:subscriber_id>/remove",
        "/news/subscribers/{subscriber}/remove",
        TEAM_AND_LEADERS,
    ),
    (
        "POST",
        "/news/suppressions/<int:suppression_id>/lift",
        "/news/suppressions/{suppression}/lift",
        TEAM_AND_LEADERS,
    ),
    ("GET", "/news/subscribers/import", "/news/subscribers/import", TEAM_AND_LEADERS),
    ("POST", "/news/subscribers/import", "/news/subscribers/import", TEAM_AND_LEADERS),
    ("POST", "/news/subscribers/import/confirm", "/news/subscribers/import/confirm", TEAM_AND_LEADERS),
    # E-news issues: the team composes and sends, the coordinator approves; the archive is public.
    ("GET", "/news/issues", "/news/issues", TEAM_AND_LEADERS),
    ("POST", "/news/issues/draft", "/news/issues/draft", TEAM_AND_LEADERS),
    ("GET", "/news/issues/<int:issue_id>", "/news/issues/{issue}", TEAM_AND_LEADERS),
    ("POST", "/news/issues/<int:issue_id>", "/news/issues/{issue}", TEAM_AND_LEADERS),
    ("GET", "/news/issues/<int:issue_id>/preview", "/news/issues/{issue}/preview", TEAM_AND_LEADERS),
    (
        "GET",
        "/news/issues/<int:issue_id>/preview/mail",
        "/news/issues/{issue}/preview/mail",
        TEAM_AND_LEADERS,
    ),
    ("POST", "/news/issues/<int:issue_id>/test", "/news/issues/{issue}/test", TEAM_AND_LEADERS),
    ("POST", "/news/issues/<int:issue_id>/approve", "/news/issues/{issue}/approve", LEADERS),
    (
        "POST",
        "/news/issues/<int:issue_id>/ask-approval",
        "/news/issues/{issue}/ask-approval",
        TEAM_AND_LEADERS,
    ),
    ("POST", "/news/issues/<int:issue_id>/schedule", "/news/issues/{issue}/schedule", TEAM_AND_LEADERS),
    ("POST", "/news/issues/<int:issue_id>/unschedule", "/news/issues/{issue}/unschedule", TEAM_AND_LEADERS),
    ("GET", "/news/issues/<int:issue_id>/send", "/news/issues/{issue}/send", TEAM_AND_LEADERS),
    ("POST", "/news/issues/<int:issue_id>/send", "/news/issues/{issue}/send", TEAM_AND_LEADERS),
    ("GET", "/news/issues/<int:issue_id>/progress", "/news/issues/{issue}/progress", TEAM_AND_LEADERS),
    (
        "GET",
        "/news/issues/<int:issue_id>/progress.json",
        "/news/issues/{issue}/progress.json",
        TEAM_AND_LEADERS,
    ),
    ("GET", "/news/images", "/news/images", TEAM_AND_LEADERS),
    ("POST", "/news/images", "/news/images", TEAM_AND_LEADERS),
    ("POST", "/news/images/<int:image_id>/remove", "/news/images/1/remove", TEAM_AND_LEADERS),
    ("GET", "/news/images/<string:public_key>.<any(png, jpg):extension>", "/news/images/unknown.png", ANYONE),
    ("GET", "/news", "/news", ANYONE),
    ("GET", "/news/<int:number>", "/news/{news_number}", ANYONE),
    ("GET", "/news/feed.atom", "/news/feed.atom", ANYONE),
]

# Framework routes serving files, the same for everyone.
UNGUARDED_ENDPOINTS = {"static", "bootstrap.static"}


def test_every_route_is_in_the_matrix(app):
    served = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in UNGUARDED_ENDPOINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    listed = {(method, rule) for method, rule, _path, _roles in MATRIX}
    assert served - listed == set(), "routes missing from the authorization matrix"
    assert listed - served == set(), "the matrix lists routes the app does not serve"


def _public_document() -> int:
    """A public document with an approved first version and a draft second one."""
    from nmg_ops.documents import library
    from nmg_ops.models import DocumentKind, DocumentVisibility
    from tests.fixtures.documents import pdf_bytes

    document = library.create_document(
        library.NewDocument("Terms of reference", DocumentKind.TERMS_OF_REFERENCE, DocumentVisibility.PUBLIC),
        pdf_bytes(),
        "tor.pdf",
        "",
        None,
    )
    library.approve(document.versions[0], None, note="Approved at the kick-off")
    library.add_version(document, pdf_bytes(2), "tor.pdf", "", None)
    db.session.commit()
    return document.id


@pytest.fixture
def targets(make_member, make_org, make_term, make_working_group, make_meeting, people):
    """Things the routes act on, none of them the signed-in person, so acting on them keeps the session."""
    organisation = make_org(name="Target organisation")
    member = make_member(email="target@example.org", full_name="Tina Target", organisation=organisation)
    term = make_term(member, starts_on=clock.today() + timedelta(days=400), position=2)
    group = make_working_group("WP7")
    message = build_message(to_email=member.email, to_name=member.full_name, subject="S", text="t", html="h")
    message_id = enqueue("test", "authorization-matrix", member.email, message)
    db.session.execute(
        sa.update(OutboundMessage)
        .where(OutboundMessage.id == message_id)
        .values(status=DeliveryStatus.FAILED)
    )
    db.session.commit()
    public_meeting = make_meeting("partnership_event", status=MeetingStatus.CONFIRMED, is_public=True)
    meeting = make_meeting("bilateral", invitees=[member])
    meeting.agenda_items.append(AgendaItem(position=1, title="Introductions"))
    past_meeting = make_meeting(
        "thematic",
        starts_at=clock.now() - timedelta(days=1),
        invitees=[member],
        status=MeetingStatus.CONFIRMED,
    )
    action = ActionItem(title="Send the target's report", owners=[member], meeting_id=past_meeting.id)
    db.session.add(action)
    db.session.commit()
    tokens.create(member, "Target's script")
    return {
        "action": action.id,
        "api_token": tokens.tokens_of(member)[0].id,
        "public_meeting": public_meeting.id,
        "meeting": meeting.id,
        "invitation": meeting.invitations[0].id,
        "agenda_item": meeting.agenda_items[0].id,
        "past_meeting": past_meeting.id,
        "meeting_type": meeting.type_id,
        "member": member.id,
        "organisation": organisation.id,
        "term": term.id,
        "group": group.id,
        "message": message_id,
        **_survey_and_question(),
        "document": _public_document(),
        **_news(),
        "year": clock.local(clock.now()).year,
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_what_the_policy_allows(app, people, targets, role):
    person = people[role]
    outcomes = []
    for method, _rule, path, allowed in MATRIX:
        client = app.test_client()
        if person is not None:
            assert (
                client.post("/sign-in", data={"email": person.email, "password": PASSWORD}).status_code == 302
            )
        response = client.open(path.format(**targets), method=method)
        location = response.headers.get("Location", "")
        # Flask-Login sends visitors to sign in with the page they wanted in ?next=.
        sent_to_sign_in = response.status_code == 302 and location.startswith("/sign-in?next=")
        # A program is not sent to a sign-in page: the API answers a visitor 401, as problem details.
        if path.startswith("/api/"):
            sent_to_sign_in = response.status_code == 401 and response.mimetype == "application/problem+json"
        assert response.status_code < 500, f"{method} {path} as {role}: {response.status_code}"
        if role in allowed:
            ok = response.status_code not in (401, 403) and not sent_to_sign_in
        elif person is None:
            ok = sent_to_sign_in
        else:
            ok = response.status_code == 403
        if not ok:
            outcomes.append(f"{method} {path} as {role}: {response.status_code} {location}")
        db.session.rollback()
    assert outcomes == []


def _news() -> dict[str, int]:
    news = news_world()
    return {
        "issue": news.draft_id,
        "news_number": news.sent_number,
        "subscriber": news.subscriber_id,
        "suppression": news.suppression_id,
    }


def _survey_and_question() -> dict[str, int]:
    survey = open_survey()
    public = open_survey(SurveyReach.PUBLIC)
    return {
        "survey": survey.id,
        "question": survey.questions[0].id,
        "published": published_survey().id,
        "public_survey": public.id,
    }
