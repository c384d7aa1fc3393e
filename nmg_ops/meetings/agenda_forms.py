"""Forms for agenda items, answers to invitations and the attendance sheet."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import Form, IntegerField, strip
from ..models import Attendance, Invitation, Rsvp
from .agenda import (
    DURATION_MAX,
    DURATION_MIN,
    NOTES_MAX,
    PRESENTER_MAX,
    TITLE_MAX,
    AgendaItemData,
    Direction,
)

#: the attendance sheet names its fields after the invitation they record
MARK_PREFIX = "mark-"


class AgendaItemForm(Form):
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=TITLE_MAX)])
    presenter = StringField(
        _l("Presenter"),
        filters=[strip],
        validators=[Length(max=PRESENTER_MAX)],
        description=_l("A member from the list, or anyone else’s name."),
    )
    duration_minutes = IntegerField(
        _l("Duration (minutes)"),
        validators=[Optional(), NumberRange(min=DURATION_MIN, max=DURATION_MAX)],
        render_kw={"min": DURATION_MIN, "max": DURATION_MAX, "inputmode": "numeric"},
    )
    notes = TextAreaField(
        _l("Notes"),
        filters=[strip],
        validators=[Length(max=NOTES_MAX)],
        description=_l("Background and expected outcome. Markdown: **bold**, *italic*, lists, links."),
        render_kw={"rows": 4},
    )
    submit = SubmitField(_l("Save"))

    def item_data(self) -> AgendaItemData:
        return AgendaItemData(
            title=self.title.data,
            presenter=self.presenter.data or "",
            duration_minutes=self.duration_minutes.data,
            notes=self.notes.data or "",
        )


class MoveForm(Form):
    """The up and down buttons post `direction`."""

    direction = SelectField(
        choices=[SelectChoice(d.value) for d in Direction], coerce=Direction, validators=[InputRequired()]
    )


class RsvpForm(Form):
    """The three answer buttons post `answer`; their labels are in the template."""

    answer = SelectField(
        choices=[SelectChoice(r.value) for r in Rsvp], coerce=Rsvp, validators=[InputRequired()]
    )


def _choice_or_none(value: Any) -> str | None:
    """Unknown values stay as they are, so that validation reports them as an invalid choice."""
    return None if value is None or value == "" else str(value)


def attendance_form(invitations: list[Invitation]) -> Form:
    """One row of radio buttons per invitee, pre-selected only where attendance was recorded before."""

    class AttendanceForm(Form):
        def marks(self) -> dict[int, Attendance]:
            """The marks given, by invitation id; rows left blank are not in it."""
            return {
                int(field.name.removeprefix(MARK_PREFIX)): Attendance(field.data)
                for field in self
                if field.name.startswith(MARK_PREFIX) and field.data is not None
            }

    for invitation in invitations:
        setattr(
            AttendanceForm,
            f"{MARK_PREFIX}{invitation.id}",
            RadioField(
                invitation.name,
                choices=[SelectChoice(a.value, a.label) for a in Attendance],
                coerce=_choice_or_none,
                validators=[Optional()],
                default=invitation.attendance.value if invitation.attendance else None,
            ),
        )
    return AttendanceForm()
