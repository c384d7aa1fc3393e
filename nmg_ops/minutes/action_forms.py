"""Forms of the actions and decisions pages: the registers' filters, an action, its status, and the
matters arising carried to an agenda; with the options they offer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..extensions import db
from ..forms import (
    DateField,
    Form,
    MultiCheckboxField,
    SelectField,
    blank_is_none,
    lenient,
    record_id,
    single_line,
    strip,
)
from ..i18n import format_date
from ..meetings.types import meeting_types
from ..member_picker import MemberField, MembersField
from ..models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Meeting,
    MeetingStatus,
    MeetingType,
    WorkingGroup,
)
from .actions import NOTES_MAX, REASON_MAX, TITLE_MAX, ActionData, ActionFilter
from .decisions import DecisionFilter
from .decisions import years as decision_years

SECTION_MAX = ActionItem.__table__.c.section.type.length
#: how an action's owners are typed, wherever they are
OWNERS_HELP = _l("Type a name or an e-mail address; separate several owners with a semicolon.")
#: meetings offered when recording an action: the latest ones, which are the ones actions come from
MEETING_CHOICES = 60


# --- options ----------------------------------------------------------------------------------------------


def working_group_options() -> list[WorkingGroup]:
    return list(
        db.session.scalars(sa.select(WorkingGroup).order_by(WorkingGroup.is_active.desc(), WorkingGroup.code))
    )


def meeting_options(now: datetime, keep_id: int | None = None) -> list[Meeting]:
    """Meetings that have started and were not cancelled, the latest first; and `keep_id` whatever it is."""
    clause = sa.and_(Meeting.starts_at <= now, Meeting.status != MeetingStatus.CANCELLED)
    latest = (
        sa.select(Meeting.id)
        .where(clause)
        .order_by(Meeting.starts_at.desc())
        .limit(MEETING_CHOICES)
        .subquery()
    )
    wanted = Meeting.id.in_(sa.select(latest.c.id))
    if keep_id is not None:
        wanted = sa.or_(wanted, Meeting.id == keep_id)
    return list(db.session.scalars(sa.select(Meeting).where(wanted).order_by(Meeting.starts_at.desc())))


def agenda_item_options(meeting_id: int | None) -> list[AgendaItem]:
    if meeting_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position)
        )
    )


def read_id(value: Any) -> int | None:
    """An id from a query string or a form, or None for anything else."""
    return lenient(record_id)(value)


def _meeting_label(meeting: Meeting) -> str:
    return f"{format_date(meeting.starts_at, 'medium')} – {meeting.title}"


# --- registers --------------------------------------------------------------------------------------------


class _FilterForm(Form):
    """Filters read from the query string: a value that names nothing is ignored, never refused."""

    class Meta:
        csrf = False

    q = StringField(_l("Words"), filters=[strip])

    def _chosen(self, field: Any) -> Any:
        return None if field.errors else field.data


class DecisionFilterForm(_FilterForm):
    year = SelectField(_l("Year"), coerce=lenient(int))
    type = SelectField(_l("Meeting type"), coerce=lenient(str))
    working_group = SelectField(_l("Working group"), coerce=lenient(record_id))

    def load_options(self, years: list[int], types: list[MeetingType], groups: list[WorkingGroup]) -> None:
        everything = _l("All")
        self.year.choices = [("", everything)] + [(str(year), str(year)) for year in years]
        self.type.choices = [("", everything)] + [(kind.code, kind.label) for kind in types]
        self.working_group.choices = [("", everything)] + [(str(g.id), g.display_name) for g in groups]

    def criteria(self) -> DecisionFilter:
        self.validate()
        return DecisionFilter(
            q=(self.q.data or "") if not self.q.errors else "",
            year=self._chosen(self.year),
            type_code=self._chosen(self.type) or None,
            working_group_id=self._chosen(self.working_group),
        )


#: the register's status filter; "open" means open or in progress
STATUS_FILTERS = ("open", ActionStatus.IN_PROGRESS.value, ActionStatus.DONE.value, ActionStatus.DROPPED.value)


class ActionFilterForm(_FilterForm):
    owner = MemberField(_l("Owner"), description=_l("A name or an e-mail address."))
    status = SelectField(_l("Status"), coerce=lenient(str))
    overdue = BooleanField(_l("Overdue only"))
    meeting = SelectField(_l("Meeting"), coerce=lenient(record_id))
    working_group = SelectField(_l("Working group"), coerce=lenient(record_id))

    def load_options(self, meetings: list[Meeting], groups: list[WorkingGroup]) -> None:
        everything = _l("All")
        self.status.choices = [
            ("", everything),
            ("open", _l("Open or in progress")),
            (ActionStatus.IN_PROGRESS.value, ActionStatus.IN_PROGRESS.label),
            (ActionStatus.DONE.value, ActionStatus.DONE.label),
            (ActionStatus.DROPPED.value, ActionStatus.DROPPED.label),
        ]
        self.meeting.choices = [("", everything)] + [(str(m.id), _meeting_label(m)) for m in meetings]
        self.working_group.choices = [("", everything)] + [(str(g.id), g.display_name) for g in groups]

    def criteria(self) -> ActionFilter:
        self.validate()
        status = self._chosen(self.status)
        return ActionFilter(
            q=(self.q.data or "") if not self.q.errors else "",
            owner_id=self._chosen(self.owner),
            status=status if status in STATUS_FILTERS else None,
            overdue=bool(self.overdue.data),
            meeting_id=self._chosen(self.meeting),
            working_group_id=self._chosen(self.working_group),
        )


def decision_filter_form(args: Any) -> DecisionFilterForm:
    """The decisions register's filters from a query string, with their options: the page and its
    downloads read the same arguments the same way."""
    form = DecisionFilterForm(formdata=args)
    form.load_options(decision_years(), meeting_types(include_inactive=True), working_group_options())
    return form


def action_filter_form(args: Any, now: datetime) -> ActionFilterForm:
    """The action register's filters from a query string, with their options (see decision_filter_form)."""
    form = ActionFilterForm(formdata=args)
    form.load_options(meeting_options(now, read_id(args.get("meeting"))), working_group_options())
    return form


# --- one action -------------------------------------------------------------------------------------------


class ActionForm(Form):
    title = StringField(
        _l("What is to be done"),
        filters=[strip],
        validators=[DataRequired(), Length(max=TITLE_MAX), single_line],
    )
    # Members who left are read too, so that the rules name them; the search offers current members only.
    owners = MembersField(_l("Owners"), scope="all", offer="current", description=OWNERS_HELP)
    is_team_owned = BooleanField(_l("The coordination team owns it"))
    due_on = DateField(_l("Due on"), validators=[Optional()], description=_l("Empty: as soon as possible."))
    notes = TextAreaField(
        _l("Notes"),
        filters=[strip],
        validators=[Length(max=NOTES_MAX)],
        description=_l("Background. Markdown: **bold**, *italic*, lists, links."),
        render_kw={"rows": 5},
    )
    meeting_id = SelectField(
        _l("Agreed at the meeting"), coerce=blank_is_none(record_id), validate_choice=False
    )
    agenda_item_id = SelectField(_l("Agenda item"), coerce=blank_is_none(record_id), validate_choice=False)
    section = HiddenField(filters=[strip], validators=[Length(max=SECTION_MAX)])
    submit = SubmitField(_l("Save"))

    def __init__(
        self,
        *args: Any,
        meetings: list[Meeting] | None = None,
        items: list[AgendaItem] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if meetings is None:
            # An action stays with the meeting that agreed it; only what, who and when change.
            del self.meeting_id, self.agenda_item_id, self.section
            return
        self.meeting_id.choices = [("", _l("None: recorded on its own"))] + [
            (str(meeting.id), _meeting_label(meeting)) for meeting in meetings
        ]
        self.agenda_item_id.choices = [("", _l("None"))] + [
            (str(item.id), f"{item.position}. {item.title}") for item in items or []
        ]

    def validate_owners(self, field: Any) -> None:
        # The rules say the same; here it appears together with the form's other mistakes.
        if not field.data and not self.is_team_owned.data:
            raise ValidationError(
                _l("Give the action an owner: one or more members, or the coordination team.")
            )

    def action_data(self, section_meeting_id: int | None = None) -> ActionData:
        """What the form holds; the section counts only for the meeting it was given with."""
        meeting_id = self.meeting_id.data if "meeting_id" in self else None
        return ActionData(
            title=self.title.data or "",
            owner_ids=list(self.owners.data or []),
            is_team_owned=bool(self.is_team_owned.data),
            due_on=self.due_on.data,
            notes=self.notes.data or "",
            meeting_id=meeting_id,
            agenda_item_id=self.agenda_item_id.data if "agenda_item_id" in self else None,
            section=(self.section.data or "") if meeting_id and meeting_id == section_meeting_id else "",
        )


def action_form_values(action: ActionItem) -> dict[str, Any]:
    return {
        "title": action.title,
        "owners": [owner.id for owner in action.owners],
        "is_team_owned": action.is_team_owned,
        "due_on": action.due_on,
        "notes": action.notes,
    }


class ActionStatusForm(Form):
    status = SelectField(_l("Status"), coerce=blank_is_none(ActionStatus))
    note = TextAreaField(
        _l("Note"), filters=[strip], validators=[Length(max=NOTES_MAX)], render_kw={"rows": 2}
    )
    reason = StringField(
        _l("Reason, when dropped"), filters=[strip], validators=[Length(max=REASON_MAX), single_line]
    )
    submit = SubmitField(_l("Update"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = [(status.value, status.label) for status in ActionStatus]

    def validate_status(self, field: Any) -> None:
        if field.data is None:
            raise ValidationError(_l("Choose a status."))


class CarryOverForm(Form):
    # An action carried by someone else a moment ago is no longer offered; the rules skip it.
    actions = MultiCheckboxField(_l("Open actions"), coerce=record_id, validate_choice=False)
    submit = SubmitField(_l("Add to the agenda as Matters arising"))

    def validate_actions(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Choose the open actions to carry over."))
