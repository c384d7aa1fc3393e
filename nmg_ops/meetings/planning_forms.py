"""Forms for the year plan and for the meeting types."""

from __future__ import annotations

from typing import Any

from babel import Locale
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import DateField, IntegerField, lenient, record_id, strip
from ..forms import Form as CsrfForm
from ..models import MeetingMode, MeetingType, MinutesApproval
from .forms import https_only
from .planning import Plan
from .rules import VENUE_MAX, VIDEO_URL_MAX
from .types import TypeData, meeting_types


class PlanRowForm(Form):
    """One meeting of the plan; the key says which, the server knows the rest."""

    key = HiddenField()
    include = BooleanField(_l("Add"))
    day = DateField(_l("Date"), validators=[InputRequired()])
    mode = SelectField(_l("Mode"), coerce=MeetingMode)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built here, not at import, so the labels follow the reader's language.
        self.mode.choices = [(mode.value, mode.label) for mode in MeetingMode]


class PlanForm(CsrfForm):
    rows = FieldList(FormField(PlanRowForm))
    video_url = URLField(
        _l("Video link"),
        filters=[strip],
        validators=[Length(max=VIDEO_URL_MAX), https_only],
        description=_l("Optional: given to every online and hybrid meeting of the plan."),
    )
    venue = StringField(
        _l("Venue"),
        filters=[strip],
        validators=[Length(max=VENUE_MAX)],
        description=_l("Optional: given to every onsite and hybrid meeting of the plan."),
    )
    check = SubmitField(_l("Check the dates"))
    commit = SubmitField(_l("Add to the meetings as drafts"))

    @classmethod
    def for_plan(cls, plan: Plan) -> PlanForm:
        """The form filled from the plan, for its first showing."""
        return cls(
            formdata=None,
            data={
                "rows": [
                    {"key": slot.key, "include": slot.include, "day": slot.day, "mode": slot.mode.value}
                    for slot in plan.open_slots
                ]
            },
        )

    def choices(self) -> dict[str, tuple[bool, Any, MeetingMode]]:
        return {row.key.data: (bool(row.include.data), row.day.data, row.mode.data) for row in self.rows}


class DaysField(StringField):
    """Numbers of days before a meeting, typed as "7, 1"; its data is the list, largest first."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return ", ".join(str(day) for day in self.data or [])

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = []
        if not valuelist:
            return
        days = set()
        for part in valuelist[0].replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not 1 <= int(part) <= 365:
                self.data = None
                raise ValueError(_l("“%(value)s” is not a number of days from 1 to 365.", value=part))
            days.add(int(part))
        self.data = sorted(days, reverse=True)


#: a type's name in a language besides the NMG's default one is in the field `name_<language code>`
NAME_IN = "name_"


def language_name(code: str) -> str:
    """A language's name in the reader's language: "Italian", "italiano"."""
    return Locale.parse(code).get_display_name(get_locale()) or code


class MeetingTypeForm(CsrfForm):
    code = StringField(
        _l("Code"),
        filters=[strip, lambda value: value.lower() if value else value],
        validators=[DataRequired(), Length(max=40)],
        description=_l("Lower-case letters, digits and _; used in plan keys and settings, fixed once saved."),
    )
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    default_mode = SelectField(_l("Usual mode"), coerce=MeetingMode)
    target_per_year = IntegerField(
        _l("Meetings per year"),
        validators=[Optional(), NumberRange(min=1, max=52)],
        description=_l("Empty means “as needed”: the year plan leaves the type out."),
    )
    min_onsite_per_year = IntegerField(
        _l("Of those, onsite or hybrid at least"), validators=[InputRequired(), NumberRange(min=0, max=52)]
    )
    default_duration_minutes = IntegerField(
        _l("Usual length (minutes)"), validators=[InputRequired(), NumberRange(min=5, max=4320)]
    )
    reminder_days = DaysField(
        _l("Reminders, days before"),
        description=_l("Comma-separated, for example 7, 1. Empty for no reminders."),
    )
    agenda_call_days = IntegerField(
        _l("Call for agenda items, days before"),
        validators=[Optional(), NumberRange(min=1, max=365)],
        description=_l(
            "The coordination team is asked for agenda items this many days before. Empty for none."
        ),
    )
    minutes_comment_days = IntegerField(
        _l("Days to comment on circulated minutes"),
        default=10,
        validators=[InputRequired(), NumberRange(min=1, max=90)],
    )
    minutes_approval = SelectField(
        _l("Minutes approved"),
        coerce=MinutesApproval,
        default=MinutesApproval.MEETING.value,
        description=_l("The usual way; a written procedure stays possible for any meeting's minutes."),
    )
    minutes_approving_type_id = SelectField(
        _l("Approving meetings"),
        coerce=lenient(record_id),
        validators=[Optional()],
        description=_l("The type of the later meeting at which the minutes are approved."),
    )
    lists_attendees = BooleanField(
        _l("Calendar invitations name every invitee"),
        default=True,
        description=_l(
            "Otherwise each names only its recipient and the organiser. A meeting with external guests "
            "names only the recipient unless the meeting itself says otherwise."
        ),
    )
    is_active = BooleanField(_l("In use"), default=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, kind: MeetingType | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_mode.choices = [(mode.value, mode.label) for mode in MeetingMode]
        self.minutes_approval.choices = [SelectChoice(a.value, a.label) for a in MinutesApproval]
        self.minutes_approving_type_id.choices = [
            SelectChoice("", str(_l("Meetings of this same type"))),
            *(SelectChoice(str(other.id), other.label) for other in meeting_types() if other is not kind),
        ]
        if kind is not None:
            del self.code

    def name_fields(self) -> list[Field]:
        """The name in the NMG's default language first, then one per other language it works in."""
        return [self.name, *(field for field in self if field.name.startswith(NAME_IN))]

    def type_data(self) -> TypeData:
        names = {
            field.name.removeprefix(NAME_IN): field.data for field in self.name_fields()[1:] if field.data
        }
        return TypeData(
            name=self.name.data,
            names={current_app.config["DEFAULT_LANGUAGE"]: self.name.data, **names},
            default_mode=self.default_mode.data,
            target_per_year=self.target_per_year.data,
            min_onsite_per_year=self.min_onsite_per_year.data,
            default_duration_minutes=self.default_duration_minutes.data,
            reminder_days=self.reminder_days.data,
            agenda_call_days=self.agenda_call_days.data,
            is_active=bool(self.is_active.data),
            minutes_comment_days=self.minutes_comment_days.data,
            minutes_approval=self.minutes_approval.data,
            minutes_approving_type_id=self.minutes_approving_type_id.data,
            lists_attendees=bool(self.lists_attendees.data),
        )


def meeting_type_form(kind: MeetingType | None = None) -> MeetingTypeForm:
    """The type form with a name field for each language the NMG works in (LANGUAGES): `name` holds the
    one in its default language, which is required; the others may stay empty."""
    default = current_app.config["DEFAULT_LANGUAGE"]
    others = [code for code in current_app.config["LANGUAGES"] if code != default]

    class TypeForm(MeetingTypeForm):
        pass

    for code in others:
        label = _l("Name in %(language)s", language=language_name(code))
        field = StringField(label, filters=[strip], validators=[Length(max=120)], render_kw={"lang": code})
        setattr(TypeForm, NAME_IN + code, field)
    values = {NAME_IN + code: kind.names.get(code) for code in others} if kind is not None else {}
    form = TypeForm(obj=kind, kind=kind, **values)
    form.name.render_kw = {"lang": default}
    if others:
        form.name.label.text = _l("Name in %(language)s", language=language_name(default))
    return form
