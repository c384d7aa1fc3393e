"""Forms for the year plan and for the meeting types."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
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

from ..forms import DateField, IntegerField, strip
from ..forms import Form as CsrfForm
from ..models import MeetingMode, MeetingType, MinutesApproval
from .forms import https_only
from .planning import Plan
from .rules import VENUE_MAX, VIDEO_URL_MAX
from .types import TypeData


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
        _l("Minutes approved by"),
        choices=[SelectChoice(a.value, a.label) for a in MinutesApproval],
        coerce=MinutesApproval,
        default=MinutesApproval.PLENARY.value,
    )
    is_active = BooleanField(_l("In use"), default=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, kind: MeetingType | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_mode.choices = [(mode.value, mode.label) for mode in MeetingMode]
        if kind is not None:
            del self.code

    def type_data(self) -> TypeData:
        return TypeData(
            name=self.name.data,
            default_mode=self.default_mode.data,
            target_per_year=self.target_per_year.data,
            min_onsite_per_year=self.min_onsite_per_year.data,
            default_duration_minutes=self.default_duration_minutes.data,
            reminder_days=self.reminder_days.data,
            agenda_call_days=self.agenda_call_days.data,
            is_active=bool(self.is_active.data),
            minutes_comment_days=self.minutes_comment_days.data,
            minutes_approval=self.minutes_approval.data,
        )
